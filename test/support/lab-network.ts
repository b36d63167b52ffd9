/**
 * The small "lab" network the apply tests share: two teams, switching owned by the partner and
 * accountable to netops, standard VLAN changes pre-approved.
 */
export const LAB_CHANGE_CONTROL = `apiVersion: netchange/v1
kind: ChangeControlPolicy
teams:
  netops: {kind: internal, members: [alice, bob]}
  partner-noc: {kind: partner, members: [dana, eli]}
raci:
  switching: {responsible: partner-noc, accountable: netops}
changeTypes:
  standard: {templates: [vlan-add], maxRisk: low}
  normal: {leadTime: P1D}
  emergency: {bypassWindows: true, requireIncident: true, retrospectiveWithin: P2D}
approvals:
  - {when: {risks: [low]}, require: [{role: responsible, count: 1}]}
separationOfDuties: true
crossTeam: true
policyOwners: [netops]
`;

/** An instant `offsetMinutes` from now, RFC 3339 UTC to the second: apply runs against the real clock. */
export function minutesFromNow(offsetMinutes: number): string {
  return new Date(Date.now() + offsetMinutes * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
}
