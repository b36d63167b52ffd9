/**
 * A proposal whose title quotes a value netchange.yaml lists in secrets.env (the new OSPF key): every
 * validate format, the schedule, the CAB pack, the comment preview and the posted comment and check
 * run show it redacted, as plan does.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const OSPF_KEY = 'ospfK3y-77';
const AT = '2026-11-23T15:00:00Z';
const REPOSITORY = 'acme/plant-network';
const TOKEN = 'ghs_plantedTokenThatMustNeverLeak0123456789';
const PULL = 88;
const FILE = 'changes/chg-0142-vlan40-packaging.yaml';

let repository: TestRepository;
let standIn: GitHubStandIn;
let head: string;

beforeAll(async () => {
  repository = await createRepository({}, { fromExample: true, onlyChanges: 'chg-0142' });
  const proposal = await readFile(path.join(repository.root, FILE), 'utf8');
  await writeFile(
    path.join(repository.root, FILE),
    proposal.replace(/^title: .*$/m, `title: OSPF key rotation to ${OSPF_KEY}`),
  );
  head = await repository.commit('rotate the OSPF key');
  standIn = await startGitHubStandIn({ token: TOKEN });
  standIn.createRepository(REPOSITORY);
  standIn.setTeamMembers('acme/netops', ['bob', 'gina']);
  standIn.createPullRequest(REPOSITORY, { number: PULL, headSha: head, author: 'dana' });
});

afterAll(async () => {
  await repository.remove();
  await standIn.close();
});

describe('a proposal title holding a secrets.env value', () => {
  it.each(['json', 'text', 'junit', 'markdown'])('validate --format %s redacts it', async (format) => {
    const result = await runCli(['validate', '--at', AT, '--format', format], {
      cwd: repository.root,
      env: { OSPF_KEY },
    });

    expect(result.stdout).toContain('OSPF key rotation to');
    expect(result.stdout).not.toContain(OSPF_KEY);
    expect(result.stderr).not.toContain(OSPF_KEY);
  });

  it.each([
    'schedule --from 2026-11-23T00:00:00Z --days 14 --format json',
    'schedule --from 2026-11-23T00:00:00Z --days 14 --format markdown',
    'schedule --from 2026-11-23T00:00:00Z --days 14 --format ics',
    'cab --meeting 2026-11-26T15:00:00-06:00 --no-fetch --format markdown',
    'cab --meeting 2026-11-26T15:00:00-06:00 --no-fetch --format json',
  ])('%s redacts it', async (command) => {
    const result = await runCli(command.split(' '), { cwd: repository.root, env: { OSPF_KEY } });

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('OSPF key rotation to');
    expect(`${result.stdout}${result.stderr}`).not.toContain(OSPF_KEY);
  });

  it('comment --dry-run redacts it', async () => {
    const result = await runCli(['comment', '--at', AT, '--dry-run'], {
      cwd: repository.root,
      env: { OSPF_KEY },
    });

    expect(result.stdout).toContain('OSPF key rotation to [REDACTED]');
    expect(`${result.stdout}${result.stderr}`).not.toContain(OSPF_KEY);
  });

  it('the posted comment and check run redact it', async () => {
    const result = await runCli(['comment', '--at', AT, '--pr', String(PULL)], {
      cwd: repository.root,
      env: {
        OSPF_KEY,
        GITHUB_API_URL: standIn.url,
        GITHUB_TOKEN: TOKEN,
        GITHUB_REPOSITORY: REPOSITORY,
        GITHUB_EVENT_PATH: '',
      },
    });
    const posted = [
      ...standIn.comments(REPOSITORY, PULL).map((comment) => comment.body),
      JSON.stringify(standIn.repository(REPOSITORY).checkRuns),
    ].join('\n');

    expect(result.exitCode, result.stderr).toBe(0);
    expect(posted).toContain('OSPF key rotation to [REDACTED]');
    expect(posted).not.toContain(OSPF_KEY);
  });
});
