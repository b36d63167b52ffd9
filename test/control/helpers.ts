import { expect } from 'vitest';
import { type CompiledChangeControlPolicy, compileChangeControlPolicy } from '../../src/control/index.js';
import type { ChangeProposal, ChangeSubject, WindowVerdict } from '../../src/core/model.js';
import { parseYaml } from '../../src/documents/parse-yaml.js';

/** A realistic policy: the plant network's split between netops, the partner NOC, plant ops and the CAB. */
export const POLICY = `apiVersion: netchange/v1
kind: ChangeControlPolicy
teams:
  netops: {kind: internal, members: [alice, bob], github: acme/netops}
  partner-noc: {kind: partner, members: [dana, eli]}
  plant-ops: {kind: internal, members: [frank]}
  cab: {kind: board, members: [carol, dave, erin], displayName: the CAB}
raci:
  switching: {responsible: partner-noc, accountable: netops, consulted: [plant-ops], informed: [cab], paths: [playbooks/switching/**]}
  sdwan: {responsible: netops, accountable: netops, informed: [partner-noc], paths: [terraform/sdwan/**]}
changeTypes:
  standard: {templates: [vlan-add, port-description], maxRisk: low}
  normal: {leadTime: P2D}
  emergency: {bypassWindows: true, requireIncident: true, retrospectiveWithin: P2D}
risk:
  rules:
    - {name: core, when: "has(proposal.targets.tags) && 'core' in proposal.targets.tags", atLeast: high, reason: Core devices carry every site}
    - {name: many-devices, when: "proposal.targets.devices.size() > 2", atLeast: medium, reason: More than two devices}
    - {name: production-window, when: "context.windows.exists(w, w.endsWith('-production'))", atLeast: high, reason: Falls in a production window}
approvals:
  - {when: {risks: [low]}, require: [{role: responsible, count: 1}]}
  - {when: {risks: [medium]}, require: [{role: accountable, count: 1}]}
  - {when: {risks: [high]}, require: [{role: accountable, count: 1}, {team: cab, count: 2}]}
separationOfDuties: true
crossTeam: true
autonomy:
  partner-noc:
    autonomous: {types: [standard], risks: [low]}
    needsInput: {risks: [medium]}
    escalate: {risks: [high]}
rules:
  - {name: rollback-required, when: "proposal.risk != 'low'", assert: "has(proposal.rollback)", message: Medium and high risk changes need a rollback plan, severity: error}
`;

export function compile(text: string, file = 'policies/change-control.yaml') {
  return compileChangeControlPolicy(parseYaml(file, text));
}

/** Compiles a policy that must be valid. */
export function compiled(text = POLICY): CompiledChangeControlPolicy {
  const result = compile(text);
  expect(result.findings.filter((finding) => finding.severity === 'error')).toEqual([]);
  return result.policy!;
}

/** A proposal as YAML, with overrides merged at the top level. */
export function proposalYaml(fields: Record<string, string> = {}): string {
  const base: Record<string, string> = {
    apiVersion: 'netchange/v1',
    kind: 'ChangeProposal',
    id: 'CHG-1',
    title: 'Add VLAN 40 for packaging line 3',
    requester: '{team: partner-noc, github: dana}',
    type: 'normal',
    domain: 'switching',
    risk: 'low',
    targets: '{sites: [plant-a], devices: [sw-plant-a-01]}',
    schedule:
      '{start: "2026-11-29T02:00:00-06:00", end: "2026-11-29T03:00:00-06:00", timezone: America/Chicago}',
    execution: '[{ansible: {playbook: playbooks/switching/vlans.yaml, extraVars: {vlan_id: 40}}}]',
    ...fields,
  };
  return `${Object.entries(base)
    .filter(([, value]) => value !== '')
    .map(([key, value]) => `${key}: ${value}`)
    .join('\n')}\n`;
}

/** A hand-built ChangeSubject from proposal YAML (the proposals stage builds these in the pipeline). */
export function subjectOf(
  text: string,
  inventoryGroups: string[] = [],
  file = 'changes/chg-1.yaml',
): ChangeSubject {
  const document = parseYaml(file, text);
  expect(document.findings).toEqual([]);
  const proposal = document.value as ChangeProposal;
  const startMs = Date.parse(proposal.schedule.start);
  const end = 'end' in proposal.schedule ? proposal.schedule.end : undefined;
  const endMs = end !== undefined ? Date.parse(end) : startMs + 3_600_000;
  return {
    file,
    proposal,
    locate: (path) => document.positionOf(path),
    startMs,
    endMs,
    rollbackMs: 0,
    timezone: proposal.schedule.timezone ?? 'UTC',
    inventoryGroups,
  };
}

export function openWindows(overrides: Partial<WindowVerdict> = {}): WindowVerdict {
  return { findings: [], overrideApprovals: [], overlapping: [], open: true, ...overrides };
}

/** Two days before the example change: just inside a P2D lead time. */
export const AT = new Date('2026-11-26T08:00:00Z');
