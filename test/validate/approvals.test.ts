import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationReport } from '../../src/core/model.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const AT = '2026-11-23T15:00:00Z';
const PROPOSAL = 'changes/chg-0142-vlan40-packaging.yaml';

describe('validate with --approvals on the example', () => {
  let repository: TestRepository;
  let head: string;

  beforeAll(async () => {
    repository = await createRepository({}, { fromExample: true });
    head = await repository.commit('example');
  });
  afterAll(() => repository.remove());

  async function validate(
    approvals: string,
    extra: string[] = [],
  ): Promise<{ exitCode: number; report: ValidationReport }> {
    await repository.write({ 'approvals.yaml': approvals });
    const result = await runCli(
      ['validate', PROPOSAL, '--at', AT, '--format', 'json', '--approvals', 'approvals.yaml', ...extra],
      { cwd: repository.root },
    );
    return { exitCode: result.exitCode, report: JSON.parse(result.stdout) };
  }

  it('counts an approval of the evaluated commit and reports who gave it', async () => {
    const { exitCode, report } = await validate(`- {user: alice, commit: ${head}}\n`, [
      '--require-approvals',
    ]);

    expect(exitCode).toBe(0);
    expect(report.proposals[0]?.approvals).toEqual({
      satisfied: true,
      required: [expect.objectContaining({ team: 'netops', approvedBy: ['alice'], satisfied: true })],
    });
  });

  it('ignores an approval recorded for another commit, and --require-approvals then fails', async () => {
    const { exitCode, report } = await validate(
      '- {user: alice, commit: 0123456789abcdef0123456789abcdef01234567}\n',
      ['--require-approvals'],
    );

    expect(exitCode).toBe(1);
    expect(report.proposals[0]?.approvals.satisfied).toBe(false);
    expect(report.proposals[0]?.findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ ruleId: 'approval', severity: 'error' })]),
    );
  });

  it('reports missing approvals without failing at pull-request time', async () => {
    const { exitCode, report } = await validate('[]\n');

    expect(exitCode).toBe(0);
    expect(report.proposals[0]?.approvals.satisfied).toBe(false);
    expect(report.proposals[0]?.approvals.required[0]?.eligible).toEqual(['alice', 'bob']);
  });

  it('exits 2 with the line when the approvals file is not a list', async () => {
    await repository.write({ 'approvals.yaml': 'user: alice\n' });

    const result = await runCli(['validate', PROPOSAL, '--at', AT, '--approvals', 'approvals.yaml'], {
      cwd: repository.root,
    });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      'approvals.yaml:1:1 the approvals file must be a list of approvals, not a mapping',
    );
  });
});

describe('validate --since with an approvals file the branch under review edits', () => {
  let repository: TestRepository;
  let outside: string;

  // The base tracks approvals.yaml with frank's approval; the branch `edits-approvals` changes the
  // proposal and adds alice's, the branch `leaves-approvals` changes the proposal only.
  beforeAll(async () => {
    repository = await createRepository({ 'approvals.yaml': '- {user: frank}\n' }, { fromExample: true });
    await repository.commit('base');
    const proposal = await readFile(path.join(repository.root, PROPOSAL), 'utf8');
    const edited = proposal.replace('vlan_name: PACKAGING-L3', 'vlan_name: PACK-L3');
    await repository.git.checkout(['-b', 'leaves-approvals']);
    await repository.write({ [PROPOSAL]: edited });
    await repository.commit('the proposal only');
    await repository.git.checkout(['-b', 'edits-approvals', 'main']);
    await repository.write({ [PROPOSAL]: edited, 'approvals.yaml': '- {user: frank}\n- {user: alice}\n' });
    await repository.commit('the proposal and an approval of it');
    outside = await mkdtemp(path.join(os.tmpdir(), 'netchange-approvals-'));
    await symlink(path.join(repository.root, 'approvals.yaml'), path.join(outside, 'approvals.yaml'));
  });
  afterAll(async () => {
    await repository.remove();
    await rm(outside, { recursive: true, force: true });
  });

  function validateSinceMain(approvals: string) {
    return runCli(
      ['validate', '--since', 'main', '--at', AT, '--approvals', approvals, '--require-approvals'],
      { cwd: repository.root },
    );
  }

  it('refuses the file (exit 2) instead of counting the approval the branch added', async () => {
    await repository.git.checkout(['edits-approvals']);

    const result = await validateSinceMain('approvals.yaml');

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      'error: --approvals approvals.yaml is changed by the changes under review (modified between main and HEAD); approvals must come from outside them',
    );
    expect(result.stderr).toContain(
      "hint: Keep the approvals file outside the repository (or as main has it), or take the approvals from the pull request's reviews with --github --pr N.",
    );
  });

  it('refuses it through a link from outside the repository too', async () => {
    await repository.git.checkout(['edits-approvals']);
    const linked = path.join(outside, 'approvals.yaml');

    const result = await validateSinceMain(linked);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`--approvals ${linked} is changed by the changes under review`);
  });

  it("counts the operator's own uncommitted edit of a file the branch leaves alone", async () => {
    await repository.git.checkout(['leaves-approvals']);
    await repository.write({ 'approvals.yaml': '- {user: alice}\n' });

    const result = await validateSinceMain('approvals.yaml');
    await repository.git.checkout(['--', 'approvals.yaml']);

    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });
});

describe('validate --require-approvals with a cross-team approval missing', () => {
  let repository: TestRepository;

  // why: a netops engineer asks, so a partner or board member must approve; alice (netops) did.
  beforeAll(async () => {
    repository = await createRepository({}, { fromExample: true });
    const proposal = await readFile(path.join(repository.root, PROPOSAL), 'utf8');
    await repository.write({
      [PROPOSAL]: proposal.replace(
        'requester: {team: partner-noc, github: dana}',
        'requester: {team: netops, github: bob}',
      ),
      'approvals.yaml': '- {user: alice}\n',
    });
    await repository.commit('a netops change');
  });
  afterAll(() => repository.remove());

  it('names the teams that can give it, and lists the people once, in parentheses', async () => {
    const result = await runCli(
      [
        'validate',
        PROPOSAL,
        '--at',
        '2026-11-20T12:00:00Z',
        '--approvals',
        'approvals.yaml',
        '--require-approvals',
      ],
      { cwd: repository.root },
    );

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      'error approvals missing: 1 from partner-noc or cab (carol, dana, dave, eli or erin) [approval]',
    );
  });
});
