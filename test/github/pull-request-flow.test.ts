import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { type CliResult, runCli } from '../support/run-cli.js';

const REPOSITORY = 'acme/plant-network';
const TOKEN = 'ghs_plantedFlowToken0123456789abcdefABCDEF01';
const EMERGENCY = 'changes/chg-0145-emergency-uplink.yaml';
const PULL = 145;

let standIn: GitHubStandIn;
let repository: TestRepository;
let head: string;
const outputs: CliResult[] = [];

async function netchange(args: string[]): Promise<CliResult> {
  const result = await runCli(args, {
    cwd: repository.root,
    env: {
      GITHUB_API_URL: standIn.url,
      GITHUB_TOKEN: TOKEN,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_ACTOR: 'eli',
    },
  });
  outputs.push(result);
  return result;
}

beforeAll(async () => {
  standIn = await startGitHubStandIn({ token: TOKEN });
  standIn.createRepository(REPOSITORY);
  standIn.setTeamMembers('acme/netops', ['alice', 'bob']);
  repository = await createRepository({}, { fromExample: true });
  for (const file of await readdir(path.join(repository.root, 'changes'))) {
    if (`changes/${file}` !== EMERGENCY) await rm(path.join(repository.root, 'changes', file));
  }
  // why: the on-call engineer files the emergency for right now; the example's date is fixed.
  const start = new Date(Date.now() - 5 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const text = await readFile(path.join(repository.root, EMERGENCY), 'utf8');
  await writeFile(path.join(repository.root, EMERGENCY), text.replace(/start: "[^"]+"/, `start: "${start}"`));
  await writeFile(path.join(repository.root, '.gitignore'), 'state/\n.netchange/\nrun/\n');
  head = await repository.commit('emergency: move line 2 PLC traffic off the flapping uplink');
  standIn.createPullRequest(REPOSITORY, { number: PULL, headSha: head, author: 'eli' });
});

afterEach(() => {
  expect(standIn.violations).toEqual([]);
});

afterAll(async () => {
  for (const output of outputs) expect(`${output.stdout}${output.stderr}`).not.toContain(TOKEN);
  await standIn.close();
  await repository.remove();
});

describe('an emergency pull request on the example network', () => {
  it('goes through validate, plan, comment, reviews and apply', async () => {
    const validated = await netchange(['validate', EMERGENCY, '--format', 'json']);
    const planned = await netchange(['plan', EMERGENCY, '--out-dir', 'run']);
    const reported = await netchange(['comment', '--pr', String(PULL), '--from', 'run']);
    const waiting = standIn.repository(REPOSITORY).checkRuns.at(-1);
    for (const user of ['alice', 'carol', 'dave'])
      standIn.addReview(REPOSITORY, PULL, { user, state: 'APPROVED' });
    const reevaluated = await netchange(['comment', '--pr', String(PULL)]);
    const approved = standIn.repository(REPOSITORY).checkRuns.at(-1);
    const applied = await netchange(['apply', EMERGENCY, '--pr', String(PULL)]);

    expect([validated.exitCode, planned.exitCode, reported.exitCode, reevaluated.exitCode]).toEqual([
      0, 0, 0, 0,
    ]);
    expect(waiting?.conclusion).toBe('action_required');
    expect(approved?.conclusion).toBe('success');
    expect(applied.exitCode, applied.stderr).toBe(0);
    const comments = standIn.comments(REPOSITORY, PULL);
    expect(comments).toHaveLength(2);
    expect(comments[0]?.body).toContain('CHG-2026-0145');
    expect(comments[0]?.body).toContain('sw-plant-a-03');
    expect(comments[1]?.body).toContain('netchange apply: ✅ CHG-2026-0145 applied');
    expect(comments[1]?.body).toContain('@alice');
    expect(comments[1]?.body).toContain('A retrospective review is due by');
    const pull = standIn.repository(REPOSITORY).pulls.get(PULL);
    expect(pull?.labels).toEqual(['retrospective-required']);
    expect(standIn.repository(REPOSITORY).statuses.at(-1)).toMatchObject({
      sha: head,
      state: 'success',
      context: 'netchange/apply',
    });
  });
});
