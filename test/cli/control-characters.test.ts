/**
 * A pull request's text reaches terminals, CI logs and the review comment. Control characters in it
 * (a screen clear, a carriage return, a right-to-left override) are shown as visible marks there, and
 * kept as they are in JSON, which is data for programs.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const PROPOSAL = 'changes/chg-0142-vlan40-packaging.yaml';
const AT = '2026-11-23T15:00:00Z';
const REPOSITORY = 'acme/plant-network';
const TOKEN = 'ghs_plantedTokenForTheControlTest0123456789';
// What the YAML escapes below decode to. why: in the domain, because the schema refuses a title with
// control characters, and a domain is free text the report and the comment quote.
const DOMAIN = 'switching\u001b[2J\rAPPROVED \u202Eevlovni';
// biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for them.
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

let standIn: GitHubStandIn;
let repository: TestRepository;
let head: string;

beforeAll(async () => {
  standIn = await startGitHubStandIn({ token: TOKEN });
  standIn.createRepository(REPOSITORY);
  standIn.setTeamMembers('acme/netops', ['alice', 'bob']);
  repository = await createRepository({}, { fromExample: true, onlyChanges: 'chg-0142' });
  const proposal = await readFile(path.join(repository.root, PROPOSAL), 'utf8');
  await repository.write({
    [PROPOSAL]: proposal.replace('domain: switching', 'domain: "switching\\e[2J\\rAPPROVED \\u202Eevlovni"'),
  });
  head = await repository.commit('a domain with control characters');
});
afterAll(async () => {
  await standIn?.close();
  await repository?.remove();
});

describe('control characters from a pull request', () => {
  it('are visible marks in the text report, never raw', async () => {
    const result = await runCli(['validate', '--at', AT], { cwd: repository.root });

    expect(result.stdout).toContain('switching␛[2J␍APPROVED <U+202E>evlovni');
    expect(result.stdout).not.toMatch(RAW_CONTROL);
  });

  it('are visible marks in an error message', async () => {
    const result = await runCli(['validate', 'changes/no\u001b[2Jsuch.yaml'], { cwd: repository.root });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('changes/no␛[2Jsuch.yaml does not exist');
    expect(result.stderr).not.toMatch(RAW_CONTROL);
  });

  it('are kept as they are in JSON', async () => {
    const result = await runCli(['validate', '--at', AT, '--format', 'json'], { cwd: repository.root });

    expect(JSON.parse(result.stdout).proposals[0].domain).toBe(DOMAIN);
  });

  it('are visible marks in the review comment, which an unchanged re-run leaves alone', async () => {
    standIn.createPullRequest(REPOSITORY, { number: 7, headSha: head, author: 'dana' });
    const env = { GITHUB_API_URL: standIn.url, GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: REPOSITORY };

    await runCli(['validate', '--github', '--pr', '7', '--at', AT], { cwd: repository.root, env });
    const before = standIn.requests.length;
    await runCli(['validate', '--github', '--pr', '7', '--at', AT], { cwd: repository.root, env });

    const [comment] = standIn.comments(REPOSITORY, 7);
    // The Markdown escapes the mark's angle brackets: `\<U+202E\>` in the table and the finding.
    expect(comment?.body).toContain(
      '| Type | normal · domain switching␛\\[2J␍APPROVED \\<U+202E\\>evlovni |',
    );
    expect(comment?.body).toContain(
      "no one is accountable for domain 'switching␛\\[2J␍APPROVED \\<U+202E\\>evlovni'",
    );
    expect(comment?.body).not.toMatch(RAW_CONTROL);
    const writes = standIn.requests.slice(before).filter((request) => request.method !== 'GET');
    expect(writes).toEqual([]);
    expect(standIn.violations).toEqual([]);
  });
});
