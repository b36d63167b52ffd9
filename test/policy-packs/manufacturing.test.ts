import { describe, expect, it } from 'vitest';
import {
  describeAdoption,
  errorsOf,
  inventoryTree,
  packProposal,
  proposalReport,
  validateAt,
} from './pack-repository.js';

// Monday 23 November 2026, 09:00 in Chicago: every change below lies ahead.
const AT = '2026-11-23T15:00:00Z';
const ZONE = 'America/Chicago';
// The pack's default OT maintenance window: Sunday 29 November, 00:00-08:00.
const SUNDAY = { start: '2026-11-29T02:00', end: '2026-11-29T03:00' };
// Tuesday 24 November, 10:00: first shift, outside the maintenance window.
const TUESDAY_SHIFT = { start: '2026-11-24T10:00', end: '2026-11-24T11:00' };
const TUESDAY_NIGHT = { start: '2026-11-24T23:00', end: '2026-11-24T23:30' };

const LAB_PASSED =
  'assurance:\n  labTest: {reference: LAB-2026-031, result: passed, environment: plant-a-ot-lab}\n';

/** The plant's own part of the policy: its teams, who owns which zone, and plant B's three shifts. */
const ORGANISATION = {
  windows: {
    apiVersion: 'netchange/v1',
    kind: 'WindowPolicy',
    timezone: ZONE,
    windows: [
      {
        name: 'production-shifts-plant-b',
        effect: 'deny',
        reason: 'Plant B runs three shifts, Sunday 22:00 to Friday 22:00',
        scope: { sites: ['plant-b'], tags: ['production'] },
        schedule: { rrule: 'FREQ=WEEKLY;BYDAY=SU', start: '22:00', duration: 'P5D' },
      },
    ],
  },
  'change-control': {
    apiVersion: 'netchange/v1',
    kind: 'ChangeControlPolicy',
    teams: {
      netops: { kind: 'internal', members: ['alice', 'bob'] },
      'plant-ops': { kind: 'internal', members: ['frank', 'fiona'] },
      'ot-engineering': { kind: 'internal', members: ['olga', 'oscar'] },
    },
    raci: {
      switching: { responsible: 'netops', accountable: 'netops' },
      'ot-cell': { responsible: 'netops', accountable: 'plant-ops' },
      'ot-supervisory': { responsible: 'netops', accountable: 'plant-ops' },
      'ot-safety': { responsible: 'netops', accountable: 'plant-ops' },
    },
    approvals: [{ name: 'owner sign-off', require: [{ role: 'accountable', count: 1 }] }],
    policyOwners: ['netops'],
  },
};

// why: one device per proposal, so no two proposals conflict over a device in the same slot.
const INVENTORY = inventoryTree({
  switches: ['sw-a-01', 'sw-a-02', 'sw-b-01'],
  ot_cell: ['plc-01', 'plc-02', 'plc-03', 'plc-04', 'plc-05', 'plc-06', 'plc-07', 'plc-08', 'plc-09'],
  ot_safety: ['sis-01', 'sis-02', 'sis-03', 'sis-04', 'sis-05'],
});

const PROPOSALS: Record<string, string> = {
  'OT-IN-WINDOW': packProposal({
    id: 'OT-IN-WINDOW',
    domain: 'ot-cell',
    devices: ['plc-01'],
    timezone: ZONE,
    ...SUNDAY,
  }),
  'OT-OUTSIDE-WINDOW': packProposal({
    id: 'OT-OUTSIDE-WINDOW',
    domain: 'ot-cell',
    devices: ['plc-02'],
    timezone: ZONE,
    start: '2026-12-01T02:00',
    end: '2026-12-01T03:00',
  }),
  'DURING-SHIFT': packProposal({
    id: 'DURING-SHIFT',
    domain: 'switching',
    devices: ['sw-a-01'],
    tags: ['production'],
    timezone: ZONE,
    ...TUESDAY_SHIFT,
  }),
  'AFTER-SHIFT': packProposal({
    id: 'AFTER-SHIFT',
    domain: 'switching',
    devices: ['sw-a-02'],
    tags: ['production'],
    timezone: ZONE,
    ...TUESDAY_NIGHT,
  }),
  'PLANT-B-NIGHT-SHIFT': packProposal({
    id: 'PLANT-B-NIGHT-SHIFT',
    domain: 'switching',
    devices: ['sw-b-01'],
    sites: ['plant-b'],
    tags: ['production'],
    timezone: ZONE,
    ...TUESDAY_NIGHT,
  }),
  'SIS-ONE-DEVICE': packProposal({
    id: 'SIS-ONE-DEVICE',
    domain: 'ot-safety',
    devices: ['sis-01'],
    timezone: ZONE,
    ...SUNDAY,
    extra: LAB_PASSED,
  }),
  'SIS-BATCH': packProposal({
    id: 'SIS-BATCH',
    domain: 'ot-safety',
    devices: ['sis-02', 'sis-03'],
    timezone: ZONE,
    ...SUNDAY,
    extra: LAB_PASSED,
  }),
  // why: the SIS zone is reached through the inventory even though the domain says ot-cell.
  'SIS-BATCH-FROM-CELL': packProposal({
    id: 'SIS-BATCH-FROM-CELL',
    domain: 'ot-cell',
    devices: ['plc-03', 'sis-04'],
    timezone: ZONE,
    ...SUNDAY,
    extra: LAB_PASSED,
  }),
  'HIGH-NO-LAB': packProposal({
    id: 'HIGH-NO-LAB',
    domain: 'ot-cell',
    devices: ['plc-04'],
    risk: 'high',
    timezone: ZONE,
    ...SUNDAY,
  }),
  'HIGH-LAB-FAILED': packProposal({
    id: 'HIGH-LAB-FAILED',
    domain: 'ot-cell',
    devices: ['plc-05'],
    risk: 'high',
    timezone: ZONE,
    ...SUNDAY,
    extra: 'assurance:\n  labTest: {reference: LAB-2026-032, result: failed}\n',
  }),
  'HIGH-LAB-PASSED': packProposal({
    id: 'HIGH-LAB-PASSED',
    domain: 'ot-cell',
    devices: ['plc-06'],
    risk: 'high',
    timezone: ZONE,
    ...SUNDAY,
    extra: LAB_PASSED,
  }),
  'EMERGENCY-UNLOGGED': packProposal({
    id: 'EMERGENCY-UNLOGGED',
    type: 'emergency',
    domain: 'ot-cell',
    devices: ['plc-07'],
    timezone: ZONE,
    ...TUESDAY_SHIFT,
    extra: 'incident: INC-0042\n',
  }),
  'EMERGENCY-LOGGED': packProposal({
    id: 'EMERGENCY-LOGGED',
    type: 'emergency',
    domain: 'ot-cell',
    devices: ['plc-08'],
    timezone: ZONE,
    ...TUESDAY_SHIFT,
    extra:
      'incident: INC-0042\nassurance:\n  breakGlass: {authorizedBy: Frank (plant manager), reason: Line 2 PLC drops its I/O ring}\n',
  }),
  'EMERGENCY-IN-WINDOW': packProposal({
    id: 'EMERGENCY-IN-WINDOW',
    type: 'emergency',
    domain: 'ot-cell',
    devices: ['sis-05'],
    timezone: ZONE,
    ...SUNDAY,
    extra: 'incident: INC-0043\n',
  }),
};

describe('the manufacturing pack, adopted by a plant', () => {
  const adoption = describeAdoption('manufacturing', {
    organisation: ORGANISATION,
    inventory: INVENTORY,
    proposals: PROPOSALS,
    at: AT,
    passes: [
      ['OT-IN-WINDOW', 'an OT change in the Sunday maintenance window'],
      ['AFTER-SHIFT', 'a production change after the second shift'],
      ['SIS-ONE-DEVICE', 'one SIS device, lab-tested'],
      ['HIGH-LAB-PASSED', 'a high-risk change with lab evidence that passed'],
      ['EMERGENCY-LOGGED', 'an emergency outside the window with its break-glass record'],
      ['EMERGENCY-IN-WINDOW', 'an emergency inside the window, which breaks no glass'],
    ],
    fails: [
      ['OT-OUTSIDE-WINDOW', "ot-maintenance: outside allow window 'ot-maintenance'"],
      ['DURING-SHIFT', "production-shifts: blocked by deny window 'production-shifts'"],
      [
        'PLANT-B-NIGHT-SHIFT',
        "production-shifts-plant-b: blocked by deny window 'production-shifts-plant-b'",
      ],
      [
        'SIS-BATCH',
        'sis-one-device: No batch changes to safety-system (SIS) zones; change one device per change',
      ],
      [
        'SIS-BATCH-FROM-CELL',
        'sis-one-device: No batch changes to safety-system (SIS) zones; change one device per change',
      ],
      [
        'HIGH-NO-LAB',
        'lab-test-high-risk: High-risk changes need lab-test evidence that passed (assurance.labTest with reference and result passed)',
      ],
      [
        'HIGH-LAB-FAILED',
        'lab-test-high-risk: High-risk changes need lab-test evidence that passed (assurance.labTest with reference and result passed)',
      ],
      [
        'EMERGENCY-UNLOGGED',
        'break-glass-logged: An emergency change outside the windows records who authorised breaking the glass and why (assurance.breakGlass)',
      ],
    ],
  });

  it('raises a change in a SIS zone to high risk, with the reason, and leaves other OT changes as declared', () => {
    const entry = proposalReport(adoption.report(), 'SIS-ONE-DEVICE');

    expect(entry.risk).toEqual({
      declared: 'low',
      effective: 'high',
      reasons: ['The change touches a safety-system (SIS) zone'],
    });
    expect(proposalReport(adoption.report(), 'OT-IN-WINDOW').risk).toMatchObject({
      effective: 'low',
      reasons: [],
    });
  });

  it('lets the logged emergency through the closed window as a warning, with a retrospective due', () => {
    const entry = proposalReport(adoption.report(), 'EMERGENCY-LOGGED');

    expect(entry.windows).toMatchObject({ open: false, bypassed: true });
    expect(entry.findings).toContainEqual(
      expect.objectContaining({
        ruleId: 'window',
        severity: 'warning',
        message: expect.stringContaining("bypassed (emergency): outside allow window 'ot-maintenance'"),
      }),
    );
    expect(entry.retrospectiveDue).toBe('2026-11-26T16:00:00Z');
  });

  it('asks OT engineering to co-approve every OT change, beside the zone owner', () => {
    const entry = proposalReport(adoption.report(), 'OT-IN-WINDOW');

    expect(entry.approvals.required.map((requirement) => [requirement.team, requirement.count])).toEqual([
      ['ot-engineering', 1],
      ['plant-ops', 1],
    ]);
    expect(
      proposalReport(adoption.report(), 'AFTER-SHIFT').approvals.required.map(
        (requirement) => requirement.team,
      ),
    ).toEqual(['netops']);
  });

  it('refuses an OT change the zone owner approved but OT engineering did not, under --require-approvals', async () => {
    await adoption.repository().write({
      'changes/OT-COAPPROVED.yaml': PROPOSALS['OT-IN-WINDOW']!.replace(
        'id: OT-IN-WINDOW',
        'id: OT-COAPPROVED',
      ).replaceAll('plc-01', 'plc-09'),
      'approvals.yaml': '- {user: frank}\n- {user: olga, proposal: OT-COAPPROVED}\n',
    });

    const { exitCode: code, report: approved } = await validateAt(adoption.repository(), AT, [
      'changes/OT-IN-WINDOW.yaml',
      'changes/OT-COAPPROVED.yaml',
      '--approvals',
      'approvals.yaml',
      '--require-approvals',
    ]);

    expect(code).toBe(1);
    expect(errorsOf(proposalReport(approved, 'OT-IN-WINDOW'))).toEqual([
      'approval: approvals missing: 1 from ot-engineering (olga or oscar)',
    ]);
    expect(proposalReport(approved, 'OT-COAPPROVED')).toMatchObject({
      ok: true,
      approvals: { satisfied: true },
    });
  });
});
