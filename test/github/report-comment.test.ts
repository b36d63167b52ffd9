/**
 * The report comment as a change advisory board member reads it: the summary table first (one row
 * per proposal, its state, who still has to approve, the plan in a few words), a banner naming what
 * is destroyed or removed, ✅ only for ready proposals, and a footer that links the CI run rather
 * than a path on the runner. Rendered by the real CLI over the example repository.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runTerraform } from '../../src/executors/index.js';
import { GITHUB_LIMITS } from '../../src/github/limits.js';
import { createRedactor } from '../../src/redact/index.js';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { type CliResult, runCli } from '../support/run-cli.js';

// why: the demo's instant (scripts/demo.sh): the example's proposals are scheduled in late 2026.
const AT = '2026-11-23T15:00:00Z';
const REPOSITORY = 'acme/plant-network';
const TOKEN = 'ghs_plantedTokenThatMustNeverLeak0123456789';

/** Runs the CLI without any CI environment (no GITHUB_* variables leak in from the test runner). */
async function cli(
  repository: TestRepository,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  return runCli(args, {
    cwd: repository.root,
    env: {
      GITHUB_ACTIONS: '',
      GITHUB_RUN_ID: '',
      GITHUB_REPOSITORY: '',
      GITHUB_SERVER_URL: '',
      GITHUB_EVENT_NAME: '',
      GITHUB_EVENT_PATH: '',
      ...env,
    },
  });
}

/** The summary table's rows: `[state words, proposal id]`. */
function tableRows(comment: string): [string, string][] {
  return [...comment.matchAll(/^\| \S+ \*\*([a-z ]+)\*\* \| \*\*(CHG-[0-9-]+)\*\*/gm)].map((match) => [
    match[1] ?? '',
    match[2] ?? '',
  ]);
}

/** Every line with a ✅, which must be about a ready proposal. */
function checkmarkLines(comment: string): string[] {
  return comment.split('\n').filter((line) => line.includes('✅'));
}

async function keepOnly(repository: TestRepository, prefixes: string[]): Promise<void> {
  for (const file of await readdir(path.join(repository.root, 'changes'))) {
    if (!prefixes.some((prefix) => file.startsWith(prefix)))
      await rm(path.join(repository.root, 'changes', file));
  }
}

describe("the example's 14 proposals, two of them planned (the demo)", () => {
  let repository: TestRepository;
  let preview: CliResult;
  let comment: string;

  beforeAll(async () => {
    repository = await createRepository({}, { fromExample: true });
    await repository.commit('the plant network');
    const planned = await cli(repository, [
      'plan',
      'changes/chg-0142-vlan40-packaging.yaml',
      'changes/chg-0147-sdwan-berlin-tunnel.yaml',
      '--out-dir',
      '.netchange/runs/demo',
    ]);
    expect(planned.exitCode).toBe(0);
    preview = await cli(repository, ['comment', '--from', '.netchange/runs/demo', '--at', AT, '--dry-run']);
    comment = preview.stdout;
  });
  afterAll(() => repository.remove());

  it('opens with one row per proposal, worst first, each with its state', () => {
    expect(
      comment.indexOf('| State | Proposal | Type | Risk | When | Window | Still to approve | Plan |'),
    ).toBeLessThan(comment.indexOf('<details>'));
    expect(tableRows(comment)).toEqual([
      ['invalid', 'CHG-2026-0146'],
      ['invalid', 'CHG-2026-0150'],
      ['blocked', 'CHG-2026-0144'],
      ['blocked', 'CHG-2026-0148'],
      ['blocked', 'CHG-2026-0151'],
      ['blocked', 'CHG-2026-0153'],
      ['blocked', 'CHG-2026-0154'],
      ['blocked', 'CHG-2026-0155'],
      ['needs approvals', 'CHG-2026-0142'],
      ['needs approvals', 'CHG-2026-0143'],
      ['needs approvals', 'CHG-2026-0145'],
      ['needs approvals', 'CHG-2026-0147'],
      ['needs approvals', 'CHG-2026-0149'],
      ['needs approvals', 'CHG-2026-0152'],
    ]);
    expect(comment).toContain('### netchange: 6 need approvals, 6 blocked, 2 invalid');
  });

  it('says when, whether the window is open, blocked or bypassed, who still has to approve, and the plan', () => {
    const row = (id: string) =>
      comment.split('\n').find((line) => line.includes(`**${id}**`) && line.startsWith('| ')) ?? '';

    expect(row('CHG-2026-0142')).toContain(
      '| normal | medium | Sun 29 Nov 2026 02:00–03:00 CST (08:00–09:00Z) | open | 1 of netops (alice, bob) | 2 hosts change |',
    );
    expect(row('CHG-2026-0147')).toContain('| +5 ~0 −0 |');
    expect(row('CHG-2026-0143')).toContain('| not planned |');
    expect(row('CHG-2026-0148')).toContain('blocked by hq-firewall-quarter-end, year-end-freeze');
    expect(row('CHG-2026-0145')).toContain('| emergency | high |');
    expect(row('CHG-2026-0145')).toContain('| bypassed (emergency) |');
    expect(row('CHG-2026-0145')).toContain('2 of cab (carol, dave, erin)');
  });

  it('folds each proposal into a details block named by its id and state, and shows no ✅ (nothing is ready)', () => {
    expect(comment.match(/<details><summary><b>CHG-/g)).toHaveLength(14);
    expect(comment).toContain('<details><summary><b>CHG-2026-0144</b> · ⛔ blocked');
    expect(checkmarkLines(comment)).toEqual([]);
    expect(comment).not.toContain('[!CAUTION]');
  });

  it('names the run directory relative to the repository, not a local absolute path', () => {
    expect(comment).toContain('run locally · run directory `.netchange/runs/demo`');
    expect(comment).not.toContain(repository.root);
  });

  it('says on stderr what the check would conclude, and why the dry run still exits 0', () => {
    expect(preview.exitCode).toBe(0);
    expect(preview.stderr).toContain(
      'dry run: the netchange check would conclude failure (6 need approvals, 6 blocked, 2 invalid); exit 0 because --dry-run posts nothing',
    );
  });
});

describe('a pull request whose proposal has every approval', () => {
  let repository: TestRepository;

  beforeAll(async () => {
    repository = await createRepository({}, { fromExample: true });
    await keepOnly(repository, ['chg-0142']);
    await repository.write({ 'approvals.yaml': '- user: alice\n' });
    await repository.commit('add VLAN 40');
  });
  afterAll(() => repository.remove());

  it('shows ✅ ready on its row and nowhere else, and the check would succeed', async () => {
    const planned = await cli(repository, ['plan', '--out-dir', '.netchange/runs/ready']);
    const preview = await cli(repository, [
      'comment',
      '--from',
      '.netchange/runs/ready',
      '--approvals',
      'approvals.yaml',
      '--at',
      AT,
      '--dry-run',
    ]);

    expect(planned.exitCode).toBe(0);
    expect(tableRows(preview.stdout)).toEqual([['ready', 'CHG-2026-0142']]);
    expect(preview.stdout).toContain('### netchange: 1 ready');
    for (const line of checkmarkLines(preview.stdout)) {
      expect(line).toContain('CHG-2026-0142');
      expect(line).toContain('ready');
    }
    expect(preview.stderr).toContain('the netchange check would conclude success (1 ready)');
  });
});

describe('a pull request that deletes Terraform resources', () => {
  let repository: TestRepository;
  let comment: string;

  beforeAll(async () => {
    repository = await createRepository({}, { fromExample: true });
    await keepOnly(repository, ['chg-0147']);
    await repository.commit('the SD-WAN as it runs');
    // why: the stack must exist before removing part of it deletes anything: apply it for real.
    const applied = await runTerraform(
      { dir: 'terraform/sdwan', varFiles: ['prod.tfvars.json'], workspace: 'prod' },
      {
        repoRoot: repository.root,
        mode: 'apply',
        redactor: createRedactor(),
        timeoutMs: 120_000,
        killGraceMs: 1_000,
        commands: { ansiblePlaybook: 'ansible-playbook', terraform: 'terraform' },
      },
    );
    expect(applied.status).toBe('applied');
    await repository.write({
      'terraform/sdwan/prod.tfvars.json': JSON.stringify({
        edges: {
          hq: { wan_ip: '198.51.100.10', lan_prefix: '10.10.0.0/16' },
          'plant-a': { wan_ip: '198.51.100.20', lan_prefix: '10.20.0.0/16' },
        },
        tunnels: { 'hq-plant-a': { a: 'hq', b: 'plant-a' } },
      }),
    });
    await repository.commit('retire the Berlin edge and its tunnel');
    const planned = await cli(repository, ['plan', '--out-dir', '.netchange/runs/retire']);
    expect(planned.exitCode).toBe(0);
    comment = (
      await cli(repository, ['comment', '--from', '.netchange/runs/retire', '--at', AT, '--dry-run'])
    ).stdout;
  });
  afterAll(() => repository.remove());

  it('puts a banner above the table naming each deleted resource', () => {
    const banner = comment.indexOf('> [!CAUTION]');

    expect(banner).toBeGreaterThan(0);
    expect(banner).toBeLessThan(comment.indexOf('| State | Proposal |'));
    expect(comment).toContain('> **This pull request destroys or removes 2 things:**');
    expect(comment).toContain('> - CHG-2026-0147: delete `terraform_data.edge["berlin"]`');
    expect(comment).toContain('> - CHG-2026-0147: delete `terraform_data.tunnel["hq-berlin"]`');
    expect(comment).toMatch(/\| \+0 ~\d+ −2 \|/);
    expect(checkmarkLines(comment)).toEqual([]);
  });
});

describe('posted from GitHub Actions', () => {
  let standIn: GitHubStandIn;
  let repository: TestRepository;

  beforeAll(async () => {
    standIn = await startGitHubStandIn({ token: TOKEN });
    standIn.createRepository(REPOSITORY);
    standIn.setTeamMembers('acme/netops', ['alice', 'bob']);
    repository = await createRepository({}, { fromExample: true });
    await keepOnly(repository, ['chg-0142']);
    const head = await repository.commit('add VLAN 40');
    standIn.createPullRequest(REPOSITORY, { number: 7, headSha: head, author: 'dana' });
  });
  afterEach(() => {
    expect(standIn.violations).toEqual([]);
  });
  afterAll(async () => {
    await repository.remove();
    await standIn.close();
  });

  it('links the CI run and names the uploaded artifact in the footer, and the check title counts the states', async () => {
    const result = await cli(repository, ['comment', '--pr', '7', '--at', AT], {
      GITHUB_API_URL: standIn.url,
      GITHUB_TOKEN: TOKEN,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_EVENT_NAME: 'pull_request',
    });

    expect(result.exitCode).toBe(0);
    const body = standIn.comments(REPOSITORY, 7)[0]?.body ?? '';
    expect(body).toContain(
      '[CI run](https://github.example/acme/plant-network/actions/runs/4242/attempts/2) · artifact [`netchange-pr-7`](https://github.example/acme/plant-network/actions/runs/4242/attempts/2#artifacts)',
    );
    expect(body).not.toContain(repository.root);
    expect(body).not.toContain('run locally');
    expect(body.length).toBeLessThanOrEqual(GITHUB_LIMITS.body);
    const run = standIn.repository(REPOSITORY).checkRuns.at(-1);
    expect(run).toMatchObject({ conclusion: 'action_required' });
    expect(run?.title).toBe('1 needs approvals');
  });
});
