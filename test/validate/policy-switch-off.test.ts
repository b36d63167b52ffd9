import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ValidationReport } from '../../src/core/model.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const AT = '2026-11-23T15:00:00Z';

/** The command run at AT: plan takes --at only with --github, where it dates the published report. */
const argsAt = (command: string): string[] => (command === 'plan' ? [command] : [command, '--at', AT]);

const PROPOSAL = 'changes/chg-0142-vlan40-packaging.yaml';

let repository: TestRepository | undefined;
afterEach(async () => {
  await repository?.remove();
  repository = undefined;
});

/** The example repository with one proposal (CHG-2026-0142, medium risk), committed as the base on main. */
async function exampleBase(): Promise<TestRepository> {
  const created = await createRepository({}, { fromExample: true });
  for (const file of await readdir(path.join(created.root, 'changes'))) {
    if (!PROPOSAL.endsWith(file)) await rm(path.join(created.root, 'changes', file));
  }
  await created.commit('base');
  return created;
}

async function read(root: string, file: string): Promise<string> {
  return readFile(path.join(root, file), 'utf8');
}

/** The example with `tail` appended to its netchange.yaml and committed, and the file as it was. */
async function exampleWithConfig(tail: string, message: string): Promise<{ root: string; config: string }> {
  const example = await exampleBase();
  repository = example;
  const config = await read(example.root, 'netchange.yaml');
  await example.write({ 'netchange.yaml': `${config}\n${tail}` });
  await example.commit(message);
  return { root: example.root, config };
}

async function validateJson(root: string, args: string[]) {
  const result = await runCli(['validate', '--format', 'json', '--at', AT, ...args], { cwd: root });
  return { ...result, report: result.stdout ? (JSON.parse(result.stdout) as ValidationReport) : undefined };
}

describe('netchange.yaml cannot switch the policy off', () => {
  it('refuses policy paths that name nothing (the attack: every proposal passed, apply ran with approvers: [])', async () => {
    repository = await exampleBase();
    const config = await read(repository.root, 'netchange.yaml');
    await repository.write({
      'netchange.yaml': `${config}\npaths: {windows: policies/nothing.yaml, changeControl: policies/nothing2.yaml}\n`,
      [PROPOSAL]: (await read(repository.root, PROPOSAL)).replace('risk: medium', 'risk: high'),
    });
    await repository.commit('switch the policy off');

    const validate = await runCli(['validate', '--since', 'HEAD~1', '--require-approvals', '--at', AT], {
      cwd: repository.root,
    });
    const apply = await runCli(['apply', PROPOSAL], { cwd: repository.root });

    for (const result of [validate, apply]) {
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toMatch(/netchange\.yaml:\d+:\d+/);
      expect(result.stderr).toContain('paths.windows names policies/nothing.yaml, which does not exist');
      expect(result.stderr).toContain(
        'paths.changeControl names policies/nothing2.yaml, which does not exist',
      );
    }
  });

  it('refuses run and freezes paths outside the repository (a pull request chose where on the runner plan wrote)', async () => {
    repository = await exampleBase();
    const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'netchange-elsewhere-'));
    const config = await read(repository.root, 'netchange.yaml');
    await repository.write({
      'netchange.yaml': `${config}\npaths: {runs: ${elsewhere}, freezes: ../freezes.yaml}\n`,
    });
    await repository.commit('write the plan elsewhere');

    const plan = await runCli(['plan'], { cwd: repository.root });

    expect(plan.exitCode).toBe(2);
    expect(plan.stderr).toMatch(/netchange\.yaml:\d+:\d+/);
    expect(plan.stderr).toContain(`paths.runs names ${elsewhere}, which is outside the repository`);
    expect(plan.stderr).toContain('paths.freezes names ../freezes.yaml, which is outside the repository');
    expect(plan.stderr).toContain('--out-dir');
    expect(await readdir(elsewhere)).toEqual([]);
    await rm(elsewhere, { recursive: true, force: true });
  });

  it.each([
    [
      'an executors.concurrency that would start thousands of processes on the runner',
      'executors: {concurrency: 5000}\n',
      'plan',
      /netchange\.yaml:\d+:\d+ executors\.concurrency must be <= 64/,
      'plan --concurrency N',
    ],
    [
      'a limits.maxFileBytes that would let a branch lift the file size guard',
      'limits: {maxFileBytes: 10000000000}\n',
      'validate',
      /netchange\.yaml:\d+:\d+ limits\.maxFileBytes must be <= 33554432/,
      'comes with the pull request',
    ],
  ])('refuses %s', async (what, tail, command, message, hint) => {
    const { root } = await exampleWithConfig(tail, `set ${what}`);

    const result = await runCli(argsAt(command), { cwd: root });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain(hint);
  });

  it('refuses a step timeout or kill grace that would hold the runner for days', async () => {
    const { root } = await exampleWithConfig(
      'executors:\n  stepTimeout: P3D\n  killGrace: PT1H\n',
      'let a step run for three days',
    );

    for (const command of ['plan', 'validate']) {
      const result = await runCli(argsAt(command), { cwd: root });

      expect(result.exitCode).toBe(2);
      expect(result.stderr).toMatch(
        /netchange\.yaml:\d+:\d+ executors\.stepTimeout 'P3D' is longer than PT6H/,
      );
      expect(result.stderr).toMatch(
        /netchange\.yaml:\d+:\d+ executors\.killGrace 'PT1H' is longer than PT5M/,
      );
      expect(result.stderr).toContain('comes with the pull request');
    }
  });

  it('refuses an executor duration that is not ISO 8601 at its line, before any step runs', async () => {
    const { root, config } = await exampleWithConfig(
      'executors:\n  stepTimeout: P30Minutes\n',
      'a timeout nobody can read',
    );

    const validate = await runCli(['validate', '--at', AT], { cwd: root });

    expect(validate.exitCode).toBe(2);
    const line = `${config}\nexecutors:\n`.split('\n').length;
    expect(validate.stderr).toContain(`netchange.yaml:${line}:16 executors.stepTimeout 'P30Minutes'`);
    expect(validate.stderr).toContain('PT30M');
  });

  it('accepts executor durations within their limits', async () => {
    const { root } = await exampleWithConfig(
      'executors: {stepTimeout: PT6H, killGrace: PT5M}\n',
      'the longest allowed',
    );

    const validate = await runCli(['validate', '--at', AT], { cwd: root });

    expect(validate.exitCode, validate.stderr).toBe(0);
  });

  it('keeps the defaults optional: an unset windows path may be absent', async () => {
    repository = await exampleBase();
    await repository.git.rm(['policies/windows.yaml']);

    const result = await runCli(['validate', '--at', AT], { cwd: repository.root });

    expect(result.exitCode).toBe(0);
  });

  it('treats pointing netchange.yaml at a lenient policy as a policy change the base policy judges', async () => {
    repository = await exampleBase();
    const config = await read(repository.root, 'netchange.yaml');
    await repository.write({
      'ops/lenient.yaml':
        'apiVersion: netchange/v1\nkind: ChangeControlPolicy\nteams:\n  partner-noc: {kind: partner, members: [dana]}\nraci:\n  switching: {responsible: partner-noc, accountable: partner-noc}\nseparationOfDuties: false\npolicyOwners: [partner-noc]\n',
      'netchange.yaml': `${config}\npaths: {changeControl: ops/lenient.yaml}\n`,
      [PROPOSAL]: (await read(repository.root, PROPOSAL)).replace('risk: medium', 'risk: high'),
    });
    await repository.commit('point at a lenient policy');
    await repository.write({ 'approvals.yaml': '- {user: dana}\n' });

    const { exitCode, report } = await validateJson(repository.root, [
      '--since',
      'HEAD~1',
      '--require-approvals',
      '--approvals',
      'approvals.yaml',
    ]);

    expect(exitCode).toBe(1);
    const change = report?.proposals.find((proposal) => proposal.id.startsWith('policy-change:'));
    expect(change?.id).toBe('policy-change:netchange.yaml,ops/lenient.yaml');
    expect(change?.ok).toBe(false);
    expect(change?.approvals.required.map((requirement) => requirement.team)).toEqual(
      expect.arrayContaining(['cab', 'netops']),
    );
  });

  it('judges a policy change with the base policy, so the pull request cannot approve itself', async () => {
    repository = await exampleBase();
    const policy = await read(repository.root, 'policies/change-control.yaml');
    await repository.write({
      'policies/change-control.yaml': policy
        .replace('members: [alice, bob]', 'members: [alice, bob, mallory]')
        .replace(/cab:(\s*)\{ kind: board, members: \[/, 'cab:$1{ kind: board, members: [mallory, '),
    });
    const head = await repository.commit('add mallory to the owners');
    await repository.write({ 'approvals.yaml': `- {user: mallory, commit: ${head}}\n` });

    const { exitCode, report } = await validateJson(repository.root, [
      '--since',
      'HEAD~1',
      '--require-approvals',
      '--approvals',
      'approvals.yaml',
    ]);

    expect(exitCode).toBe(1);
    const change = report?.proposals.find((proposal) => proposal.id.startsWith('policy-change:'));
    expect(change?.approvals.satisfied).toBe(false);
    expect(change?.approvals.required.every((requirement) => requirement.approvedBy.length === 0)).toBe(true);
  });

  it.each([
    ['renaming a policy out of policies/', ['policies/windows.yaml', 'docs/windows.yaml']],
    ['deleting a policy', ['policies/windows.yaml']],
    ['editing CODEOWNERS', ['.github/CODEOWNERS']],
    ['editing netchange.yaml', ['netchange.yaml']],
  ])('counts %s as a policy change', async (_name, files) => {
    repository = await exampleBase();
    const [from, to] = files as [string, string?];
    if (to) {
      await repository.write({ [to]: await read(repository.root, from) });
      await repository.git.rm([from]);
    } else if (from === 'policies/windows.yaml') await repository.git.rm([from]);
    else await repository.write({ [from]: `${await read(repository.root, from)}\n# edited\n` });
    await repository.commit('change the rules');

    const { exitCode, report } = await validateJson(repository.root, [
      '--since',
      'HEAD~1',
      '--require-approvals',
    ]);

    expect(exitCode).toBe(1);
    const change = report?.proposals.find((proposal) => proposal.id.startsWith('policy-change:'));
    expect(change?.id).toContain(from);
    expect(change?.approvals.satisfied).toBe(false);
  });
});

describe('in a monorepo, netchange in a folder of it', () => {
  it('counts the CODEOWNERS at the top of the work tree, the one GitHub reads, as a policy change', async () => {
    repository = await exampleBase();
    const network = path.join(repository.root, 'network');
    await mkdir(network);
    for (const entry of await readdir(repository.root)) {
      if (entry !== '.git' && entry !== 'network') await repository.git.mv(entry, `network/${entry}`);
    }
    await repository.write({ '.github/CODEOWNERS': await read(network, '.github/CODEOWNERS') });
    await repository.commit('the network folder of the monorepo');
    await repository.write({ '.github/CODEOWNERS': '* @acme/partner-noc\n' });
    await repository.commit('the partner owns everything');

    const { exitCode, report } = await validateJson(network, ['--since', 'HEAD~1', '--require-approvals']);

    expect(exitCode).toBe(1);
    const change = report?.proposals.find((proposal) => proposal.id.startsWith('policy-change:'));
    expect(change?.id).toContain('../.github/CODEOWNERS');
    expect(change?.approvals.satisfied).toBe(false);
  });
});

describe('without a change-control policy nothing is gated', () => {
  it('validate reports it as an error, and apply refuses', async () => {
    repository = await exampleBase();
    await repository.git.rm(['policies/change-control.yaml']);
    await repository.commit('drop the change-control policy');

    const validate = await validateJson(repository.root, []);
    const apply = await runCli(['apply', PROPOSAL], { cwd: repository.root });

    expect(validate.exitCode).toBe(1);
    expect(validate.report?.findings).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        file: 'policies/change-control.yaml',
        message: expect.stringContaining('nothing is gated'),
      }),
    );
    expect(apply.exitCode).toBe(1);
    expect(apply.stderr).toContain('apply refused: there is no change-control policy');
  });
});
