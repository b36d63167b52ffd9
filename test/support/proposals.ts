/** A valid proposal as YAML text, with fields overridable by plain string replacement of whole lines. */
export function proposalYaml(
  overrides: {
    id?: string;
    extra?: string;
    devices?: string;
    start?: string;
    end?: string;
    limit?: string;
    timezone?: string;
  } = {},
): string {
  return `apiVersion: netchange/v1
kind: ChangeProposal
id: ${overrides.id ?? 'CHG-1'}
title: Add VLAN 40
requester: {team: partner-noc, github: dana}
type: normal
domain: switching
risk: low
targets: {sites: [plant-a], devices: [${overrides.devices ?? 'sw-1'}]}
schedule:
  start: "${overrides.start ?? '2026-11-29T02:00'}"
  end: "${overrides.end ?? '2026-11-29T03:00'}"
  timezone: ${overrides.timezone ?? 'America/Chicago'}
execution:
  - ansible:
      playbook: playbooks/vlans.yaml
      inventory: inventory/hosts.yaml
      limit: "${overrides.limit ?? 'sw-1'}"
      extraVars: {vlan_id: 40}
${overrides.extra ?? ''}`;
}

/** The smallest repository a proposal can validate in: an inventory with sw-1 and sw-2, and a playbook. */
export const BASE_TREE = {
  'inventory/hosts.yaml':
    'all:\n  children:\n    switches:\n      hosts:\n        sw-1: {ansible_connection: local}\n        sw-2: {ansible_connection: local}\n',
  'playbooks/vlans.yaml': '- hosts: switches\n  gather_facts: false\n  tasks: []\n',
};

/**
 * The smallest change-control policy: who owns switching, and who owns the rules. Without a
 * change-control policy, validate reports that nothing is gated (an error).
 */
export const POLICY_TREE = {
  'policies/change-control.yaml': `apiVersion: netchange/v1
kind: ChangeControlPolicy
teams:
  netops: {kind: internal, members: [alice, bob]}
  partner-noc: {kind: partner, members: [dana, eli]}
raci:
  switching: {responsible: partner-noc, accountable: netops}
policyOwners: [netops]
`,
};

/**
 * A proposal for the plant example (fromExample repositories) on sw-plant-a-01, with the given
 * `execution:` list (indented YAML items); the title names the test's theme and the id.
 */
export function plantProposalYaml(id: string, theme: string, execution: string): string {
  return `apiVersion: netchange/v1
kind: ChangeProposal
id: ${id}
title: ${theme} ${id}
requester: {team: partner-noc, github: dana}
type: normal
domain: switching
risk: low
targets: {sites: [plant-a], devices: [sw-plant-a-01]}
schedule: {start: "2027-03-07T02:00", end: "2027-03-07T03:00", timezone: America/Chicago}
execution:
${execution}`;
}
