/**
 * A GitHub that does not answer at all (nothing listens, the network is down) is not a GitHub that
 * answered 500: the error says the request could not be made and points at the network and
 * GITHUB_API_URL, still exit 3.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const TOKEN = 'ghp_plantedTokenForTheUnreachableTest0123456';

let repository: TestRepository;
let closedUrl: string;

/** A local port that was just free and is closed again: a connection to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

beforeAll(async () => {
  repository = await createRepository({}, { fromExample: true, onlyChanges: 'chg-0142' });
  await repository.commit('example');
  closedUrl = `http://127.0.0.1:${await closedPort()}`;
});
afterAll(async () => {
  await repository.remove();
});

describe('a GitHub API nobody answers at', () => {
  it.each([
    [['comment', '--pr', '42'], 'could not read pull request #42'],
    [['validate', '--github', '--pr', '42'], 'could not read pull request #42'],
    [['schedule', '--github'], 'could not list the open pull requests'],
    [
      ['digest', '--post'],
      'could not post the digest: could not list the open issues labelled netchange-digest',
    ],
  ])('netchange %j says it could not connect and to check the network (exit 3)', async (args, what) => {
    const result = await runCli(args, {
      cwd: repository.root,
      env: {
        GITHUB_TOKEN: TOKEN,
        GITHUB_REPOSITORY: 'acme/net',
        GITHUB_API_URL: closedUrl,
        // why: a refused connection is retried like a 5xx; one attempt is enough to see the message.
        NETCHANGE_GITHUB_RETRIES: '0',
      },
    });

    expect(result.exitCode, result.stderr).toBe(3);
    expect(result.stderr).toContain(`error: ${what}`);
    expect(result.stderr).toContain('ECONNREFUSED');
    expect(result.stderr).toContain('Check the network and GITHUB_API_URL');
    expect(result.stderr).not.toMatch(/refused to|\b500\b|failed after retries/);
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN);
  });
});
