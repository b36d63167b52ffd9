import { describe, expect, it } from 'vitest';
import { celCompilations } from '../../src/control/index.js';
import { compile, compiled, POLICY } from './helpers.js';

function lineOf(text: string, fragment: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(fragment));
  if (index < 0) throw new Error(`fragment not in text: ${fragment}`);
  return index + 1;
}

describe('compileChangeControlPolicy', () => {
  it('compiles the example split of teams and compiles each CEL expression once', () => {
    const before = celCompilations();

    const policy = compiled();

    expect([...policy.teams.keys()]).toEqual(['netops', 'partner-noc', 'plant-ops', 'cab']);
    expect(policy.riskRules.map((rule) => rule.label)).toEqual(['core', 'many-devices', 'production-window']);
    expect(policy.customRules.map((rule) => rule.name)).toEqual(['rollback-required']);
    // 3 risk rules + when and assert of the one custom rule
    expect(celCompilations() - before).toBe(5);
    expect(policy.policyOwners).toEqual(['netops', 'cab']);
    expect(policy.policyChangeApprovals.map((request) => request.team)).toEqual(['netops', 'cab']);
  });

  it.each([
    [
      'a RACI role naming a missing team',
      POLICY.replace('accountable: netops, consulted', 'accountable: net-ops, consulted'),
      'accountable: net-ops',
      "raci.switching.accountable names team 'net-ops', which is not defined under teams",
    ],
    [
      'an approval naming an unknown team',
      POLICY.replace('{team: cab, count: 2}', '{team: cab-board, count: 2}'),
      'team: cab-board',
      "approvals[2] names team 'cab-board', which is not defined under teams",
    ],
    [
      'autonomy for an unknown team',
      POLICY.replace('autonomy:\n  partner-noc:', 'autonomy:\n  partner-nc:'),
      '  partner-nc:',
      "autonomy is given for team 'partner-nc', which is not defined under teams",
    ],
    [
      'a duplicate member',
      POLICY.replace('members: [alice, bob]', 'members: [alice, bob,\n    alice]'),
      '    alice]',
      "'alice' is listed twice in team netops",
    ],
    [
      'a user in two teams with conflicting kinds',
      POLICY.replace('members: [dana, eli]', 'members: [dana, eli,\n    bob]'),
      '    bob]',
      "'bob' is in netops (internal) and in partner-noc (partner); a person belongs to one side",
    ],
    [
      'an invalid duration',
      POLICY.replace('leadTime: P2D', 'leadTime: P2X'),
      'leadTime: P2X',
      "'P2X' is not a valid positive ISO 8601 duration",
    ],
    [
      'a lead time past the dates a clock can hold',
      POLICY.replace('leadTime: P2D', 'leadTime: P99999999D'),
      'leadTime: P99999999D',
      "'P99999999D' is longer than P10Y",
    ],
    [
      'a CEL condition that does not compile',
      POLICY.replace('"proposal.targets.devices.size() > 2"', '"proposal.targets.devices.size() >"'),
      'many-devices',
      'risk rule many-devices: when is not a valid CEL boolean expression',
    ],
    [
      'a CEL condition naming an unknown variable',
      POLICY.replace('"proposal.risk != \'low\'"', '"proposl.risk != \'low\'"'),
      'rollback-required',
      'rule rollback-required: when is not a valid CEL boolean expression: Unknown variable: proposl',
    ],
    [
      'a CEL condition reading a context field that does not exist (a typo)',
      POLICY.replace(
        '"proposal.targets.devices.size() > 2"',
        "\"context.devicecount > 2 && 'context.x' != ''\"",
      ),
      'many-devices',
      'risk rule many-devices: when is not a valid CEL boolean expression: context.devicecount does not exist (did you mean context.deviceCount?)',
    ],
    [
      'a CEL condition that cannot be a boolean',
      POLICY.replace('"proposal.targets.devices.size() > 2"', '"proposal.targets.devices.size()"'),
      'many-devices',
      'yields int, not a boolean',
    ],
  ])('rejects %s with its line', (_name, text, fragment, message) => {
    const result = compile(text);

    expect(result.policy).toBeUndefined();
    const error = result.findings.find((finding) => finding.severity === 'error');
    expect(error).toMatchObject({
      ruleId: 'policy',
      file: 'policies/change-control.yaml',
      line: lineOf(text, fragment),
    });
    expect(error?.message).toContain(message);
  });

  it('reports an unknown RACI role as a schema error with its line', () => {
    const text = POLICY.replace(
      '{role: accountable, count: 1}]}\n  - {when: {risks: [high]}',
      '{role: owner, count: 1}]}\n  - {when: {risks: [high]}',
    );

    const result = compile(text);

    expect(result.policy).toBeUndefined();
    expect(result.findings[0]).toMatchObject({ ruleId: 'schema', line: lineOf(text, 'role: owner') });
  });

  it('accepts a board member who also sits in an internal team', () => {
    const text = POLICY.replace('members: [carol, dave, erin]', 'members: [carol, dave, erin, alice]');

    const result = compile(text);

    expect(result.policy).toBeDefined();
  });

  it('warns about approvals for a domain the RACI does not list', () => {
    const text = POLICY.replace('{when: {risks: [low]}', '{when: {risks: [low], domains: [firewal]}');

    const result = compile(text);

    expect(result.policy).toBeDefined();
    expect(result.findings).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringContaining("'firewal' is not a domain"),
      }),
    ]);
  });
});
