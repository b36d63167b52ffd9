import { describe, expect, it } from 'vitest';
import {
  assessRisk,
  bypassesWindows,
  type CompiledChangeControlPolicy,
  evaluateChangeControl,
} from '../../src/control/index.js';
import type { Approval, ChangeSubject, WindowVerdict } from '../../src/core/model.js';
import { AT, compiled, openWindows, POLICY, proposalYaml, subjectOf } from './helpers.js';

function evaluate(
  subject: ChangeSubject,
  options: {
    policy?: CompiledChangeControlPolicy;
    approvals?: Approval[];
    commit?: string;
    at?: Date;
    requestedAt?: Date;
    windows?: WindowVerdict;
    members?: Map<string, string[]>;
  } = {},
) {
  const policy = options.policy ?? compiled();
  const windowVerdict = options.windows ?? openWindows();
  const risk = assessRisk(policy, subject, { windows: windowVerdict.overlapping });
  return evaluateChangeControl(policy, subject, {
    at: options.at ?? AT,
    risk,
    approvals: options.approvals ?? [],
    ...(options.commit ? { commit: options.commit } : {}),
    ...(options.requestedAt ? { requestedAt: options.requestedAt } : {}),
    ...(options.members ? { members: options.members } : {}),
    windowVerdict,
  });
}

const errors = (verdict: ReturnType<typeof evaluate>) =>
  verdict.findings.filter((finding) => finding.severity === 'error');

describe('assessRisk', () => {
  it('raises the risk to the highest matching rule and lists every reason', () => {
    const subject = subjectOf(
      proposalYaml({ targets: '{devices: [sw-plant-a-01, sw-plant-a-02, sw-plant-a-03], tags: [core]}' }),
    );

    const risk = assessRisk(compiled(), subject, { windows: [] });

    expect(risk).toEqual({
      declared: 'low',
      effective: 'high',
      reasons: ['Core devices carry every site', 'More than two devices'],
      findings: [],
      evaluated: [
        { kind: 'risk-rule', rule: 'core', outcome: 'passed' },
        { kind: 'risk-rule', rule: 'many-devices', outcome: 'passed' },
      ],
    });
  });

  it('never lowers the declared risk', () => {
    const subject = subjectOf(proposalYaml({ risk: 'high' }));

    const risk = assessRisk(compiled(), subject, { windows: [] });

    expect(risk.effective).toBe('high');
    expect(risk.reasons).toEqual([]);
  });

  it('sees the windows the change falls in', () => {
    const subject = subjectOf(proposalYaml());

    const risk = assessRisk(compiled(), subject, { windows: ['plant-a-production', 'sunday-maintenance'] });

    expect(risk.effective).toBe('high');
    expect(risk.reasons).toEqual(['Falls in a production window']);
  });

  it('turns a rule reading a missing field into a warning, not a crash', () => {
    const subject = subjectOf(proposalYaml({ targets: '{sites: [plant-a]}' }));

    const risk = assessRisk(compiled(), subject, { windows: [] });

    expect(risk.effective).toBe('low');
    expect(risk.findings).toEqual([
      expect.objectContaining({
        ruleId: 'rule',
        policy: 'many-devices',
        severity: 'warning',
        file: 'changes/chg-1.yaml',
        line: 1,
        message: expect.stringContaining('No such key: devices'),
      }),
    ]);
  });

  it.each([
    ['int size against an int literal', 'proposal.targets.devices.size() > 2', true],
    ['int size against a double literal', 'proposal.targets.devices.size() > 2.5', true],
    ['deviceCount arithmetic with an int literal', 'context.deviceCount * 2 > 4', true],
    ['a YAML integer with int arithmetic', 'proposal.execution[0].ansible.extraVars.vlan_id % 2 == 0', true],
    [
      'a YAML integer against a double literal',
      'proposal.execution[0].ansible.extraVars.vlan_id == 40.0',
      true,
    ],
    ['a YAML fraction stays a double', 'proposal.execution[0].ansible.extraVars.ratio * 2.0 > 1.4', true],
    ['inventory groups from the context', "'core' in context.inventoryGroups", false],
  ])('evaluates %s without an int/double mismatch', (_name, expression, expected) => {
    const policy = compiled(
      POLICY.replace(
        'risk:\n  rules:\n',
        `risk:\n  rules:\n    - {name: probe, when: "${expression}", atLeast: medium, reason: probe}\n`,
      ),
    );
    const subject = subjectOf(
      proposalYaml({
        targets: '{devices: [sw-plant-a-01, sw-plant-a-02, sw-plant-a-03]}',
        execution:
          '[{ansible: {playbook: playbooks/switching/vlans.yaml, extraVars: {vlan_id: 40, ratio: 0.75}}}]',
      }),
      ['plant_a', 'switches'],
    );

    const risk = assessRisk(policy, subject, { windows: [] });

    expect(risk.findings).toEqual([]);
    expect(risk.reasons.includes('probe')).toBe(expected);
  });
});

describe('evaluateChangeControl: change types', () => {
  it('accepts a standard change from a listed template with one review from the responsible team', () => {
    const subject = subjectOf(proposalYaml({ type: 'standard', template: 'vlan-add' }));

    const verdict = evaluate(subject, { approvals: [{ user: 'eli' }] });

    expect(errors(verdict)).toEqual([]);
    expect(verdict.approvals).toEqual({
      satisfied: true,
      required: [
        expect.objectContaining({
          role: 'responsible',
          team: 'partner-noc',
          count: 1,
          approvedBy: ['eli'],
          satisfied: true,
          eligible: [],
        }),
      ],
    });
    expect(verdict.autonomy).toEqual({
      team: 'partner-noc',
      class: 'autonomous',
      message: 'partner-noc may run this alone',
    });
  });

  it('rejects a standard change naming an unknown template, at the template line', () => {
    const text = proposalYaml({ type: 'standard', template: 'vlan-delete' });

    const verdict = evaluate(subjectOf(text));

    expect(errors(verdict)).toEqual([
      expect.objectContaining({
        ruleId: 'change-type',
        policy: 'standard',
        message: "template 'vlan-delete' is not a pre-approved standard change",
        line: text.split('\n').indexOf('template: vlan-delete') + 1,
      }),
    ]);
  });

  it('rejects a standard change above the risk ceiling, with the reasons', () => {
    const subject = subjectOf(
      proposalYaml({
        type: 'standard',
        template: 'vlan-add',
        targets: '{devices: [sw-plant-a-01, sw-plant-a-02, sw-plant-a-03]}',
      }),
    );

    const verdict = evaluate(subject, { approvals: [] });

    expect(errors(verdict).map((finding) => finding.message)).toEqual([
      'standard changes may carry at most low risk; this one is medium (More than two devices)',
    ]);
  });

  it('enforces the lead time of normal changes against --at', () => {
    const text = proposalYaml();
    const justInTime = new Date('2026-11-27T08:00:00Z');
    const tooLate = new Date('2026-11-27T08:00:01Z');

    const inTime = evaluate(subjectOf(text), { at: justInTime });
    const late = evaluate(subjectOf(text), { at: tooLate });

    expect(errors(inTime)).toEqual([]);
    expect(errors(late)).toEqual([
      expect.objectContaining({
        ruleId: 'change-type',
        policy: 'normal',
        message:
          'normal changes need 2 days notice: this one starts Sun 29 Nov 2026 02:00 CST (08:00Z), less than 2 days after Fri 27 Nov 2026 02:00 CST (08:00Z)',
        hint: 'Start at Sun 29 Nov 2026 02:00 CST (08:00Z) or later, or raise it as an emergency change with its incident.',
        line: text.split('\n').findIndex((line) => line.startsWith('schedule:')) + 1,
      }),
    ]);
  });

  it('at apply, counts the notice from the request and says so, also for a start before the request', () => {
    const text = proposalYaml();
    // A rehearsal at the start itself, of a change committed a day before it and of one committed after.
    const at = new Date('2026-11-29T08:00:00Z');

    const late = evaluate(subjectOf(text), { at, requestedAt: new Date('2026-11-28T08:00:00Z') });
    const after = evaluate(subjectOf(text), { at, requestedAt: new Date('2026-12-07T07:26:00Z') });

    expect(errors(late).map((finding) => finding.message)).toEqual([
      'normal changes need 2 days notice: this one starts Sun 29 Nov 2026 02:00 CST (08:00Z), less than 2 days after Sat 28 Nov 2026 02:00 CST (08:00Z), when it was requested',
    ]);
    expect(errors(after).map((finding) => finding.message)).toEqual([
      'normal changes need 2 days notice: this one starts Sun 29 Nov 2026 02:00 CST (08:00Z), before it was requested, Mon 7 Dec 2026 01:26 CST (07:26Z)',
    ]);
  });

  it('requires an incident for an emergency change and does not let it bypass windows without one', () => {
    const subject = subjectOf(proposalYaml({ type: 'emergency' }));

    const verdict = evaluate(subject);

    expect(errors(verdict).map((finding) => finding.message)).toEqual([
      'an emergency change must name its incident',
    ]);
    expect(bypassesWindows(compiled(), subject)).toBe(false);
  });

  it('does not take an incident of spaces as named: no bypass of windows', () => {
    const subject = subjectOf(proposalYaml({ type: 'emergency', incident: '" "' }));

    const verdict = evaluate(subject);

    expect(errors(verdict).map((finding) => finding.message)).toEqual([
      'an emergency change must name its incident',
    ]);
    expect(bypassesWindows(compiled(), subject)).toBe(false);
  });

  it('lets an emergency change with its incident bypass windows and sets the retrospective due date', () => {
    const subject = subjectOf(proposalYaml({ type: 'emergency', incident: 'INC-0042' }));

    const verdict = evaluate(subject, { at: new Date('2026-11-29T07:30:00Z') });

    expect(bypassesWindows(compiled(), subject)).toBe(true);
    expect(errors(verdict)).toEqual([]);
    expect(verdict.retrospectiveDue).toBe('2026-12-01T08:00:00Z');
    expect(verdict.findings).toContainEqual(
      expect.objectContaining({
        severity: 'note',
        message: 'emergency change: a retrospective review is due by Tue 1 Dec 2026 02:00 CST (08:00Z)',
      }),
    );
  });

  it('says no one is accountable for a domain the RACI does not list', () => {
    const text = proposalYaml({ domain: 'firewall' });

    const verdict = evaluate(subjectOf(text));

    expect(errors(verdict)).toEqual([
      expect.objectContaining({
        ruleId: 'approval',
        message: "no one is accountable for domain 'firewall'",
        line: text.split('\n').indexOf('domain: firewall') + 1,
      }),
    ]);
  });

  it('refuses a requester who names a team they are not in, since the team decides the cross-team approval', () => {
    const text = proposalYaml({ requester: '{team: partner-noc, github: bob}' });

    const verdict = evaluate(subjectOf(text));

    expect(errors(verdict)).toContainEqual(
      expect.objectContaining({
        ruleId: 'reference',
        message: 'bob is not a member of partner-noc (they are in netops)',
        line: text.split('\n').findIndex((line) => line.startsWith('requester:')) + 1,
      }),
    );
  });

  it('only warns about a requester in no team at all (a bot raising a change for the team)', () => {
    const verdict = evaluate(
      subjectOf(proposalYaml({ requester: '{team: partner-noc, github: github-actions}' })),
    );

    expect(errors(verdict)).toEqual([]);
    expect(verdict.findings).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        message: 'github-actions is not a member of partner-noc',
      }),
    );
  });

  it('rejects a requester team the policy does not define', () => {
    const verdict = evaluate(subjectOf(proposalYaml({ requester: '{team: partner, github: dana}' })));

    expect(errors(verdict).map((finding) => finding.message)).toEqual([
      "requester team 'partner' is not a team of the change-control policy",
    ]);
  });
});

describe('evaluateChangeControl: approvals', () => {
  const highRisk = () => subjectOf(proposalYaml({ risk: 'high', rollback: '{description: Remove VLAN 40}' }));

  it('lists each requirement, who satisfied it and who still can', () => {
    const verdict = evaluate(highRisk(), { approvals: [{ user: 'alice' }, { user: 'carol' }] });

    expect(verdict.approvals.satisfied).toBe(false);
    expect(verdict.approvals.required).toEqual([
      expect.objectContaining({
        role: 'accountable',
        team: 'netops',
        count: 1,
        approvedBy: ['alice'],
        satisfied: true,
        eligible: ['bob'],
      }),
      expect.objectContaining({
        team: 'cab',
        count: 2,
        approvedBy: ['carol'],
        satisfied: false,
        eligible: ['dave', 'erin'],
      }),
    ]);
  });

  it('counts distinct users once', () => {
    const verdict = evaluate(highRisk(), {
      approvals: [{ user: 'carol' }, { user: 'Carol' }, { user: 'alice' }],
    });

    expect(verdict.approvals.required[1]).toMatchObject({ approvedBy: ['carol'], satisfied: false });
  });

  it("never counts the requester's own approval (separation of duties)", () => {
    const subject = subjectOf(proposalYaml({ type: 'standard', template: 'vlan-add' }));

    const verdict = evaluate(subject, { approvals: [{ user: 'dana' }] });

    expect(verdict.approvals.required[0]).toMatchObject({
      approvedBy: [],
      satisfied: false,
      eligible: ['eli'],
    });
    expect(verdict.findings).toContainEqual(
      expect.objectContaining({
        ruleId: 'approval',
        severity: 'note',
        message: "dana's own approval does not count: the policy separates duties",
      }),
    );
  });

  it("never counts the implementer's approval either, and says why", () => {
    const subject = subjectOf(proposalYaml({ implementer: '{github: eli}' }));

    const verdict = evaluate(subject, { approvals: [{ user: 'eli' }] });

    expect(verdict.approvals.required[0]).toMatchObject({
      team: 'partner-noc',
      approvedBy: [],
      satisfied: false,
      eligible: [],
    });
    expect(verdict.findings).toContainEqual(
      expect.objectContaining({
        ruleId: 'approval',
        severity: 'note',
        message: "eli's approval does not count: eli implements the change and the policy separates duties",
      }),
    );
  });

  it('counts the requester when the policy does not separate duties', () => {
    const policy = compiled(POLICY.replace('separationOfDuties: true', 'separationOfDuties: false'));
    const subject = subjectOf(proposalYaml({ type: 'standard', template: 'vlan-add' }));

    const verdict = evaluate(subject, { policy, approvals: [{ user: 'dana' }] });

    expect(verdict.approvals.required[0]).toMatchObject({ approvedBy: ['dana'], satisfied: true });
  });

  it('ignores approvals recorded for another commit when both commits are known', () => {
    const commit = '3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39';
    const approvals = [
      { user: 'alice', commit: '0000000111111122222223333333444444455555' },
      { user: 'carol', commit: '3f2a9c1' },
      { user: 'dave' },
    ];

    const verdict = evaluate(highRisk(), { approvals, commit });
    const unknownCommit = evaluate(highRisk(), { approvals });

    expect(verdict.approvals.required[0]).toMatchObject({ approvedBy: [], satisfied: false });
    expect(verdict.approvals.required[1]).toMatchObject({ approvedBy: ['carol', 'dave'], satisfied: true });
    expect(verdict.findings).toContainEqual(
      expect.objectContaining({
        message: expect.stringContaining('approval by alice was given for another commit'),
      }),
    );
    expect(unknownCommit.approvals.satisfied).toBe(true);
  });

  it('needs an internal approval for a partner-authored change when no requirement implies one', () => {
    const subject = subjectOf(proposalYaml());
    const crossTeamOff = compiled(POLICY.replace('crossTeam: true', 'crossTeam: {internalChanges: true}'));

    const partnerOnly = evaluate(subject, { approvals: [{ user: 'eli' }] });
    const withoutCrossTeam = evaluate(subject, { policy: crossTeamOff, approvals: [{ user: 'eli' }] });

    expect(withoutCrossTeam.approvals.satisfied).toBe(true);
    expect(partnerOnly.approvals.satisfied).toBe(false);
    expect(partnerOnly.approvals.required[1]).toMatchObject({
      count: 1,
      approvedBy: [],
      satisfied: false,
      eligible: ['alice', 'bob', 'frank'],
      reason: expect.stringContaining('cross-team: partner-noc is a partner team'),
    });
  });

  it('needs a partner or board approval for an internal-authored change', () => {
    const subject = subjectOf(proposalYaml({ requester: '{team: netops, github: alice}', domain: 'sdwan' }));

    const verdict = evaluate(subject, { approvals: [{ user: 'bob' }] });
    const withPartner = evaluate(subject, { approvals: [{ user: 'bob' }, { user: 'eli' }] });

    expect(verdict.approvals.required.map((requirement) => requirement.satisfied)).toEqual([true, false]);
    expect(verdict.approvals.required[1]?.eligible).toEqual(['carol', 'dana', 'dave', 'eli', 'erin']);
    expect(withPartner.approvals.satisfied).toBe(true);
  });

  it('adds the approvals a deny window override demands', () => {
    const windows = openWindows({
      open: false,
      overlapping: ['plant-a-maintenance-hold'],
      overrideApprovals: [
        { team: 'plant-ops', count: 1, reason: 'window plant-a-maintenance-hold: override needs plant-ops' },
      ],
    });

    const verdict = evaluate(subjectOf(proposalYaml()), {
      windows,
      approvals: [{ user: 'eli' }, { user: 'frank' }],
    });

    expect(verdict.approvals.required).toEqual([
      expect.objectContaining({ role: 'responsible', approvedBy: ['eli'] }),
      expect.objectContaining({ team: 'plant-ops', approvedBy: ['frank'], satisfied: true }),
    ]);
    expect(verdict.approvals.satisfied).toBe(true);
  });

  it('rejects a window override that names a team the policy does not define', () => {
    const windows = openWindows({
      overrideApprovals: [{ team: 'plant-operations', count: 1, reason: 'window x' }],
    });

    const verdict = evaluate(subjectOf(proposalYaml()), { windows });

    expect(errors(verdict).map((finding) => finding.message)).toEqual([
      'a window override requires team plant-operations, which is not defined in policies/change-control.yaml',
    ]);
  });

  it('takes team members from the members map as well as the policy', () => {
    const members = new Map([['netops', ['gina']]]);

    const verdict = evaluate(subjectOf(proposalYaml({ risk: 'medium', rollback: '{description: undo}' })), {
      members,
      approvals: [{ user: 'gina' }],
    });

    expect(verdict.approvals.required[0]).toMatchObject({
      team: 'netops',
      approvedBy: ['gina'],
      satisfied: true,
      eligible: ['alice', 'bob'],
    });
  });
});

describe('evaluateChangeControl: autonomy and custom rules', () => {
  it.each([
    [{ type: 'standard', template: 'vlan-add' }, 'autonomous', 'partner-noc may run this alone'],
    [{ risk: 'medium', rollback: '{description: undo}' }, 'needs-input', 'needs netops input'],
    [{ risk: 'high', rollback: '{description: undo}' }, 'escalate', 'escalate to netops and the CAB'],
    [{}, 'needs-input', 'needs netops input'],
  ])('classifies %o as %s', (fields, expectedClass, message) => {
    const verdict = evaluate(subjectOf(proposalYaml(fields as Record<string, string>)));

    expect(verdict.autonomy).toEqual({ team: 'partner-noc', class: expectedClass, message });
  });

  it('gives no autonomy class to a team without a playbook', () => {
    const verdict = evaluate(subjectOf(proposalYaml({ requester: '{team: netops, github: alice}' })));

    expect(verdict.autonomy).toBeUndefined();
  });

  it('reports a failed custom rule with its name, message and severity', () => {
    const verdict = evaluate(subjectOf(proposalYaml({ risk: 'medium' })));

    expect(errors(verdict)).toEqual([
      expect.objectContaining({
        ruleId: 'rule',
        policy: 'rollback-required',
        severity: 'error',
        message: 'Medium and high risk changes need a rollback plan',
        file: 'changes/chg-1.yaml',
        line: 1,
      }),
    ]);
  });

  it('lets custom rules see the effective risk as context.risk', () => {
    const policy = compiled(
      POLICY.replace(`when: "proposal.risk != 'low'"`, `when: "context.risk != 'low'"`),
    );
    const subject = subjectOf(
      proposalYaml({ targets: '{devices: [sw-plant-a-01, sw-plant-a-02, sw-plant-a-03]}' }),
    );

    const verdict = evaluate(subject, { policy });

    expect(verdict.risk.effective).toBe('medium');
    expect(errors(verdict).map((finding) => finding.policy)).toEqual(['rollback-required']);
  });

  it('reports a custom rule that reads a missing field as a warning', () => {
    const policy = compiled(
      POLICY.replace(
        'rules:\n  - {name: rollback-required',
        'rules:\n  - {name: incident-format, assert: "proposal.incident.startsWith(\'INC-\')", message: bad incident}\n  - {name: rollback-required',
      ),
    );

    const verdict = evaluate(subjectOf(proposalYaml()), { policy });

    expect(verdict.findings).toEqual([
      expect.objectContaining({
        ruleId: 'rule',
        policy: 'incident-format',
        severity: 'warning',
        message: expect.stringContaining('No such key: incident'),
      }),
    ]);
  });

  it('lets custom rules see the evaluation instant, whether the windows are open and the retrospective due date', () => {
    const policy = compiled(
      POLICY.replace(
        'rules:\n  - {name: rollback-required',
        [
          'rules:',
          '  - {name: review-overdue, when: "has(context.retrospectiveDue) && context.at > context.retrospectiveDue", assert: "has(proposal.assurance) && has(proposal.assurance.postImplementationReview)", message: review overdue}',
          '  - {name: break-glass, when: "!context.windowsOpen", assert: "has(proposal.assurance) && has(proposal.assurance.breakGlass)", message: no break-glass record}',
          '  - {name: rollback-required',
        ].join('\n'),
      ),
    );
    const emergency = subjectOf(proposalYaml({ type: 'emergency', incident: 'INC-1' }));
    const closed = openWindows({ open: false, overlapping: ['plant-a-production'] });

    const early = evaluate(emergency, { policy, at: new Date('2026-11-30T08:00:00Z') });
    const late = evaluate(emergency, { policy, at: new Date('2026-12-01T08:01:00Z'), windows: closed });

    expect(early.retrospectiveDue).toBe('2026-12-01T08:00:00Z');
    expect(errors(early)).toEqual([]);
    expect(errors(late).map((finding) => finding.policy)).toEqual(['review-overdue', 'break-glass']);
  });

  it('points a failed assertion at the field it reads', () => {
    const policy = compiled(
      POLICY.replace(
        'rules:\n  - {name: rollback-required',
        'rules:\n  - {name: plant-site, assert: "proposal.targets.sites.all(s, s.startsWith(\'plant-\'))", message: plant sites only, severity: warning}\n  - {name: rollback-required',
      ),
    );
    const text = proposalYaml({ targets: '{sites: [berlin]}' });

    const verdict = evaluate(subjectOf(text), { policy });

    expect(verdict.findings).toContainEqual(
      expect.objectContaining({
        policy: 'plant-site',
        severity: 'warning',
        line: text.split('\n').findIndex((line) => line.startsWith('targets:')) + 1,
      }),
    );
  });
});

describe("the declared domain against the RACI's paths", () => {
  const domainErrors = (subject: ChangeSubject) =>
    errors(evaluate(subject)).filter((finding) => finding.message.includes("by the RACI's paths"));

  it('refuses a step that runs another domain’s content, at the step’s line', () => {
    // why: Terraform's SD-WAN stack belongs to sdwan (netops); declared as switching, the partner's
    // responsible team alone would approve it.
    const subject = subjectOf(
      proposalYaml({ execution: '[{terraform: {dir: ./terraform/sdwan/}}]', domain: 'switching' }),
    );

    expect(domainErrors(subject)).toEqual([
      expect.objectContaining({
        ruleId: 'approval',
        policy: 'raci',
        message:
          "./terraform/sdwan/ belongs to sdwan by the RACI's paths, not to this proposal's domain 'switching'",
        hint: expect.stringContaining('Declare domain: sdwan'),
        file: 'changes/chg-1.yaml',
        line: 11,
        column: 31,
      }),
    ]);
  });

  it('checks rollback and verification steps too', () => {
    const subject = subjectOf(
      proposalYaml({
        verification: '[{terraform: {dir: terraform/sdwan}}]',
        rollback: '{description: undo, terraform: {dir: terraform/sdwan}}',
      }),
    );

    expect(domainErrors(subject)).toHaveLength(2);
  });

  it('accepts the owning domain, and paths no domain owns', () => {
    const owned = subjectOf(proposalYaml());
    const unowned = subjectOf(
      proposalYaml({ execution: '[{ansible: {playbook: playbooks/shared/facts.yaml}}]' }),
    );

    expect(domainErrors(owned)).toEqual([]);
    expect(domainErrors(unowned)).toEqual([]);
  });

  it('reads CODEOWNERS patterns: anchored, at any depth, and whole directories', () => {
    const policy = compiled(
      POLICY.replace('paths: [terraform/sdwan/**]', 'paths: [/terraform/sdwan, "*.tf.json", lab/]'),
    );
    const judged = (playbookOrDir: string) =>
      errors(
        evaluate(
          subjectOf(
            proposalYaml({
              execution: playbookOrDir.endsWith('.yaml')
                ? `[{ansible: {playbook: ${playbookOrDir}}}]`
                : `[{terraform: {dir: ${playbookOrDir}}}]`,
            }),
          ),
          { policy },
        ),
      ).some((finding) => finding.message.includes("by the RACI's paths"));

    expect(judged('terraform/sdwan')).toBe(true);
    expect(judged('stacks/x/main.tf.json')).toBe(true);
    expect(judged('lab/edge')).toBe(true);
    expect(judged('labs/edge')).toBe(false);
    expect(judged('other/terraform/sdwan')).toBe(false);
  });
});
