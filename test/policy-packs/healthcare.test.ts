import { describe, expect, it } from 'vitest';
import {
  describeAdoption,
  errorsOf,
  inventoryTree,
  packProposal,
  proposalReport,
  validateAt,
} from './pack-repository.js';

// Monday 23 November 2026, 10:00 in New York: every change below lies ahead.
const AT = '2026-11-23T15:00:00Z';
const ZONE = 'America/New_York';
// Tuesday 24 November: 10:00 is clinical peak (07:00-19:00), 21:00 is not.
const PEAK = { start: '2026-11-24T10:00', end: '2026-11-24T11:00' };
const OFF_PEAK = { start: '2026-11-24T21:00', end: '2026-11-24T22:00' };

const DOWNTIME = '  downtimeProcedure: {confirmedBy: Nora (ICU charge nurse), reference: DT-2026-118}\n';
const verification = (device: string) =>
  `verification:\n  - ansible: {playbook: playbooks/change.yaml, inventory: inventory/hosts.yaml, limit: "${device}"}\n`;

/** The hospital's own part of the policy: its teams and who owns which network. */
const ORGANISATION = {
  windows: { apiVersion: 'netchange/v1', kind: 'WindowPolicy', timezone: ZONE },
  'change-control': {
    apiVersion: 'netchange/v1',
    kind: 'ChangeControlPolicy',
    teams: {
      netops: { kind: 'internal', members: ['alice', 'bob'] },
      'clinical-it': { kind: 'internal', members: ['ivy', 'ian'] },
      'clinical-engineering': { kind: 'internal', members: ['cleo', 'chris'] },
    },
    raci: {
      switching: { responsible: 'netops', accountable: 'netops' },
      'medical-devices': { responsible: 'netops', accountable: 'clinical-it' },
      'clinical-systems': { responsible: 'netops', accountable: 'clinical-it' },
    },
    approvals: [{ name: 'owner sign-off', require: [{ role: 'accountable', count: 1 }] }],
    policyOwners: ['netops'],
  },
};

const INVENTORY = inventoryTree({
  medical: ['md-01', 'md-02', 'md-03', 'md-04', 'md-05', 'md-06'],
  clinical: ['ehr-01', 'ehr-02'],
  office: ['sw-office-01'],
});

/** A medical-device segment change with its devices, slot and extra lines. */
function medical(id: string, device: string, slot: typeof PEAK, extra: string, type?: 'emergency') {
  return packProposal({
    id,
    domain: 'medical-devices',
    devices: [device],
    timezone: ZONE,
    ...slot,
    ...(type ? { type } : {}),
    extra,
  });
}

const PROPOSALS: Record<string, string> = {
  'MD-COMPLETE': medical('MD-COMPLETE', 'md-01', OFF_PEAK, `assurance:\n${DOWNTIME}${verification('md-01')}`),
  'MD-AT-PEAK': medical('MD-AT-PEAK', 'md-02', PEAK, `assurance:\n${DOWNTIME}${verification('md-02')}`),
  'MD-NO-DOWNTIME': medical('MD-NO-DOWNTIME', 'md-03', OFF_PEAK, verification('md-03')),
  'MD-NO-VERIFICATION': medical('MD-NO-VERIFICATION', 'md-04', OFF_PEAK, `assurance:\n${DOWNTIME}`),
  'EHR-NO-DOWNTIME': packProposal({
    id: 'EHR-NO-DOWNTIME',
    domain: 'clinical-systems',
    devices: ['ehr-01'],
    timezone: ZONE,
    ...OFF_PEAK,
  }),
  // why: verification steps are required for medical-device segments only.
  'EHR-CONFIRMED': packProposal({
    id: 'EHR-CONFIRMED',
    domain: 'clinical-systems',
    devices: ['ehr-02'],
    timezone: ZONE,
    ...OFF_PEAK,
    extra: `assurance:\n${DOWNTIME}`,
  }),
  // why: the blackout covers the clinical domains, not the office network.
  'OFFICE-AT-PEAK': packProposal({
    id: 'OFFICE-AT-PEAK',
    domain: 'switching',
    devices: ['sw-office-01'],
    timezone: ZONE,
    ...PEAK,
  }),
  'EMERGENCY-UNLOGGED': medical(
    'EMERGENCY-UNLOGGED',
    'md-05',
    PEAK,
    `incident: INC-7001\nassurance:\n${DOWNTIME}${verification('md-05')}`,
    'emergency',
  ),
  'EMERGENCY-LOGGED': medical(
    'EMERGENCY-LOGGED',
    'md-06',
    PEAK,
    `incident: INC-7002\nassurance:\n${DOWNTIME}  breakGlass: {authorizedBy: Dr. Patel (clinical lead), reason: Infusion pumps lost their VLAN}\n${verification('md-06')}`,
    'emergency',
  ),
};

describe('the healthcare pack, adopted by a hospital', () => {
  const adoption = describeAdoption('healthcare', {
    organisation: ORGANISATION,
    inventory: INVENTORY,
    proposals: PROPOSALS,
    at: AT,
    passes: [
      ['MD-COMPLETE', 'a medical-device change off-peak, downtime procedure confirmed, with verification'],
      ['EHR-CONFIRMED', 'a clinical-systems change off-peak with its downtime procedure confirmed'],
      ['OFFICE-AT-PEAK', 'an office change at clinical peak'],
      ['EMERGENCY-LOGGED', 'an emergency at clinical peak with its break-glass record'],
    ],
    fails: [
      ['MD-AT-PEAK', "clinical-peak-hours: blocked by deny window 'clinical-peak-hours'"],
      [
        'MD-NO-DOWNTIME',
        'downtime-procedure-confirmed: Confirm the clinical downtime procedure is ready before changing clinical networks (assurance.downtimeProcedure.confirmedBy)',
      ],
      [
        'EHR-NO-DOWNTIME',
        'downtime-procedure-confirmed: Confirm the clinical downtime procedure is ready before changing clinical networks (assurance.downtimeProcedure.confirmedBy)',
      ],
      [
        'MD-NO-VERIFICATION',
        'medical-device-verification: Changes to medical-device segments need verification steps that prove the devices still work',
      ],
      [
        'EMERGENCY-UNLOGGED',
        'break-glass-logged: An emergency change during the clinical blackout records who authorised breaking the glass and why (assurance.breakGlass)',
      ],
    ],
  });

  it('lets the logged emergency through the blackout as a warning, with a retrospective due', () => {
    const entry = proposalReport(adoption.report(), 'EMERGENCY-LOGGED');

    expect(entry.windows).toMatchObject({
      overlapping: ['clinical-peak-hours'],
      open: false,
      bypassed: true,
    });
    expect(entry.findings).toContainEqual(
      expect.objectContaining({
        ruleId: 'window',
        severity: 'warning',
        message: "bypassed (emergency): deny window 'clinical-peak-hours'; a retrospective review is due",
      }),
    );
    expect(entry.retrospectiveDue).toBe('2026-11-26T15:00:00Z');
  });

  it('asks clinical engineering to sign off medical-device changes only', () => {
    const teams = (id: string) =>
      proposalReport(adoption.report(), id).approvals.required.map((requirement) => requirement.team);

    expect(teams('MD-COMPLETE')).toEqual(['clinical-engineering', 'clinical-it']);
    expect(teams('EHR-CONFIRMED')).toEqual(['clinical-it']);
  });

  it('refuses a medical-device change without the clinical engineering sign-off, under --require-approvals', async () => {
    await adoption.repository().write({
      'changes/MD-SIGNED-OFF.yaml': PROPOSALS['MD-COMPLETE']!.replace('id: MD-COMPLETE', 'id: MD-SIGNED-OFF')
        .replace('start: "2026-11-24T21:00"', 'start: "2026-11-25T21:00"')
        .replace('end: "2026-11-24T22:00"', 'end: "2026-11-25T22:00"'),
      'approvals.yaml': '- {user: ivy}\n- {user: cleo, proposal: MD-SIGNED-OFF}\n',
    });

    const { exitCode: code, report: approved } = await validateAt(adoption.repository(), AT, [
      'changes/MD-COMPLETE.yaml',
      'changes/MD-SIGNED-OFF.yaml',
      '--approvals',
      'approvals.yaml',
      '--require-approvals',
    ]);

    expect(code).toBe(1);
    expect(errorsOf(proposalReport(approved, 'MD-COMPLETE'))).toEqual([
      'approval: approvals missing: 1 from clinical-engineering (chris or cleo)',
    ]);
    expect(proposalReport(approved, 'MD-SIGNED-OFF')).toMatchObject({
      ok: true,
      approvals: { satisfied: true },
    });
  });
});
