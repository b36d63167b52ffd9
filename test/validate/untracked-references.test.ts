/**
 * A step may name only files git tracks. A pull request's proposal that named a file the runner's
 * checkout holds but git does not (a vault password a CI step wrote, say) made the tool read it: as
 * a Terraform var file its first line was quoted in plan's error, the comment and the step log; as an
 * INI inventory its lines became host names.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationReport } from '../../src/core/model.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const SECRET = 'VaultPass-Hunter2-xyz';
const AT = ['--at', '2026-11-20T00:00:00Z'];

async function textsUnder(directory: string): Promise<string> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile());
  const texts = await Promise.all(
    files.map((entry) => readFile(path.join(entry.parentPath, entry.name), 'utf8')),
  );
  return texts.join('\n');
}

describe('references to files git does not track', () => {
  let repository: TestRepository;
  let terraformProposal: string;
  let ansibleProposal: string;

  beforeAll(async () => {
    repository = await createRepository({}, { fromExample: true, onlyChanges: 'chg-0142' });
    const original = await readFile(
      path.join(repository.root, 'changes/chg-0142-vlan40-packaging.yaml'),
      'utf8',
    );
    ansibleProposal = original;
    terraformProposal = `apiVersion: netchange/v1
kind: ChangeProposal
id: CHG-TF-UNTRACKED
title: Add a tunnel
requester: {team: netops, github: bob}
type: normal
domain: sdwan
risk: medium
targets: {sites: [hq, plant-a, berlin], tags: [wan]}
schedule:
  start: "2026-11-29T01:00"
  end: "2026-11-29T02:00"
  timezone: America/Chicago
execution:
  - terraform: {dir: terraform/sdwan, varFiles: [prod.tfvars.json, ../../.vault_pass], workspace: prod}
rollback:
  description: Re-apply the previous tunnel list
`;
    await repository.write({ 'playbooks/switching/linked.yaml': { symlink: '../../.vault_pass' } });
    await repository.commit('the example, and a tracked symlink to a file git does not track');
    // The runner's checkout: a job wrote the vault password into the work tree; git does not track it.
    await repository.write({ '.vault_pass': `${SECRET}\n` });
  });

  afterAll(async () => {
    await repository?.remove();
  });

  async function validate(
    files: Record<string, string>,
  ): Promise<{ report: ValidationReport; output: string }> {
    await repository.write(files);
    const result = await runCli(['validate', ...Object.keys(files), '--format', 'json', ...AT], {
      cwd: repository.root,
    });
    expect(result.stderr).not.toMatch(/\n\s+at /);
    return { report: JSON.parse(result.stdout) as ValidationReport, output: result.stdout + result.stderr };
  }

  it('refuses a Terraform var file git does not track, at its line, without reading it', async () => {
    const { report, output } = await validate({ 'changes/tf.yaml': terraformProposal });

    expect(report.proposals[0]?.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          ruleId: 'reference',
          severity: 'error',
          line: 15,
          message: "'.vault_pass' is not tracked by git",
          hint: expect.stringContaining('git add'),
        }),
      ]),
    );
    expect(output).not.toContain(SECRET);
  });

  it('refuses an inventory git does not track, on every step that names it', async () => {
    const { report, output } = await validate({
      'changes/inventory.yaml': ansibleProposal
        .replace('id: CHG-2026-0142', 'id: CHG-INVENTORY')
        .replaceAll('inventory: inventory/hosts.yaml', 'inventory: .vault_pass')
        .replaceAll(/limit: .*/g, 'limit: all'),
    });

    const untracked = report.proposals[0]?.findings.filter((finding) =>
      finding.message.includes("'.vault_pass' is not tracked by git"),
    );
    expect(untracked?.map((finding) => finding.line)).toEqual([23, 29, 37]);
    expect(output).not.toContain(SECRET);
  });

  it('refuses a tracked symlink whose target git does not track', async () => {
    const { report } = await validate({
      'changes/symlink.yaml': ansibleProposal
        .replace('id: CHG-2026-0142', 'id: CHG-SYMLINK')
        .replace('playbook: playbooks/switching/vlans.yaml', 'playbook: playbooks/switching/linked.yaml'),
    });

    expect(report.proposals[0]?.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          message: "'playbooks/switching/linked.yaml' (a symlink to '.vault_pass') is not tracked by git",
        }),
      ]),
    );
  });

  it('accepts a new playbook once it is added to git, before it is committed', async () => {
    const proposal = ansibleProposal
      .replace('id: CHG-2026-0142', 'id: CHG-NEW-PLAYBOOK')
      .replace('playbook: playbooks/switching/vlans.yaml', 'playbook: playbooks/switching/new.yaml');
    await repository.write({
      'playbooks/switching/new.yaml': '- hosts: all\n  gather_facts: false\n  tasks: []\n',
    });
    const before = await validate({ 'changes/new-playbook.yaml': proposal });
    await repository.git.add('playbooks/switching/new.yaml');
    const after = await validate({ 'changes/new-playbook.yaml': proposal });

    const referenceMessages = (report: ValidationReport) =>
      report.proposals[0]?.findings.filter((finding) => finding.ruleId === 'reference').map((f) => f.message);
    expect(referenceMessages(before.report)).toEqual([
      "'playbooks/switching/new.yaml' is not tracked by git",
    ]);
    expect(referenceMessages(after.report)).toEqual([]);
    await repository.git.rm(['--cached', '-q', 'playbooks/switching/new.yaml']);
    await rm(path.join(repository.root, 'playbooks/switching/new.yaml'));
  });

  it('plan on a pull request naming the file refuses it and writes the secret nowhere', async () => {
    await repository.git.checkout(['-b', 'pull-request']);
    await repository.write({ 'changes/tf.yaml': terraformProposal });
    await repository.git.add('changes/tf.yaml');
    await repository.git.commit('a proposal naming the password file');
    const outDirectory = path.join(repository.root, '.netchange/runs/untracked');

    const result = await runCli(['plan', '--since', 'main', '--out-dir', outDirectory], {
      cwd: repository.root,
    });

    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stderr).toContain(
      "changes/tf.yaml:15:68 '.vault_pass' is not tracked by git (not planned)",
    );
    expect(`${result.stdout}${result.stderr}${await textsUnder(outDirectory)}`).not.toContain(SECRET);
  }, 120_000);

  it('refuses nothing in a repository where nothing is added yet (git init only), as outside git', async () => {
    const fresh = await createRepository({}, { fromExample: true, onlyChanges: 'chg-0142' });
    try {
      const result = await runCli(['validate', '--format', 'json', ...AT], { cwd: fresh.root });
      const report = JSON.parse(result.stdout) as ValidationReport;

      expect(report.proposals).toHaveLength(1);
      expect(report.proposals[0]?.findings.filter((finding) => finding.message.includes('tracked'))).toEqual(
        [],
      );
    } finally {
      await fresh.remove();
    }
  });
});
