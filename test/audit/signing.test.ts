import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvidence } from '../../src/audit/index.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';
import { evidenceDraft } from './drafts.js';
import { forgeChain, rebuildHistory } from './tamper.js';

let keys: string;
let allowedSigners: string;
let signingKey: string;
const repositories: TestRepository[] = [];

beforeAll(async () => {
  keys = await mkdtemp(path.join(os.tmpdir(), 'netchange-signing-'));
  signingKey = path.join(keys, 'netchange');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'netchange', '-f', signingKey]);
  allowedSigners = path.join(keys, 'allowed-signers');
  await writeFile(allowedSigners, `netchange ${await readFile(`${signingKey}.pub`, 'utf8')}`);
});

afterAll(async () => {
  await Promise.all(repositories.map((repository) => repository.remove()));
  await rm(keys, { recursive: true, force: true });
});

async function signedChain(): Promise<TestRepository> {
  const repository = await createRepository();
  repositories.push(repository);
  for (const id of ['CHG-1', 'CHG-2'])
    await appendEvidence(
      repository.root,
      evidenceDraft({ proposal: { id, file: `changes/${id.toLowerCase()}.yaml`, blob: null } }),
      { remote: false, signingKey },
    );
  return repository;
}

describe('signed evidence commits', () => {
  it('signs each evidence commit with the SSH key, and verify accepts the allowed signer', async () => {
    const repository = await signedChain();

    const result = await runCli(['audit', 'verify', '--no-fetch', '--allowed-signers', allowedSigners], {
      cwd: repository.root,
    });

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('evidence chain intact: 2 record(s)');
  });

  it('refuses a rewritten history whose commits the allowed signer did not sign, naming the first', async () => {
    const repository = await signedChain();
    await rebuildHistory(
      repository.root,
      (files) =>
        forgeChain(files, (first) => {
          first.approvers = [{ user: 'mallory' }];
        }),
      { trailers: 'recomputed' },
    );
    const first = (
      await repository.git.raw(['rev-list', '--max-parents=0', 'refs/heads/netchange-evidence'])
    ).trim();

    const unsigned = await runCli(['audit', 'verify', '--no-fetch'], { cwd: repository.root });
    const checked = await runCli(['audit', 'verify', '--no-fetch'], {
      cwd: repository.root,
      env: { NETCHANGE_EVIDENCE_ALLOWED_SIGNERS: allowedSigners },
    });

    expect(unsigned.exitCode).toBe(0);
    expect(checked.exitCode).toBe(1);
    expect(checked.stdout).toContain(
      `commit ${first.slice(0, 12)} (record #1) is not signed by an allowed signer (no signature)`,
    );
  });

  it('treats a missing allowed-signers file as a usage error', async () => {
    const repository = await signedChain();

    const result = await runCli(['audit', 'verify', '--no-fetch', '--allowed-signers', 'nowhere'], {
      cwd: repository.root,
    });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--allowed-signers nowhere does not exist');
  });
});
