import { describe, expect, it } from 'vitest';
import {
  describeAdoption,
  errorsOf,
  inventoryTree,
  packProposal,
  proposalReport,
  validateAt,
} from './pack-repository.js';

// Wednesday 20 January 2027, 10:00 in New York.
const AT = '2027-01-20T15:00:00Z';
const ZONE = 'America/New_York';

const REASON = 'description: Open TCP 443 from the payments DMZ to the new HSM cluster\n';
const IMPLEMENTER = 'implementer: {github: bob}\n';
const SECURITY_IMPACT =
  '  securityImpact: One new flow, DMZ to HSM only; no change to cardholder-data exposure\n';
const TESTING = '  testing: Rule tested on fw-lab-01; the payment smoke test runs after apply\n';
const BACK_OUT = 'rollback: {description: Remove the rule again}\n';

/** A firewall change with a complete change record, minus the parts named in `without`. */
function firewall(
  id: string,
  device: string,
  slot: { start: string; end: string },
  options: {
    without?: ('reason' | 'implementer' | 'securityImpact' | 'testing' | 'backOut')[];
    type?: 'emergency';
    extra?: string;
    assurance?: string;
  } = {},
): string {
  const without = new Set(options.without ?? []);
  const assurance = [
    without.has('securityImpact') ? '' : SECURITY_IMPACT,
    without.has('testing') ? '' : TESTING,
    options.assurance ?? '',
  ].join('');
  return packProposal({
    id,
    domain: 'firewall',
    devices: [device],
    timezone: ZONE,
    ...slot,
    ...(options.type ? { type: options.type } : {}),
    extra: [
      without.has('reason') ? '' : REASON,
      without.has('implementer') ? '' : IMPLEMENTER,
      assurance ? `assurance:\n${assurance}` : '',
      without.has('backOut') ? '' : BACK_OUT,
      options.extra ?? '',
    ].join(''),
  });
}

const slot = (day: string) => ({ start: `${day}T21:00`, end: `${day}T22:00` });
const NEXT_TUESDAY = slot('2027-01-26');
// Emergencies run earlier: 10 January (review due 15 January, before --at) and 19 January (due 24 January).
const EARLY_EMERGENCY = { start: '2027-01-10T03:00', end: '2027-01-10T04:00' };
const RECENT_EMERGENCY = { start: '2027-01-19T03:00', end: '2027-01-19T04:00' };

/** The bank's own part of the policy: its teams and who owns the firewalls. */
const ORGANISATION = {
  windows: { apiVersion: 'netchange/v1', kind: 'WindowPolicy', timezone: ZONE },
  'change-control': {
    apiVersion: 'netchange/v1',
    kind: 'ChangeControlPolicy',
    teams: { netops: { kind: 'internal', members: ['alice', 'bob', 'nick'] } },
    raci: { firewall: { responsible: 'netops', accountable: 'netops' } },
    policyOwners: ['netops'],
  },
};

const DEVICES = Array.from({ length: 17 }, (_, index) => `fw-${String(index + 1).padStart(2, '0')}`);
const INVENTORY = inventoryTree({ firewalls: DEVICES });

const PROPOSALS: Record<string, string> = {
  'FS-COMPLETE': firewall('FS-COMPLETE', 'fw-01', NEXT_TUESDAY),
  'FS-NO-REASON': firewall('FS-NO-REASON', 'fw-02', NEXT_TUESDAY, { without: ['reason'] }),
  'FS-NO-SECURITY-IMPACT': firewall('FS-NO-SECURITY-IMPACT', 'fw-03', NEXT_TUESDAY, {
    without: ['securityImpact'],
  }),
  'FS-NO-TESTING': firewall('FS-NO-TESTING', 'fw-04', NEXT_TUESDAY, { without: ['testing'] }),
  'FS-NO-BACK-OUT': firewall('FS-NO-BACK-OUT', 'fw-05', NEXT_TUESDAY, { without: ['backOut'] }),
  'FS-NO-IMPLEMENTER': firewall('FS-NO-IMPLEMENTER', 'fw-06', NEXT_TUESDAY, { without: ['implementer'] }),
  'FS-QUARTER-END': firewall('FS-QUARTER-END', 'fw-07', slot('2027-03-30')),
  'FS-AFTER-QUARTER-END': firewall('FS-AFTER-QUARTER-END', 'fw-08', {
    start: '2027-04-03T00:00',
    end: '2027-04-03T01:00',
  }),
  'FS-YEAR-END': firewall('FS-YEAR-END', 'fw-09', slot('2027-12-20')),
  'FS-NEW-YEAR': firewall('FS-NEW-YEAR', 'fw-10', slot('2028-01-05')),
  'FS-PIR-MISSING': firewall('FS-PIR-MISSING', 'fw-11', EARLY_EMERGENCY, {
    type: 'emergency',
    extra: 'incident: INC-9001\n',
  }),
  'FS-PIR-LATE': firewall('FS-PIR-LATE', 'fw-12', EARLY_EMERGENCY, {
    type: 'emergency',
    extra: 'incident: INC-9002\n',
    assurance: '  postImplementationReview: {at: "2027-01-16T10:00:00-05:00", by: ECAB}\n',
  }),
  'FS-PIR-DONE': firewall('FS-PIR-DONE', 'fw-13', EARLY_EMERGENCY, {
    type: 'emergency',
    extra: 'incident: INC-9003\n',
    assurance:
      '  postImplementationReview: {at: "2027-01-12T10:00:00-05:00", by: ECAB, reference: CAB-2027-02}\n',
  }),
  // why: a review date no calendar has is a schema error at its line, not a rule that cannot run.
  'FS-PIR-BAD-DATE': firewall('FS-PIR-BAD-DATE', 'fw-17', EARLY_EMERGENCY, {
    type: 'emergency',
    extra: 'incident: INC-9005\n',
    assurance: '  postImplementationReview: {at: "2027-13-12T10:00:00-05:00", by: ECAB}\n',
  }),
  // why: its review is not due yet (24 January), so nothing fails; a note says when it is due.
  'FS-PIR-NOT-DUE': firewall('FS-PIR-NOT-DUE', 'fw-14', RECENT_EMERGENCY, {
    type: 'emergency',
    extra: 'incident: INC-9004\n',
  }),
};

const PIR_MESSAGE =
  "emergency-post-implementation-review: An emergency change needs its post-implementation review within the policy's period (assurance.postImplementationReview, at or before the due date)";

describe('the financial-services pack, adopted by a bank', () => {
  const adoption = describeAdoption('financial-services', {
    organisation: ORGANISATION,
    inventory: INVENTORY,
    proposals: PROPOSALS,
    at: AT,
    passes: [
      ['FS-COMPLETE', 'a change recording reason, security impact, testing, back-out and implementer'],
      ['FS-AFTER-QUARTER-END', 'a change at the first minute after the quarter-end freeze'],
      ['FS-NEW-YEAR', 'a change on 5 January 2028, the day the year-end freeze ends'],
      ['FS-PIR-DONE', 'an emergency reviewed within five days'],
      ['FS-PIR-NOT-DUE', 'an emergency whose review is not due yet'],
    ],
    fails: [
      ['FS-NO-REASON', 'record-reason: Record the reason for the change and what it does (description)'],
      [
        'FS-NO-SECURITY-IMPACT',
        "record-security-impact: Record the change's security impact (assurance.securityImpact)",
      ],
      [
        'FS-NO-TESTING',
        'record-testing: Record how the change is tested so it does not weaken security (assurance.testing)',
      ],
      [
        'FS-NO-BACK-OUT',
        'record-back-out: Record how to back the change out and return to a secure state (rollback)',
      ],
      [
        'FS-NO-IMPLEMENTER',
        'implementer-named: Name who implements the change (implementer.github); an approver is neither the requester nor the implementer',
      ],
      ['FS-QUARTER-END', "quarter-end-freeze: blocked by deny window 'quarter-end-freeze'"],
      ['FS-YEAR-END', "year-end-freeze: blocked by deny window 'year-end-freeze'"],
      ['FS-PIR-MISSING', PIR_MESSAGE],
      ['FS-PIR-LATE', PIR_MESSAGE],
    ],
  });

  it('rejects a post-implementation review date that is no date, at its line', () => {
    const entry = proposalReport(adoption.report(), 'FS-PIR-BAD-DATE');
    const line =
      PROPOSALS['FS-PIR-BAD-DATE']!.split('\n').findIndex((text) => text.includes('2027-13-12')) + 1;

    expect(entry.ok).toBe(false);
    expect(entry.findings.filter((finding) => finding.severity === 'error')).toEqual([
      expect.objectContaining({ ruleId: 'schema', file: 'changes/FS-PIR-BAD-DATE.yaml', line }),
    ]);
  });

  it('tells the emergency when its post-implementation review is due', () => {
    const entry = proposalReport(adoption.report(), 'FS-PIR-NOT-DUE');

    expect(entry.retrospectiveDue).toBe('2027-01-24T08:00:00Z');
  });

  it('counts neither the requester nor the implementer as approver, under --require-approvals', async () => {
    await adoption.repository().write({
      'changes/FS-INDEPENDENT.yaml': firewall('FS-INDEPENDENT', 'fw-15', slot('2027-01-27')),
      'changes/FS-SELF-APPROVED.yaml': firewall('FS-SELF-APPROVED', 'fw-16', slot('2027-01-27')),
      'approvals.yaml': '- {user: alice}\n- {user: bob}\n- {user: nick, proposal: FS-INDEPENDENT}\n',
    });

    const { exitCode: code, report: approved } = await validateAt(adoption.repository(), AT, [
      'changes/FS-INDEPENDENT.yaml',
      'changes/FS-SELF-APPROVED.yaml',
      '--approvals',
      'approvals.yaml',
      '--require-approvals',
    ]);

    const self = proposalReport(approved, 'FS-SELF-APPROVED');
    expect(code).toBe(1);
    expect(errorsOf(self)).toEqual(['approval: approvals missing: 1 from netops (nick)']);
    expect(
      self.findings.filter((finding) => finding.severity === 'note').map((finding) => finding.message),
    ).toEqual([
      "alice's own approval does not count: the policy separates duties",
      "bob's approval does not count: bob implements the change and the policy separates duties",
    ]);
    expect(proposalReport(approved, 'FS-INDEPENDENT')).toMatchObject({
      ok: true,
      approvals: { satisfied: true, required: [expect.objectContaining({ approvedBy: ['nick'] })] },
    });
  });
});
