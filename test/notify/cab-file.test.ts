/**
 * `notify --from cab --file`: the pack `netchange cab` wrote is announced card by card (each line says
 * which change it is about) with its schedule counted, and a file that is not a pack is a usage error
 * (exit 2) with a hint, never another document posted as the pack or an internal error.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const MEETING = '2026-11-23T15:00:00-06:00';

let repository: TestRepository;

beforeAll(async () => {
  repository = await createRepository({}, { fromExample: true });
  await repository.commit('the plant example');
  const pack = await runCli(['cab', '--meeting', MEETING, '--no-fetch'], { cwd: repository.root });
  expect(pack.exitCode).toBe(0);
  await writeFile(path.join(repository.root, 'cab.md'), pack.stdout);
  const json = await runCli(['cab', '--meeting', MEETING, '--no-fetch', '--format', 'json'], {
    cwd: repository.root,
  });
  await writeFile(path.join(repository.root, 'cab.json'), json.stdout);
  const validate = await runCli(['validate', '--at', '2026-11-23T00:00:00Z', '--format', 'json'], {
    cwd: repository.root,
  });
  await writeFile(path.join(repository.root, 'validate.json'), validate.stdout);
  await writeFile(path.join(repository.root, 'other.json'), '{"title":"x","a":[1]}');
  await writeFile(
    path.join(repository.root, 'half.json'),
    '{"schemaVersion":1,"meeting":"2026-12-10T00:00:00Z","toAssess":[],"failures":[]}',
  );
});

afterAll(async () => {
  await repository?.remove();
});

interface SlackSection {
  type: string;
  text?: { text: string };
}

describe('notify --from cab --file PACK.md', () => {
  it('gives each card one line that starts with its change, and counts the schedule', async () => {
    const markdown = await readFile(path.join(repository.root, 'cab.md'), 'utf8');
    const cards = [...markdown.matchAll(/^##### (CHG-\S+)/gm)].map((match) => match[1]);
    const rows = markdown.split('\n').filter((line) => /^\| .*\*\*CHG-/.test(line)).length;
    expect(cards.length).toBeGreaterThan(1);

    const result = await runCli(
      ['notify', '--to', 'slack', '--from', 'cab', '--file', 'cab.md', '--dry-run'],
      {
        cwd: repository.root,
      },
    );

    expect(result.exitCode).toBe(0);
    const payload = JSON.parse(result.stdout) as { text: string; blocks: SlackSection[] };
    expect(payload.text).toContain(`To assess (${cards.length}): ${cards.length}`);
    expect(payload.text).toMatch(new RegExp(`Schedule: [^;]*: ${rows}\\.`));
    const assess =
      payload.blocks.find((block) => block.text?.text.startsWith('*To assess'))?.text?.text ?? '';
    const lines = assess.split('\n').slice(1);
    expect(lines.map((line) => /^• (CHG-\S+) — state: /.exec(line)?.[1])).toEqual(cards);
  });
});

describe('notify --from cab --file PACK.json', () => {
  it('posts a pack netchange cab wrote', async () => {
    const result = await runCli(
      ['notify', '--to', 'teams', '--from', 'cab', '--file', 'cab.json', '--dry-run'],
      {
        cwd: repository.root,
      },
    );

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('To assess');
  });

  it.each([
    ['validate.json', "it has no 'meeting' time"],
    ['other.json', "it has no 'schemaVersion: 1'"],
    ['half.json', "it has no 'emergencies' list"],
  ])('refuses %s, which is not a pack, with exit 2 and a hint', async (file, problem) => {
    const result = await runCli(['notify', '--to', 'slack', '--from', 'cab', '--file', file, '--dry-run'], {
      cwd: repository.root,
    });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`${file} is not a CAB pack: ${problem}`);
    expect(result.stderr).toContain('netchange cab --format json --output FILE');
    expect(result.stdout).toBe('');
  });
});
