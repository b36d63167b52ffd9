/**
 * Freeze issues netchange cannot read: a reason that used to break the block freeze --github wrote,
 * an issue GitHub did not keep as sent, and hand-written blocks that do not parse. None of them may
 * read as "nothing is frozen" without a word.
 */
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';
import type { TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';
import * as alerts from './alert-fixture.js';
import { fromNow, IN_SLOT, removeRepositories, repositoryWith, validate } from './freeze-fixture.js';
import { holdFindings } from './support.js';

const GITHUB_TOKEN = 'ghp_freezeReadingStandIn0123456789abcdefAB';

let standIn: GitHubStandIn;
let repositories = 0;

beforeAll(async () => {
  standIn = await startGitHubStandIn({ token: GITHUB_TOKEN });
});

afterAll(async () => {
  await standIn.close();
  await removeRepositories();
  await alerts.removeRepositories();
});

/** A stand-in repository of the test's own (freeze issues are repository-wide) and the CLI's env for it. */
function githubRepository(apiUrl?: string) {
  repositories += 1;
  const fullName = `acme/network-${repositories}`;
  standIn.createRepository(fullName);
  const env = {
    GITHUB_API_URL: apiUrl ?? standIn.url,
    GITHUB_TOKEN,
    GITHUB_REPOSITORY: fullName,
    GITHUB_ACTOR: 'frank',
  };
  return { fullName, env, issues: () => [...standIn.repository(fullName).issues.values()] };
}

/** An open issue labelled netchange-freeze, as a person types it, with `block` in the hidden comment. */
function handWrittenFreeze(fullName: string, block: string) {
  return standIn.createIssue(fullName, {
    title: 'Freeze plant-a',
    body: `No changes at plant-a please.\n<!-- netchange-freeze ${block} -->`,
    labels: ['netchange-freeze'],
    user: 'frank',
  });
}

/** apply --dry-run of CHG-1 in its slot with alice's approval (outside the tree, which must stay clean). */
async function rehearse(repository: TestRepository, env: Record<string, string>) {
  const commit = (await repository.git.revparse(['HEAD'])).trim();
  const approvals = `${repository.root}-approvals.yaml`;
  await writeFile(approvals, `- {user: alice, commit: ${commit}}\n- {user: bob, commit: ${commit}}\n`);
  return runCli(['apply', 'changes/chg-1.yaml', '--dry-run', '--at', IN_SLOT, '--approvals', approvals], {
    cwd: repository.root,
    env,
  });
}

/**
 * A proxy to the stand-in that cuts the netchange-freeze block out of every issue opened through it:
 * the fault of an issue GitHub did not keep as it was sent.
 */
async function startBlockCuttingProxy(target: string): Promise<{ url: string; server: Server }> {
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let body = Buffer.concat(chunks).toString('utf8');
    if (request.method === 'POST' && /\/repos\/[^/]+\/[^/]+\/issues$/.test(request.url ?? '')) {
      const issue = JSON.parse(body) as { body: string };
      body = JSON.stringify({ ...issue, body: issue.body.replace(/<!-- netchange-freeze[\s\S]*$/, '') });
    }
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(
        (entry): entry is [string, string] =>
          typeof entry[1] === 'string' && !['host', 'content-length', 'connection'].includes(entry[0]),
      ),
    );
    const answer = await fetch(`${target}${request.url}`, {
      method: request.method ?? 'GET',
      headers,
      ...(chunks.length > 0 ? { body } : {}),
    });
    const passed = [...answer.headers].filter(
      ([name]) => !['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name),
    );
    response.writeHead(answer.status, Object.fromEntries(passed));
    response.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port');
  return { url: `http://127.0.0.1:${address.port}`, server };
}

describe('freeze --github writes a block every runner reads back (stand-in)', () => {
  it('a reason holding "} -->" still freezes: the issue holds the change, and unfreeze lifts it', async () => {
    const repository = await repositoryWith();
    const { env, issues } = githubRepository();
    const reason = 'INC-9 a} --> x';

    const frozen = await runCli(
      ['freeze', '--github', '--site', 'plant-a', '--until', fromNow(240), '--reason', reason],
      { cwd: repository.root, env },
    );
    const issue = issues().at(-1);
    const held = await validate(repository, env);
    const lifted = await runCli(['unfreeze', '--github', `${issue?.number}`], { cwd: repository.root, env });

    expect(frozen.exitCode).toBe(0);
    expect(frozen.stdout).toMatch(new RegExp(`^froze plant-a until .* as #${issue?.number} `));
    // why: the hidden comment must end where the block does, or GitHub shows the rest as raw JSON.
    expect(issue?.body.slice(issue.body.indexOf('<!-- netchange-freeze')).split('-->')).toHaveLength(2);
    expect(holdFindings(held.stdout)).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringMatching(/^plant-a frozen by #\d+ until .*: INC-9 a\} --> x$/),
      }),
    ]);
    expect(lifted.stdout).toContain(`lifted #${issue?.number} (plant-a: ${reason})`);
    expect(lifted.exitCode).toBe(0);
    expect(standIn.violations).toEqual([]);
  });

  it('an issue that does not read back as the freeze is a failure naming it (exit 3), not "froze"', async () => {
    const repository = await repositoryWith();
    const proxy = await startBlockCuttingProxy(standIn.url);
    try {
      const { fullName, env, issues } = githubRepository(proxy.url);

      const frozen = await runCli(
        ['freeze', '--github', '--site', 'plant-a', '--until', fromNow(240), '--reason', 'INC-10'],
        { cwd: repository.root, env },
      );
      const issue = issues().at(-1);

      expect(frozen.stdout).not.toContain('froze');
      expect(frozen.stderr).toContain(
        `issue #${issue?.number} was opened but does not read back as the freeze: its body has no <!-- netchange-freeze {...} --> block`,
      );
      expect(frozen.stderr).toContain(
        `hint: Open https://github.com/${fullName}/issues/${issue?.number} and fix its netchange-freeze block`,
      );
      expect(frozen.exitCode).toBe(3);
    } finally {
      await new Promise((resolve) => proxy.server.close(resolve));
    }
  });
});

describe('a hand-written freeze issue whose block netchange cannot read (stand-in)', () => {
  it.each([
    [
      'JSON with a trailing comma',
      '{"sites":["plant-a"],"until":"2026-11-30T06:00:00Z","reason":"line 3",}',
      /^freeze issue #\d+ cannot be read: its netchange-freeze block is not JSON \(.+\)$/,
    ],
    [
      'an until in words',
      '{"sites":["plant-a"],"until":"tomorrow 06:00","reason":"line 3"}',
      /^freeze issue #\d+ cannot be read: its netchange-freeze block has "until": "tomorrow 06:00", which is not an RFC 3339 instant/,
    ],
  ])('is a warning at review naming the issue and what is wrong: %s', async (_name, block, message) => {
    const repository = await repositoryWith();
    const { fullName, env } = githubRepository();
    const issue = handWrittenFreeze(fullName, block);

    const validated = await validate(repository, env);

    expect(holdFindings(validated.stdout)).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringMatching(message),
        hint: expect.stringContaining(
          `Fix the block in https://github.com/${fullName}/issues/${issue.number}`,
        ),
      }),
    ]);
    expect(holdFindings(validated.stdout)[0]?.message).toContain(`#${issue.number}`);
    expect(validated.exitCode).toBe(0);
    expect(standIn.violations).toEqual([]);
  });

  it('refuses apply by default (onError hold), as an unreachable source does', async () => {
    const repository = await repositoryWith();
    const { fullName, env } = githubRepository();
    const issue = handWrittenFreeze(fullName, '{"sites":["plant-a"],"until":"2026-11-30T06:00:00Z",}');

    const applied = await rehearse(repository, env);

    expect(applied.stdout).toContain(`held: freeze issue #${issue.number} cannot be read`);
    expect(applied.exitCode).toBe(1);
  });

  it('lets apply go on with holds.alertmanager.onError: warn', async () => {
    // why: the Alertmanager URL's variable is left unset, so both hold sources are unknown here.
    const repository = await alerts.repositoryWith(alerts.holdsPolicy('    onError: warn\n'));
    const { fullName, env } = githubRepository();
    handWrittenFreeze(fullName, '{"sites":["plant-a"],"until":"tomorrow 06:00"}');

    const applied = await rehearse(repository, env);

    expect(applied.stdout).toContain('would run');
    expect(applied.exitCode).toBe(0);
  });
});
