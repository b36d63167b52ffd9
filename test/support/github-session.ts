import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { type GitHubStandIn, startGitHubStandIn } from './github-stand-in/index.js';
import type { TestRepository } from './repository.js';
import { githubCli } from './run-cli.js';

/** What a test file works with: the stand-in, its repository checkout and the CLI wired to both. */
export interface GitHubSession {
  standIn: GitHubStandIn;
  /** The checkout; the test file's own beforeAll creates it (it is removed after the file). */
  repository: TestRepository;
  cli: ReturnType<typeof githubCli>;
}

/**
 * Registers a test file's GitHub session: a stand-in holding `fullName` started before the file, its
 * requests checked against GitHub's OpenAPI description after each test, and, after the file, no
 * output that shows the token. Call at the top of the file, before its own hooks.
 */
export function useGitHubSession(fullName: string, token: string, actor = 'eli'): GitHubSession {
  const session = {
    cli: githubCli(
      () => ({
        GITHUB_API_URL: session.standIn.url,
        GITHUB_TOKEN: token,
        GITHUB_REPOSITORY: fullName,
        GITHUB_ACTOR: actor,
      }),
      () => session.repository.root,
    ),
  } as GitHubSession;
  beforeAll(async () => {
    session.standIn = await startGitHubStandIn({ token });
    session.standIn.createRepository(fullName);
  });
  afterEach(() => {
    expect(session.standIn.violations).toEqual([]);
  });
  afterAll(async () => {
    for (const output of session.cli.outputs) expect(`${output.stdout}${output.stderr}`).not.toContain(token);
    await session.standIn?.close();
    await session.repository?.remove();
  });
  return session;
}
