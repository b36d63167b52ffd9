import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';
import { BASE_TREE, POLICY_TREE, proposalYaml } from '../support/proposals.js';
import type { TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';
import { committedRepository, holdFindings } from './support.js';

const IN_SLOT = '2026-11-29T02:10:00-06:00';
const GITHUB_TOKEN = 'ghp_freezeStandInToken0123456789abcdefABCD';
const REPOSITORY = 'acme/network';
const POLICY = `${POLICY_TREE['policies/change-control.yaml']}holds:\n  freezes: true\n`;

let standIn: GitHubStandIn;
const repositories: TestRepository[] = [];

/** A repository whose change at plant-a runs from `start` to `end` (default: CHG-1's fixed slot). */
async function repositoryWith(schedule: { start?: string; end?: string } = {}): Promise<TestRepository> {
  return committedRepository(
    {
      ...BASE_TREE,
      'policies/change-control.yaml': POLICY,
      'changes/chg-1.yaml': proposalYaml(schedule),
      '.gitignore': '.netchange/\n',
    },
    repositories,
  );
}

function validate(repository: TestRepository, env: Record<string, string> = {}) {
  return runCli(['validate', '--at', IN_SLOT, '--format', 'json'], { cwd: repository.root, env });
}

/** An instant `minutes` from the test's clock, RFC 3339 UTC. */
function fromNow(minutes: number): string {
  return new Date(Date.now() + minutes * 60_000).toISOString();
}

beforeAll(async () => {
  standIn = await startGitHubStandIn({ token: GITHUB_TOKEN });
  standIn.createRepository(REPOSITORY);
});

afterAll(async () => {
  await standIn.close();
  for (const repository of repositories) await repository.remove();
});

describe('local freezes through the CLI', () => {
  it('freeze holds validate (warning) and a real apply (refused); unfreeze lifts it and records who', async () => {
    const repository = await repositoryWith({ start: fromNow(-5), end: fromNow(55) });
    const commit = (await repository.git.revparse(['HEAD'])).trim();
    const approvals = `${repository.root}-approvals.yaml`;
    await writeFile(approvals, `- {user: alice, commit: ${commit}}\n`);
    const env = { USER: 'frank', LOGNAME: 'frank', GITHUB_ACTOR: 'frank' };

    const frozen = await runCli(
      ['freeze', '--site', 'plant-a', '--until', fromNow(120), '--reason', 'INC-0042'],
      {
        cwd: repository.root,
        env,
      },
    );
    const validated = await runCli(['validate', '--format', 'json'], { cwd: repository.root });
    const applied = await runCli(['apply', 'changes/chg-1.yaml', '--approvals', approvals], {
      cwd: repository.root,
    });
    const lifted = await runCli(['unfreeze', 'FRZ-1'], { cwd: repository.root, env });
    const after = await runCli(['validate', '--format', 'json'], { cwd: repository.root });
    const file = await readFile(path.join(repository.root, '.netchange/freezes.yaml'), 'utf8');

    expect(frozen.stdout).toMatch(/^froze plant-a until .* as FRZ-1 \(\.netchange\/freezes\.yaml\)$/m);
    expect(frozen.exitCode).toBe(0);
    expect(holdFindings(validated.stdout)).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringMatching(/^plant-a frozen by FRZ-1 until .*: INC-0042$/),
        hint: 'Run netchange unfreeze FRZ-1 to lift it.',
      }),
    ]);
    expect(`${applied.stdout}${applied.stderr}`).toContain('held: plant-a frozen by FRZ-1');
    expect(applied.exitCode).toBe(1);
    expect(lifted.stdout).toBe('lifted FRZ-1 (plant-a: INC-0042) by frank');
    expect(holdFindings(after.stdout)).toEqual([]);
    expect(file).toContain('liftedBy: frank');
  });

  it('an expired freeze no longer holds; a freeze limited to emergencies does not hold a normal change', async () => {
    const repository = await repositoryWith();
    await repository.write({
      '.netchange/freezes.yaml': `freezes:
  - {id: FRZ-1, sites: [plant-a], devices: [], until: "2026-11-29T07:00:00Z", reason: over, by: eli, createdAt: "2026-11-29T06:00:00Z"}
  - {id: FRZ-2, sites: [plant-a], devices: [], until: "2026-11-30T07:00:00Z", reason: storm, by: eli, createdAt: "2026-11-29T06:00:00Z", types: [emergency]}
  - {id: FRZ-3, sites: [], devices: [sw-1], until: "2026-11-30T07:00:00Z", reason: PLC upgrade, by: eli, createdAt: "2026-11-29T06:00:00Z"}
`,
    });

    const validated = await validate(repository);

    expect(holdFindings(validated.stdout).map((finding) => finding.message)).toEqual([
      expect.stringMatching(/^sw-1 frozen by FRZ-3 until Mon 30 Nov 2026 01:00 CST \(07:00Z\): PLC upgrade$/),
    ]);
  });

  it('bad input: no --until is a usage error (exit 2); unfreeze of nothing exits 1', async () => {
    const repository = await repositoryWith();

    const missing = await runCli(['freeze', '--site', 'plant-a', '--reason', 'x'], { cwd: repository.root });
    const past = await runCli(
      ['freeze', '--site', 'plant-a', '--until', '2020-01-01T00:00:00Z', '--reason', 'x'],
      {
        cwd: repository.root,
      },
    );
    const nothing = await runCli(['unfreeze', '--site', 'plant-z'], { cwd: repository.root });
    const garbled = await runCli(['freeze', '--site', 'plant-a', '--until', 'tomorrow', '--reason', 'x'], {
      cwd: repository.root,
    });

    expect(missing.stderr).toContain('--until is required');
    expect(missing.exitCode).toBe(2);
    expect(past.stderr).toContain('--until is in the past');
    expect(past.exitCode).toBe(2);
    expect(nothing.exitCode).toBe(1);
    expect(garbled.stderr).toContain("--until 'tomorrow' is not an RFC 3339 instant");
    expect(garbled.exitCode).toBe(2);
  });
});

describe('freezes as GitHub issues (stand-in)', () => {
  it('freeze --github opens a labelled issue that holds the change; unfreeze closes it with a comment', async () => {
    const repository = await repositoryWith();
    const env = {
      GITHUB_API_URL: standIn.url,
      GITHUB_TOKEN,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_ACTOR: 'frank',
    };

    const frozen = await runCli(
      ['freeze', '--github', '--device', 'sw-1', '--until', fromNow(120), '--reason', 'INC-0077'],
      { cwd: repository.root, env },
    );
    const issue = [...standIn.repository(REPOSITORY).issues.values()].at(-1);
    const held = await validate(repository, env);
    const lifted = await runCli(['unfreeze', '--github', `${issue?.number}`], { cwd: repository.root, env });
    const released = await validate(repository, env);

    expect(frozen.exitCode).toBe(0);
    expect(issue?.labels).toEqual(['netchange-freeze']);
    expect(issue?.body).toContain('<!-- netchange-freeze {');
    expect(holdFindings(held.stdout)).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(new RegExp(`^sw-1 frozen by #${issue?.number} until .*: INC-0077$`)),
      }),
    ]);
    expect(lifted.stdout).toContain(`lifted #${issue?.number}`);
    expect(issue?.state).toBe('closed');
    expect(standIn.comments(REPOSITORY, issue?.number ?? 0).at(-1)?.body).toMatch(
      /^Freeze lifted by @frank at /,
    );
    expect(holdFindings(released.stdout)).toEqual([]);
    expect(`${frozen.stdout}${frozen.stderr}${held.stdout}${held.stderr}`).not.toContain(GITHUB_TOKEN);
    expect(standIn.violations).toEqual([]);
  });

  it('a freeze issue a person opened holds the change, and closing the issue releases it', async () => {
    const repository = await repositoryWith();
    const env = { GITHUB_API_URL: standIn.url, GITHUB_TOKEN, GITHUB_REPOSITORY: REPOSITORY };
    const block = JSON.stringify({
      sites: ['plant-a'],
      until: '2026-11-30T00:00:00Z',
      reason: 'line 3 commissioning',
      by: 'frank',
    });
    const issue = standIn.createIssue(REPOSITORY, {
      title: 'Freeze plant-a',
      body: `No changes please.\n<!-- netchange-freeze ${block} -->`,
      labels: ['netchange-freeze'],
    });

    const held = await validate(repository, env);
    issue.state = 'closed';
    const released = await validate(repository, env);

    expect(holdFindings(held.stdout).map((finding) => finding.message)).toEqual([
      expect.stringContaining(`plant-a frozen by #${issue.number}`),
    ]);
    expect(holdFindings(released.stdout)).toEqual([]);
    expect(standIn.violations).toEqual([]);
  });
});
