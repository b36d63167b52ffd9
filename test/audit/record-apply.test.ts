import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEvidence, recordApplyResult, verifyEvidence } from '../../src/audit/index.js';
import type { ChangeSubject } from '../../src/core/model.js';
import { loadChangeSubjects } from '../../src/pipeline/load-proposals.js';
import { openWorkspace } from '../../src/pipeline/workspace.js';
import { createRedactor } from '../../src/redact/index.js';
import { type ApplyResult, applyProposal, createRunDirectory } from '../../src/runs/index.js';
import { BASE_TREE, proposalYaml } from '../support/proposals.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const PLAYBOOK = `- hosts: switches
  gather_facts: false
  tasks:
    - name: Render the VLAN configuration
      ansible.builtin.copy:
        dest: "{{ playbook_dir }}/../state/{{ inventory_hostname }}.cfg"
        content: "vlan {{ vlan_id }}\\n name packaging-3\\n"
`;

let repository: TestRepository;
let subject: ChangeSubject;
let result: ApplyResult;
let runDirectoryPath: string;

// A real apply: ansible-playbook in check mode then for real, on a change whose window is open now.
beforeAll(async () => {
  const now = Date.now();
  const start = new Date(now - 10 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const end = new Date(now + 50 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
  repository = await createRepository({
    ...BASE_TREE,
    'playbooks/vlans.yaml': PLAYBOOK,
    'state/.gitkeep': '',
    'changes/chg-1.yaml': proposalYaml({ start, end, extra: `references: {ticket: RITM0012345}\n` }),
  });
  await repository.commit('Add CHG-1');
  const workspace = await openWorkspace({ cwd: repository.root });
  const loaded = await loadChangeSubjects(workspace, {});
  subject = loaded.subjects[0] as ChangeSubject;
  const redactor = createRedactor();
  const runDirectory = await createRunDirectory({
    repoRoot: repository.root,
    runsPath: '.netchange/runs',
    cwd: repository.root,
    at: new Date(),
    redactor,
  });
  runDirectoryPath = runDirectory.path;
  result = await applyProposal(subject, {
    repoRoot: repository.root,
    redactor,
    concurrency: 1,
    timeoutMs: 120_000,
    killGraceMs: 2_000,
    commands: { ansiblePlaybook: 'ansible-playbook', terraform: 'terraform' },
    runDirectory,
    version: 'test',
    gate: async () => ({ ok: true, reasons: [], findings: [] }),
    now: () => new Date(),
    actor: 'dana',
    commit: (await repository.git.revparse(['HEAD'])).trim(),
  });
  await recordApplyResult(repository.root, result, {
    proposal: subject.proposal,
    timezone: subject.timezone,
    runDirectory: runDirectoryPath,
    pullRequest: { number: 7, url: 'https://github.com/acme/network/pull/7' },
    approvers: [{ user: 'alice', team: 'netops', at: new Date(now - 3_600_000).toISOString() }],
    window: { status: 'open', windows: ['sunday-maintenance'] },
    actor: { name: 'dana', kind: 'person', team: 'partner-noc' },
    redactor,
  });
});

afterAll(async () => {
  await repository.remove();
});

describe('recordApplyResult after a real apply', () => {
  it('records who, what, the command and the diff of the apply', async () => {
    const [record] = await readEvidence(repository.root);

    expect(result.outcome).toBe('applied');
    expect(record).toMatchObject({
      sequence: 1,
      kind: 'apply',
      outcome: 'succeeded',
      proposal: { id: 'CHG-1', file: 'changes/chg-1.yaml', timezone: 'America/Chicago' },
      requester: { team: 'partner-noc', github: 'dana' },
      pullRequest: { number: 7 },
      verification: { status: 'none' },
      rollback: { status: 'not-needed' },
    });
    expect(record?.proposal.blob).toMatch(/^[0-9a-f]{40}$/);
    expect(record?.steps[0]?.argv[0]).toBe('ansible-playbook');
    expect(record?.steps[0]?.argv).toContain('playbooks/vlans.yaml');
    expect(record?.steps[0]?.exitCode).toBe(0);
    expect(record?.steps[0]?.diffSummary).toBe('1 host changed (sw-1), 1 diff');
    expect(record?.steps[0]?.diff).toContain('+vlan 40');
    expect(await verifyEvidence(repository.root)).toMatchObject({ ok: true, checked: 1 });
  });

  it('shows the apply in the digest with local and UTC times and the pull request', async () => {
    const digest = await runCli(['digest', '--since', '1h'], { cwd: repository.root });

    expect(digest.exitCode).toBe(0);
    expect(digest.stdout).toContain('OK  CHG-1 Add VLAN 40');
    expect(digest.stdout).toMatch(
      /when: +[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d.* C[SD]T \(.*Z\)/,
    );
    expect(digest.stdout).toContain('diff:         playbooks/vlans.yaml: 1 host changed (sw-1), 1 diff');
    expect(digest.stdout).toContain('pull request: https://github.com/acme/network/pull/7');
  });
});
