import type { EvidenceDraft } from '../../src/audit/index.js';

/** A complete, valid evidence draft: the partner applied CHG-1 overnight; overridable per field. */
export function evidenceDraft(overrides: Partial<EvidenceDraft> = {}): EvidenceDraft {
  return {
    kind: 'apply',
    proposal: {
      id: 'CHG-1',
      file: 'changes/chg-1.yaml',
      blob: 'a'.repeat(40),
      title: 'Add VLAN 40 for packaging line 3',
      type: 'normal',
      domain: 'switching',
      risk: 'medium',
      timezone: 'America/Chicago',
      targets: { sites: ['plant-a'], devices: ['sw-plant-a-01'] },
    },
    commit: 'b'.repeat(40),
    pullRequest: { number: 12, url: 'https://github.com/acme/network/pull/12' },
    requester: { team: 'partner-noc', github: 'dana' },
    approvers: [{ user: 'alice', team: 'netops', at: '2026-11-21T20:00:00Z', commit: 'b'.repeat(40) }],
    window: { status: 'open', windows: ['sunday-maintenance'] },
    actor: { name: 'github-actions', kind: 'automation', team: 'partner-noc' },
    startedAt: '2026-11-22T08:00:00Z',
    finishedAt: '2026-11-22T08:05:00Z',
    steps: [
      {
        phase: 'execution',
        name: 'playbooks/vlans.yaml',
        tool: 'ansible',
        argv: [
          'ansible-playbook',
          '-i',
          'inventory/hosts.yaml',
          'playbooks/vlans.yaml',
          '--limit',
          'sw-plant-a-01',
        ],
        exitCode: 0,
        status: 'applied',
        digest: 'c'.repeat(64),
        diffSummary: '1 host changed, 1 file',
        diff: '--- before\n+++ after\n+vlan 40\n+ name packaging-3\n',
      },
    ],
    verification: { status: 'passed' },
    rollback: { status: 'not-needed' },
    outcome: 'succeeded',
    ...overrides,
  };
}
