import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  anchorBlock,
  appendEvidence,
  EVIDENCE_REF,
  type EvidenceRecord,
  findAnchors,
  LEGACY_EVIDENCE_REF,
  readEvidence,
} from '../../src/audit/index.js';
import { composeReport } from '../../src/github/compose-report.js';
import { DIGEST_LABEL } from '../../src/github/digest-issue.js';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { type CliResult, runCli } from '../support/run-cli.js';
import { evidenceDraft } from './drafts.js';
import { copyRepository, type EvidenceFiles, forgeChain, rebuildHistory, tamperByHand } from './tamper.js';

const REPOSITORY = 'acme/plant-network';
const TOKEN = 'ghs_anchorTokenThatMustNeverLeak0123456789';

const repositories: TestRepository[] = [];
const outputs: CliResult[] = [];
let template: TestRepository;
let standIn: GitHubStandIn;
/** The three records as netchange wrote them (record #1 approved by alice). */
let written: EvidenceRecord[];

beforeAll(async () => {
  standIn = await startGitHubStandIn({ token: TOKEN });
  template = await createRepository({ 'changes/chg-1.yaml': 'id: CHG-1\n' });
  await template.commit('initial');
  for (const id of ['CHG-1', 'CHG-2', 'CHG-3']) {
    await appendEvidence(
      template.root,
      evidenceDraft({
        proposal: { id, file: `changes/${id.toLowerCase()}.yaml`, blob: null },
        approvers: [{ user: 'alice', team: 'netops', role: 'accountable' }],
      }),
    );
  }
  written = await readEvidence(template.root);
});

afterEach(async () => {
  expect(standIn.violations).toEqual([]);
  await Promise.all(repositories.splice(0).map((repository) => repository.remove()));
});

afterAll(async () => {
  for (const output of outputs) expect(`${output.stdout}${output.stderr}`).not.toContain(TOKEN);
  await standIn.close();
  await template.remove();
});

/** A copy of the template: three records on the evidence branch. */
async function repositoryWithEvidence(): Promise<TestRepository> {
  return copyRepository(template, repositories);
}

async function verify(repository: TestRepository, args: string[] = []): Promise<CliResult> {
  const result = await runCli(['audit', 'verify', '--no-fetch', ...args], {
    cwd: repository.root,
    env: { GITHUB_API_URL: standIn.url, GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: REPOSITORY },
  });
  outputs.push(result);
  return result;
}

function expectation(record: EvidenceRecord | undefined): string {
  return `${record?.sequence}:sha256:${record?.hash}`;
}

const toMallory = (files: EvidenceFiles) =>
  forgeChain(files, (first) => {
    first.approvers = [{ user: 'mallory', team: 'netops', role: 'accountable' }];
  });

describe('evidence is append-only', () => {
  it('refuses a fast-forward commit that rewrote record #1 with recomputed hashes and re-announced trailers, naming the commit', async () => {
    const repository = await repositoryWithEvidence();
    const commit = await tamperByHand(repository.root, toMallory, { reannounce: true });

    const result = await verify(repository);

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      `evidence chain broken: commit ${commit.slice(0, 12)} changed record #1 (records/0000000001.json): evidence commits may only add the next record`,
    );
    expect(result.stdout).toContain(`problem: rewritten at record #1 (commit ${commit})`);
    expect((await readEvidence(repository.root))[0]?.approvers[0]?.user).toBe('mallory');
  });

  it('names the commit that rewrote record #1 while adding record #4, so its shape looked right', async () => {
    const repository = await repositoryWithEvidence();
    const record4 = written[2] ? { ...written[2], sequence: 4 } : undefined;
    const commit = await tamperByHand(
      repository.root,
      (files) => {
        toMallory(files);
        files.set('records/0000000004.json', `${JSON.stringify(record4)}\n`);
      },
      { reannounce: true },
    );

    const result = await verify(repository);

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`commit ${commit.slice(0, 12)} changed record #1`);
  });

  it('refuses a commit that puts a file other than a record on the evidence branch', async () => {
    const repository = await repositoryWithEvidence();
    const commit = await tamperByHand(repository.root, (files) => {
      files.set('records/README.md', 'nothing to see\n');
    });

    const result = await verify(repository);

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      `commit ${commit.slice(0, 12)} added records/README.md, which is not a record: the evidence branch holds records only`,
    );
  });
});

describe('evidence is anchored', () => {
  it('catches a rewind (the branch reset to an older commit) against an --expect anchor', async () => {
    const repository = await repositoryWithEvidence();
    await repository.git.raw(['update-ref', EVIDENCE_REF, `${EVIDENCE_REF}~1`]);

    const unanchored = await verify(repository);
    const anchored = await verify(repository, ['--expect', expectation(written[2])]);

    expect(unanchored.exitCode).toBe(0);
    expect(unanchored.stdout).toContain('evidence chain intact: 2 record(s)');
    expect(anchored.exitCode).toBe(1);
    expect(anchored.stdout).toContain('evidence chain does not hold 1 of 1 published anchor(s):');
    expect(anchored.stdout).toContain(
      `anchor #3 sha256:${written[2]?.hash} (--expect ${expectation(written[2])}) is not in the chain, which ends at #2: records were removed or the evidence branch was reset`,
    );
  });

  it('catches the last record dropped from a rebuilt history against an --expect anchor', async () => {
    const repository = await repositoryWithEvidence();
    await rebuildHistory(repository.root, (files) => void files.delete('records/0000000003.json'), {
      trailers: 'original',
    });

    const result = await verify(repository, ['--expect', expectation(written[2])]);

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`anchor #3 sha256:${written[2]?.hash}`);
    expect(result.stdout).toContain('is not in the chain, which ends at #2');
  });

  it('catches a wholesale rewritten history (approver of #1 changed, every hash and trailer consistent) against anchors', async () => {
    const repository = await repositoryWithEvidence();
    await rebuildHistory(repository.root, toMallory, { trailers: 'recomputed' });
    const forged = await readEvidence(repository.root);

    const unanchored = await verify(repository);
    const anchored = await verify(repository, [
      '--expect',
      expectation(written[0]),
      '--expect',
      `2:${written[1]?.hash}`,
    ]);

    expect(forged[0]?.approvers[0]?.user).toBe('mallory');
    expect(unanchored.exitCode).toBe(0);
    expect(anchored.exitCode).toBe(1);
    expect(anchored.stdout).toContain('evidence chain does not hold 2 of 2 published anchor(s):');
    expect(anchored.stdout).toContain(
      `anchor #1 sha256:${written[0]?.hash} (--expect ${expectation(written[0])}) does not match: the chain holds sha256:${forged[0]?.hash} at #1, so the history was rewritten`,
    );
    expect(anchored.stdout).toContain(
      `anchor #2 sha256:${written[1]?.hash} (--expect 2:${written[1]?.hash})`,
    );
  });

  it('passes an intact chain that holds every anchor', async () => {
    const repository = await repositoryWithEvidence();

    const result = await verify(repository, [
      '--expect',
      expectation(written[0]),
      '--expect',
      expectation(written[2]),
    ]);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(
      `evidence chain intact: 3 record(s), last #3 sha256:${written[2]?.hash}; holds all 2 anchor(s)`,
    );
  });

  it('rejects an --expect that is not SEQUENCE:HASH as a usage error', async () => {
    const repository = await repositoryWithEvidence();

    const result = await verify(repository, ['--expect', '3:abc']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("--expect '3:abc' is not SEQUENCE:HASH");
  });

  it('audit verify --github reads the anchors of an apply comment and a digest issue from GitHub', async () => {
    const name = `acme/anchored-${Date.now()}`;
    standIn.createRepository(name);
    standIn.createPullRequest(name, { number: 5, headSha: 'c'.repeat(40), author: 'dana' });
    const state = standIn.repository(name);
    state.comments.push({
      id: 9001,
      issue: 5,
      body: `### netchange apply: ✅ CHG-3 applied\n\n${anchorBlock({ sequence: 3, hash: written[2]?.hash ?? '' })}\n`,
      user: 'github-actions[bot]',
      createdAt: '2026-11-22T08:00:00Z',
      updatedAt: '2026-11-22T08:00:00Z',
    });
    standIn.createIssue(name, {
      title: 'netchange digest 2026-11-21',
      body: anchorBlock({ sequence: 2, hash: written[1]?.hash ?? '' }),
      labels: [DIGEST_LABEL],
      state: 'closed',
    });
    const intact = await repositoryWithEvidence();
    const rewritten = await repositoryWithEvidence();
    await rebuildHistory(rewritten.root, toMallory, { trailers: 'recomputed' });
    const env = { GITHUB_REPOSITORY: name };

    const good = await runCli(['audit', 'verify', '--no-fetch', '--github'], {
      cwd: intact.root,
      env: { GITHUB_API_URL: standIn.url, GITHUB_TOKEN: TOKEN, ...env },
    });
    const bad = await runCli(['audit', 'verify', '--no-fetch', '--github'], {
      cwd: rewritten.root,
      env: { GITHUB_API_URL: standIn.url, GITHUB_TOKEN: TOKEN, ...env },
    });
    outputs.push(good, bad);

    expect(good.exitCode).toBe(0);
    expect(good.stderr).toContain(`2 anchor(s) found on ${name}`);
    expect(good.stdout).toContain('holds all 2 anchor(s)');
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toContain('evidence chain does not hold 2 of 2 published anchor(s):');
    expect(bad.stdout).toContain(
      `anchor #3 sha256:${written[2]?.hash} (comment https://github.com/${name}/pull/5#issuecomment-9001) does not match`,
    );
    expect(bad.stdout).toContain(`anchor #2 sha256:${written[1]?.hash} (digest issue #6) does not match`);
  });
});

describe('evidence on the branch netchange-evidence', () => {
  it('moves evidence from refs/netchange/evidence to the branch on the first verify, says so, and keeps the old ref', async () => {
    const repository = await repositoryWithEvidence();
    const tip = (await repository.git.raw(['rev-parse', EVIDENCE_REF])).trim();
    await repository.git.raw(['update-ref', LEGACY_EVIDENCE_REF, tip]);
    await repository.git.raw(['update-ref', '-d', EVIDENCE_REF]);

    const result = await verify(repository);
    await appendEvidence(repository.root, evidenceDraft(), { remote: false });

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(
      `note: evidence moved to the branch refs/heads/netchange-evidence (created at ${tip.slice(0, 12)}, the tip of refs/netchange/evidence`,
    );
    expect(result.stdout).toContain('evidence chain intact: 3 record(s)');
    expect((await repository.git.raw(['rev-parse', LEGACY_EVIDENCE_REF])).trim()).toBe(tip);
    expect((await repository.git.raw(['rev-parse', `${EVIDENCE_REF}~1`])).trim()).toBe(tip);
    expect((await readEvidence(repository.root)).map((record) => record.sequence)).toEqual([1, 2, 3, 4]);
  });

  it('appends onto a remote that still has only refs/netchange/evidence by creating its branch there', async () => {
    const origin = await repositoryWithEvidence();
    const tip = (await origin.git.raw(['rev-parse', EVIDENCE_REF])).trim();
    await origin.git.raw(['update-ref', LEGACY_EVIDENCE_REF, tip]);
    await origin.git.raw(['update-ref', '-d', EVIDENCE_REF]);
    const runner = await createRepository();
    repositories.push(runner);
    await runner.git.raw(['remote', 'add', 'origin', origin.root]);

    const appended = await appendEvidence(runner.root, evidenceDraft());
    const digest = await runCli(
      ['digest', '--since', '2000-01-01T00:00:00Z', '--until', '2030-01-01T00:00:00Z'],
      {
        cwd: runner.root,
      },
    );

    expect(appended.sequence).toBe(4);
    expect((await origin.git.raw(['rev-parse', `${EVIDENCE_REF}~1`])).trim()).toBe(tip);
    expect((await origin.git.raw(['rev-parse', LEGACY_EVIDENCE_REF])).trim()).toBe(tip);
    expect(digest.exitCode).toBe(0);
    expect(digest.stdout).toContain('4 changes');
  });
});

describe('anchors published on GitHub', () => {
  it('digest --post puts the chain head in the day issue, and audit verify --github catches a rewind against it', async () => {
    const name = `acme/digest-anchor-${Date.now()}`;
    standIn.createRepository(name);
    const repository = await repositoryWithEvidence();
    const env = { GITHUB_API_URL: standIn.url, GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: name };

    const posted = await runCli(
      [
        'digest',
        '--no-fetch',
        '--post',
        '--since',
        '2026-11-22T00:00:00Z',
        '--until',
        '2026-11-22T12:00:00Z',
      ],
      { cwd: repository.root, env },
    );
    const issue = [...standIn.repository(name).issues.values()][0];
    const intact = await runCli(['audit', 'verify', '--no-fetch', '--github'], { cwd: repository.root, env });
    await repository.git.raw(['update-ref', EVIDENCE_REF, `${EVIDENCE_REF}~2`]);
    const rewound = await runCli(['audit', 'verify', '--no-fetch', '--github'], {
      cwd: repository.root,
      env,
    });
    outputs.push(posted, intact, rewound);

    expect(posted.exitCode).toBe(0);
    expect(issue?.body).toContain(`<!-- netchange-evidence-head: 3 sha256:${written[2]?.hash} -->`);
    expect(issue?.body).toContain(`Evidence chain head: record #3 \`sha256:${written[2]?.hash}\``);
    expect(intact.exitCode).toBe(0);
    expect(intact.stdout).toContain('holds all 1 anchor(s)');
    expect(rewound.exitCode).toBe(1);
    expect(rewound.stdout).toContain(
      `anchor #3 sha256:${written[2]?.hash} (digest issue #${issue?.number}) is not in the chain, which ends at #1`,
    );
  });

  it('the check run summary carries the chain head without changing what decides a re-post', () => {
    const head = { sequence: 42, hash: 'e'.repeat(64) };

    const plain = composeReport({ reportMarkdown: '## all good' });
    const anchored = composeReport({ reportMarkdown: '## all good', evidenceHead: head });

    expect(anchored.check.output.summary).toContain(
      `<!-- netchange-evidence-head: 42 sha256:${'e'.repeat(64)} -->`,
    );
    expect(anchored.check.output.summary).toContain('netchange audit verify --expect 42:sha256:');
    expect(anchored.contentHash).toBe(plain.contentHash);
    expect(findAnchors(anchored.check.output.summary)).toEqual([head]);
  });
});
