import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { afterEach, describe, expect, it } from 'vitest';
import { appendEvidence, readEvidence, verifyEvidence } from '../../src/audit/index.js';
import { fetchEvidence } from '../../src/audit/store.js';
import { evidenceDraft } from './drafts.js';

const directories: string[] = [];

afterEach(async () => {
  await Promise.all(
    directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })),
  );
});

async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'netchange-audit-'));
  directories.push(directory);
  return directory;
}

/** A bare remote and `count` clones of it: CI runners sharing one origin. */
async function remoteWithRunners(count: number): Promise<{ remote: string; runners: string[] }> {
  const base = await temporaryDirectory();
  const remote = path.join(base, 'origin.git');
  await simpleGit().raw(['init', '--bare', '--initial-branch=main', remote]);
  const runners: string[] = [];
  for (let index = 0; index < count; index++) {
    const runner = path.join(base, `runner-${index}`);
    await simpleGit().clone(remote, runner);
    runners.push(runner);
  }
  return { remote, runners };
}

function draftFor(id: string) {
  return evidenceDraft({ proposal: { id, file: `changes/${id.toLowerCase()}.yaml`, blob: null } });
}

async function appendInTurn(root: string, ids: readonly string[]): Promise<void> {
  for (const id of ids) await appendEvidence(root, draftFor(id));
}

describe('appending evidence at the same time', () => {
  it('keeps every record when appends race in one repository', async () => {
    const root = await temporaryDirectory();
    await simpleGit({ baseDir: root }).init(['--initial-branch=main']);
    const ids = ['CHG-1', 'CHG-2', 'CHG-3', 'CHG-4', 'CHG-5'];

    const appended = await Promise.all(ids.map((id) => appendEvidence(root, draftFor(id))));

    const stored = await readEvidence(root);
    expect(stored.map((record) => record.sequence)).toEqual([1, 2, 3, 4, 5]);
    expect(stored.map((record) => record.proposal.id).sort()).toEqual(ids);
    expect(appended.map((record) => record.sequence).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(await verifyEvidence(root)).toMatchObject({ ok: true, checked: 5 });
  });

  it('lands every record of two CI runners pushing to one remote, each runner in its own order', async () => {
    const { remote, runners } = await remoteWithRunners(3);
    const [first, second, reader] = runners as [string, string, string];

    await Promise.all([
      appendInTurn(first, ['A-1', 'A-2', 'A-3']),
      appendInTurn(second, ['B-1', 'B-2', 'B-3']),
    ]);

    expect(await fetchEvidence(reader)).toBe(true);
    const ids = (await readEvidence(reader)).map((record) => record.proposal.id);
    expect(ids).toHaveLength(6);
    expect(ids.filter((id) => id.startsWith('A'))).toEqual(['A-1', 'A-2', 'A-3']);
    expect(ids.filter((id) => id.startsWith('B'))).toEqual(['B-1', 'B-2', 'B-3']);
    expect(await verifyEvidence(reader)).toMatchObject({ ok: true, checked: 6 });
    expect(await verifyEvidence(remote)).toMatchObject({ ok: true, checked: 6 });
  });

  it('keeps a record locally when the remote is unreachable and publishes it with the next append', async () => {
    const { remote, runners } = await remoteWithRunners(2);
    const [runner, other] = runners as [string, string];
    await appendEvidence(other, draftFor('CHG-1'));
    const git = simpleGit({ baseDir: runner });
    await git.remote(['set-url', 'origin', path.join(path.dirname(remote), 'gone.git')]);
    const warnings: string[] = [];

    await appendEvidence(runner, draftFor('CHG-2'), { onWarning: (message) => warnings.push(message) });
    await git.remote(['set-url', 'origin', remote]);
    await appendEvidence(runner, draftFor('CHG-3'));

    expect(warnings.join('\n')).toContain('kept on the local refs/heads/netchange-evidence');
    const published = await readEvidence(remote);
    expect(published.map((record) => [record.sequence, record.proposal.id])).toEqual([
      [1, 'CHG-1'],
      [2, 'CHG-2'],
      [3, 'CHG-3'],
    ]);
    expect(await verifyEvidence(remote)).toMatchObject({ ok: true, checked: 3 });
  });
});
