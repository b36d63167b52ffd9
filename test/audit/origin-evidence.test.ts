import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { afterEach, describe, expect, it } from 'vitest';
import { appendEvidence, EVIDENCE_REF, type EvidenceRecord } from '../../src/audit/index.js';
import { runCli } from '../support/run-cli.js';
import { evidenceDraft } from './drafts.js';
import { forgeChain, rebuildHistory } from './tamper.js';

const directories: string[] = [];

afterEach(async () => {
  await Promise.all(
    directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })),
  );
});

async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'netchange-origin-'));
  directories.push(directory);
  return directory;
}

/** A bare origin and a CI runner (a clone of it) that applied three changes and pushed their records. */
async function originWithThreeRecords(): Promise<{ base: string; remote: string; runner: string }> {
  const base = await temporaryDirectory();
  const remote = path.join(base, 'origin.git');
  const runner = path.join(base, 'runner');
  await simpleGit().raw(['init', '--bare', '--initial-branch=main', remote]);
  await simpleGit().clone(remote, runner);
  for (const id of ['CHG-1', 'CHG-2', 'CHG-3'])
    await appendEvidence(runner, evidenceDraft({ proposal: { id, file: `changes/${id}.yaml`, blob: null } }));
  return { base, remote, runner };
}

async function tipOf(root: string, ref = EVIDENCE_REF): Promise<string> {
  return (await simpleGit({ baseDir: root }).raw(['rev-parse', ref])).trim();
}

const PERIOD = ['--since', '2026-11-22T00:00:00Z', '--until', '2026-11-23T00:00:00Z'];

/** Force-pushes a history to origin's evidence branch, as someone without the ruleset could. */
const rewrites: [string, (runner: string, base: string) => Promise<string>, number][] = [
  [
    'rewound to record #1',
    async (runner) => {
      const old = await tipOf(runner, `${EVIDENCE_REF}~2`);
      await simpleGit({ baseDir: runner }).raw(['push', '-q', '-f', 'origin', `${old}:${EVIDENCE_REF}`]);
      return old;
    },
    1,
  ],
  [
    'rewritten as a consistent forgery',
    async (_runner, base) => {
      const forger = path.join(base, 'forger');
      await simpleGit().clone(path.join(base, 'origin.git'), forger);
      const git = simpleGit({ baseDir: forger });
      await git.raw(['update-ref', EVIDENCE_REF, 'refs/remotes/origin/netchange-evidence']);
      await rebuildHistory(
        forger,
        (files) =>
          forgeChain(files, (first: EvidenceRecord) => {
            first.approvers = [{ user: 'mallory', team: 'netops', role: 'accountable' }];
          }),
        { trailers: 'recomputed' },
      );
      await git.raw(['push', '-q', '-f', 'origin', `${EVIDENCE_REF}:${EVIDENCE_REF}`]);
      return tipOf(forger);
    },
    3,
  ],
];

describe("origin's evidence branch moved backwards", () => {
  it.each(rewrites)(
    'audit verify fails when it was %s, also offline afterwards; digest and export warn',
    async (_case, rewrite, records) => {
      const { base, runner } = await originWithThreeRecords();
      const seen = await tipOf(runner);
      const before = await runCli(['audit', 'verify'], { cwd: runner });
      const moved = await rewrite(runner, base);

      const verify = await runCli(['audit', 'verify'], { cwd: runner });
      const offline = await runCli(['audit', 'verify', '--no-fetch'], { cwd: runner });
      const digest = await runCli(['digest', ...PERIOD], { cwd: runner });
      const exported = await runCli(['audit', 'export', '--format', 'json'], { cwd: runner });

      const said = `origin's evidence branch was rewound or rewritten: it is at ${moved.slice(0, 12)} (record #${records}), which does not contain ${seen.slice(0, 12)} (record #3)`;
      expect(before.exitCode, before.stdout).toBe(0);
      expect(verify.exitCode, verify.stdout).toBe(1);
      expect(verify.stdout).toContain(said);
      expect(offline.exitCode).toBe(1);
      expect(offline.stdout).toContain(said);
      expect(digest.exitCode, digest.stderr).toBe(0);
      expect(digest.stderr).toContain(said);
      expect(digest.stdout).toContain('3 changes');
      expect(exported.exitCode, exported.stderr).toBe(0);
      expect(exported.stderr).toContain(said);
      expect(JSON.parse(exported.stdout).records).toHaveLength(3);
    },
  );

  it('says nothing when this clone holds a record it could not publish yet', async () => {
    const { base, remote, runner } = await originWithThreeRecords();
    const git = simpleGit({ baseDir: runner });
    await git.remote(['set-url', 'origin', path.join(base, 'gone.git')]);
    await appendEvidence(runner, evidenceDraft(), { onWarning: () => {} });
    await git.remote(['set-url', 'origin', remote]);

    const verify = await runCli(['audit', 'verify'], { cwd: runner });

    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toContain('evidence chain intact: 4 record(s)');
    expect(verify.stderr).not.toContain('rewound');
  });
});

describe('evidence that cannot be read is not an empty chain', () => {
  it.each([
    ['audit', 'verify'],
    ['digest', ...PERIOD],
    ['audit', 'export', '--format', 'json'],
  ])('%s %s exits 3 when origin cannot be fetched and this clone holds no evidence', async (...args) => {
    const base = await temporaryDirectory();
    const git = simpleGit({ baseDir: base });
    await git.init(['--initial-branch=main']);
    await git.addRemote('origin', path.join(base, 'no-such-repository.git'));

    const result = await runCli(args, { cwd: base });

    expect(result.exitCode, result.stdout).toBe(3);
    expect(result.stderr).toContain('could not fetch the evidence branch from origin');
    expect(result.stderr).toContain('this clone holds no evidence of its own to read instead');
    expect(result.stdout).not.toMatch(/no evidence recorded yet|No changes were recorded/);
  });

  it('audit verify --no-fetch and digest --no-fetch read origin’s branch in an ordinary clone without the local branch', async () => {
    const { base, remote } = await originWithThreeRecords();
    const clone = path.join(base, 'auditor');
    await simpleGit().clone(remote, clone);

    const verify = await runCli(['audit', 'verify', '--no-fetch'], { cwd: clone });
    const digest = await runCli(['digest', '--no-fetch', ...PERIOD], { cwd: clone });

    expect(verify.exitCode, verify.stdout).toBe(0);
    expect(verify.stdout).toContain('evidence chain intact: 3 record(s)');
    expect(digest.exitCode).toBe(0);
    expect(digest.stdout).toContain('3 changes');
  });
});
