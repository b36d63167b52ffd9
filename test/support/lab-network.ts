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

/** The lab's inventory: local-connection switches at site `lab`. */
export function labInventory(hosts: readonly string[] = ['sw-lab-01']): string {
  return `all:
  vars: {ansible_connection: local, ansible_python_interpreter: auto_silent}
  children:
    switches:
      hosts:
${hosts.map((host) => `        ${host}: {site: lab}`).join('\n')}
`;
}

/** A playbook that renders `vlan <vlan_id>` into the switch's config file under state/. */
export const LAB_RENDER_VLAN = `- hosts: switches
  gather_facts: false
  tasks:
    - name: Render VLAN {{ vlan_id }}
      throttle: 1
      ansible.builtin.lineinfile:
        path: "{{ inventory_dir }}/../state/{{ inventory_hostname }}.cfg"
        create: true
        line: "vlan {{ vlan_id }}"
`;

/**
 * A standard VLAN change on sw-lab-01 whose window is open now (it started ten minutes ago), with
 * the given execution (and more) appended.
 */
export function labProposal(options: {
  id: string;
  title: string;
  timezone?: string;
  /** A fixed slot (for tests that set the clock); default: from ten minutes ago for an hour. */
  schedule?: { start: string; end: string };
  steps: string;
}): string {
  return `apiVersion: netchange/v1
kind: ChangeProposal
id: ${options.id}
title: ${options.title}
requester: {team: partner-noc, github: dana}
type: standard
template: vlan-add
domain: switching
risk: low
targets: {sites: [lab], devices: [sw-lab-01]}
schedule: {start: "${options.schedule?.start ?? minutesFromNow(-10)}", end: "${options.schedule?.end ?? minutesFromNow(50)}", timezone: ${options.timezone ?? 'UTC'}}
${options.steps}`;
}
