/**
 * Text from a proposal or a tool reaches the other team's chat as text: Teams (which renders
 * Markdown in an Adaptive Card) shows no link or emphasis it wrote, and neither chat receives a raw
 * control or bidirectional character.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvidence } from '../../src/audit/index.js';
import { escapeTeamsMarkdown } from '../../src/notify/teams.js';
import { evidenceDraft } from '../audit/drafts.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';
import { checkSlackPayload, checkTeamsPayload } from './webhook-receiver.js';

const MARKUP = '[Approve here](https://evil.example/approve) **URGENT**';
const CONTROL = 'rolled \u202Ekcab\u001b[2J done\u0007';
// biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for them.
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const NIGHT = ['--since', '2026-11-21T20:00:00Z', '--until', '2026-11-22T14:00:00Z', '--no-fetch'];
const RUN_DIR = '.netchange/runs/2026-11-22T08-00-00.000Z';

let repository: TestRepository;

beforeAll(async () => {
  repository = await createRepository({
    'netchange.yaml': 'apiVersion: netchange/v1\nkind: Config\n',
  });
  await repository.commit('initial');
  await appendEvidence(
    repository.root,
    evidenceDraft({
      proposal: { ...evidenceDraft().proposal, title: `${MARKUP} ${CONTROL}` },
      outcome: 'failed',
      startedAt: '2026-11-22T08:00:00Z',
      finishedAt: '2026-11-22T08:20:00Z',
      verification: { status: 'not-run' },
      rollback: { status: 'failed', message: CONTROL },
    }),
  );
  await mkdir(path.join(repository.root, RUN_DIR), { recursive: true });
  await writeFile(
    path.join(repository.root, RUN_DIR, 'result.json'),
    JSON.stringify({
      schemaVersion: 1,
      kind: 'NetchangeApplyResult',
      proposal: { file: 'changes/chg-1.yaml', id: 'CHG-1', title: MARKUP, type: 'normal', risk: 'low' },
      outcome: 'failed',
      message: CONTROL,
      actor: 'www.evil.example',
      startedAt: '2026-11-22T08:00:00Z',
      finishedAt: '2026-11-22T08:20:00Z',
      steps: [],
      verification: [],
      rollback: [],
    }),
  );
});

afterAll(async () => {
  await repository?.remove();
});

/** Every string in a JSON payload. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe.each([
  ['apply-result', ['--run-dir', RUN_DIR]],
  ['digest', NIGHT],
])('notify --from %s', (source, flags) => {
  it('gives Teams the text as text: no link, no emphasis, no bare address it would link', async () => {
    const result = await runCli(['notify', '--to', 'teams', '--from', source, ...flags, '--dry-run'], {
      cwd: repository.root,
    });

    expect(result.exitCode).toBe(0);
    const payload = JSON.parse(result.stdout);
    expect(checkTeamsPayload(payload)).toEqual([]);
    const texts = strings(payload).join('\n');
    expect(texts).toContain('\\[Approve here\\](https\u200b://evil.example/approve) \\*\\*URGENT\\*\\*');
    expect(texts).not.toMatch(/[^\\]\]\(|(^|[^\\])\*\*|https?:\/\/evil/);
  });

  it.each(['slack', 'teams'])('sends %s no raw control or bidirectional character', async (chat) => {
    const result = await runCli(['notify', '--to', chat, '--from', source, ...flags, '--dry-run'], {
      cwd: repository.root,
    });

    expect(result.exitCode).toBe(0);
    const payload = JSON.parse(result.stdout);
    expect(chat === 'slack' ? checkSlackPayload(payload) : checkTeamsPayload(payload)).toEqual([]);
    for (const text of strings(payload)) expect(text).not.toMatch(RAW_CONTROL);
    expect(strings(payload).join('\n')).toMatch(/rolled \\?(<|&lt;)U\+202E\\?(>|&gt;)kcab␛/);
  });
});

describe('escapeTeamsMarkdown', () => {
  it.each([
    [
      '[Approve here](https://evil.example/approve)',
      '\\[Approve here\\](https\u200b://evil.example/approve)',
    ],
    ['**URGENT** _now_ ~~x~~ `code`', '\\*\\*URGENT\\*\\* \\_now\\_ \\~\\~x\\~\\~ \\`code\\`'],
    ['# heading', '\\# heading'],
    ['- item', '\\- item'],
    ['1. first', '1\\. first'],
    ['> quote <b>', '\\> quote \\<b\\>'],
    ['see www.evil.example', 'see www\u200b.evil.example'],
    ['CHG-12 add VLAN 40 at plant-a', 'CHG-12 add VLAN 40 at plant-a'],
  ])('shows %j as written', (text, escaped) => {
    expect(escapeTeamsMarkdown(text)).toBe(escaped);
  });
});
