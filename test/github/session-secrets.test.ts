/**
 * What a GitHub session posts (the report comment and the check run) goes through a redactor that
 * knows the secrets netchange.yaml names, and is redacted before it is cut to GitHub's limits: a
 * proposal titled after the new OSPF key, or a report long enough to be cut, never posts a secret
 * or a piece of one. Real octokit over HTTP to the local GitHub stand-in.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GITHUB_LIMITS } from '../../src/github/limits.js';
import { openGitHubSession, publishReport } from '../../src/github/publish.js';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';

const REPOSITORY = 'acme/plant-network';
const TOKEN = 'ghs_plantedTokenThatMustNeverLeak0123456789';
const PULL = 71;
/** In secrets.env only: nothing in its name says it is secret. */
const OSPF_KEY = 'ospfK3y-77';
/** Named like a secret, so every redactor knows it, with or without the configuration. */
const RING_SECRET = 'r1ng-S3cret-Qz7Lm2Np4Xw8Vb6Tc1Yh5Ja9Ke3Gd0';

let standIn: GitHubStandIn;
let clone: string;
let runDirectory: string;

/** A session on PULL whose configuration names OSPF_KEY in secrets.env. */
function session() {
  return openGitHubSession({
    env: {
      GITHUB_API_URL: standIn.url,
      GITHUB_TOKEN: TOKEN,
      GITHUB_REPOSITORY: REPOSITORY,
      OSPF_KEY,
      PLANT_RING_SECRET: RING_SECRET,
    },
    pullNumber: PULL,
    config: { clone, locate: () => ({ line: 1, column: 1 }), secrets: { env: ['OSPF_KEY'] } },
  });
}

/** Everything the stand-in holds for the pull request: the comment and every check run. */
function posted(): string {
  return [
    ...standIn.comments(REPOSITORY, PULL).map((comment) => comment.body),
    JSON.stringify(standIn.repository(REPOSITORY).checkRuns),
  ].join('\n');
}

beforeAll(async () => {
  standIn = await startGitHubStandIn({ token: TOKEN });
  standIn.createRepository(REPOSITORY);
  standIn.createPullRequest(REPOSITORY, { number: PULL, headSha: 'c'.repeat(40), author: 'dana' });
  clone = await mkdtemp(path.join(os.tmpdir(), 'netchange-session-'));
  runDirectory = path.join(clone, 'run');
});

afterEach(() => {
  expect(standIn.violations).toEqual([]);
});

afterAll(async () => {
  await standIn.close();
  await rm(clone, { recursive: true, force: true });
});

describe('a GitHub session posting a report', () => {
  it('redacts a value secrets.env names from the comment and the check run', async () => {
    await publishReport(await session(), {
      reportMarkdown: `### CHG-0160 OSPF key rotation to ${OSPF_KEY}\n\nThe area 0 key becomes ${OSPF_KEY}.`,
      runDirectory,
    });

    expect(posted()).toContain('OSPF key rotation to [REDACTED]');
    expect(posted()).not.toContain(OSPF_KEY);
  });

  it("redacts the report before cutting it to GitHub's limits, so no piece of a secret is posted", async () => {
    // why: one line far over the comment limit, nearly all of it secrets: wherever GitHub's limits
    // cut it, the cut falls inside a secret unless the text was redacted first.
    const unit = `ring ${RING_SECRET} `;
    const line = unit.repeat(Math.ceil((GITHUB_LIMITS.body * 1.2) / unit.length));

    await publishReport(await session(), { reportMarkdown: `### Ring keys\n\n${line}`, runDirectory });

    expect(posted()).toContain('ring [REDACTED]');
    expect(posted()).not.toContain(RING_SECRET.slice(0, 5));
  });
});
