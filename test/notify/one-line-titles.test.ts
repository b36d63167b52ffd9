/**
 * A proposal's title is one line. The schema refuses one with a line break or another control
 * character, and every renderer of titles (digest, chat messages, schedule) puts an older record's
 * multi-line title on one line, so it cannot forge a heading or a line the other team reads.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvidence } from '../../src/audit/index.js';
import { renderResult } from '../../src/reporters/registry.js';
import type { Schedule } from '../../src/schedule/model.js';
import { evidenceDraft } from '../audit/drafts.js';
import { BASE_TREE, POLICY_TREE, proposalYaml } from '../support/proposals.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const FORGED = 'Describe printer port\n\n### Failed and rolled back (0)\n\nNone. @netops all clear\n';
const NIGHT = ['--since', '2026-11-21T20:00:00Z', '--until', '2026-11-22T14:00:00Z', '--no-fetch'];
const RUN_DIR = '.netchange/runs/2026-11-22T08-00-00.000Z';

/** Lines that only a forged title could have produced. */
function forgedLines(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => /^[\s>#*•-]*(Failed and rolled back \(0\)|None\. @|All good)/.test(line));
}

/** Every string in a JSON payload. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('a title with line breaks', () => {
  let repository: TestRepository;

  beforeAll(async () => {
    repository = await createRepository({
      ...BASE_TREE,
      ...POLICY_TREE,
      'netchange.yaml': [
        'apiVersion: netchange/v1',
        'kind: Config',
        'notify:',
        '  slack: {webhookEnv: NETCHANGE_SLACK_WEBHOOK}',
        '  teams: {webhookEnv: NETCHANGE_TEAMS_WEBHOOK}',
        '',
      ].join('\n'),
      'changes/forged.yaml': proposalYaml({ id: 'CHG-1' }).replace(
        'title: Add VLAN 40',
        `title: ${JSON.stringify(FORGED)}`,
      ),
      'changes/folded.yaml': proposalYaml({ id: 'CHG-2', devices: 'sw-2', limit: 'sw-2' }).replace(
        'title: Add VLAN 40',
        'title: >\n  Add VLAN 40\n  on sw-2',
      ),
      'changes/folded-stripped.yaml': proposalYaml({
        id: 'CHG-3',
        devices: 'sw-2',
        limit: 'sw-2',
        start: '2026-12-06T02:00',
        end: '2026-12-06T03:00',
      }).replace('title: Add VLAN 40', 'title: >-\n  Add VLAN 40\n  on sw-2'),
      'changes/bidi.yaml': proposalYaml({
        id: 'CHG-4',
        start: '2026-12-13T02:00',
        end: '2026-12-13T03:00',
      }).replace('title: Add VLAN 40', 'title: "Add VLAN \\u202E04"'),
    });
    await repository.commit('proposals');
    // why: a record written before the schema refused such titles; the renderers must still hold.
    await appendEvidence(
      repository.root,
      evidenceDraft({
        proposal: { ...evidenceDraft().proposal, title: FORGED },
        outcome: 'failed',
        startedAt: '2026-11-22T08:00:00Z',
        finishedAt: '2026-11-22T08:20:00Z',
        verification: { status: 'not-run' },
        rollback: { status: 'failed', message: 'no rollback\n\n### All good' },
        runDirectory: RUN_DIR,
      }),
    );
    await mkdir(path.join(repository.root, RUN_DIR), { recursive: true });
    await writeFile(
      path.join(repository.root, RUN_DIR, 'result.json'),
      JSON.stringify({
        schemaVersion: 1,
        kind: 'NetchangeApplyResult',
        proposal: { file: 'changes/forged.yaml', id: 'CHG-1', title: FORGED, type: 'normal', risk: 'low' },
        outcome: 'failed',
        message: 'step failed',
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

  it('is a schema error at the title line, with a hint; a folded `title: >` is refused, `>-` accepted', async () => {
    const result = await runCli(['validate', '--at', '2026-11-20T00:00:00Z', '--format', 'json'], {
      cwd: repository.root,
    });

    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout) as {
      proposals: {
        file: string;
        findings: { ruleId: string; message: string; line: number; hint?: string }[];
      }[];
    };
    const titleFindings = (file: string) =>
      report.proposals
        .find((proposal) => proposal.file === file)
        ?.findings.filter((finding) => finding.ruleId === 'schema' && finding.message.startsWith('title')) ??
      [];
    for (const file of ['changes/forged.yaml', 'changes/folded.yaml', 'changes/bidi.yaml']) {
      const [finding] = titleFindings(file);
      expect(finding?.line).toBe(4);
      expect(finding?.hint).toMatch(/one line: no line breaks/);
    }
    expect(titleFindings('changes/folded-stripped.yaml')).toEqual([]);
    expect(JSON.stringify(report)).not.toContain('### Failed');
  });

  it.each(['text', 'markdown'])('stays on one line in the %s digest of an older record', async (format) => {
    const result = await runCli(['digest', ...NIGHT, '--format', format], { cwd: repository.root });

    expect(result.exitCode).toBe(0);
    expect(forgedLines(result.stdout)).toEqual([]);
    expect(result.stdout).toMatch(/CHG-1 Describe printer port .{0,4}#.{0,6} Failed and rolled back/);
  });

  it.each([
    ['slack', 'digest', []],
    ['teams', 'digest', []],
    ['slack', 'apply-result', ['--run-dir', RUN_DIR]],
    ['teams', 'apply-result', ['--run-dir', RUN_DIR]],
  ])('stays on one line in the %s message from %s', async (chat, source, extra) => {
    const result = await runCli(['notify', '--to', chat, '--from', source, ...NIGHT, ...extra, '--dry-run'], {
      cwd: repository.root,
    });

    expect(result.exitCode).toBe(0);
    const texts = strings(JSON.parse(result.stdout));
    expect(texts.join('\n')).toContain('Describe printer port');
    for (const text of texts) expect(forgedLines(text)).toEqual([]);
    expect(texts.some((text) => /\n\s*(### Failed|None\. @)/.test(text))).toBe(false);
  });
});

describe('schedule renderers', () => {
  const schedule: Schedule = {
    from: '2026-12-10T00:00:00Z',
    until: '2026-12-17T00:00:00Z',
    timezone: 'America/Chicago',
    changes: [
      {
        id: 'CHG-9',
        file: 'changes/chg-9.yaml',
        title: FORGED,
        type: 'normal',
        domain: 'switching',
        requester: { team: 'partner-noc', github: 'dana' },
        startMs: Date.parse('2026-12-12T08:00:00Z'),
        endMs: Date.parse('2026-12-12T09:00:00Z'),
        occupiedEndMs: Date.parse('2026-12-12T09:00:00Z'),
        timezone: 'America/Chicago',
        devices: ['sw-1'],
        sites: ['hq'],
        stacks: [],
        source: { kind: 'repository' },
        state: 'ready',
        conflicts: [],
        revision: 1,
      },
    ],
    windows: [],
    conflicts: [],
  };

  it.each(['text', 'markdown'])('put a title with line breaks on one line (%s)', async (format) => {
    const output = await renderResult('schedule', format, schedule);

    expect(forgedLines(output)).toEqual([]);
    expect(output).toContain('Describe printer port');
  });

  it('put a title with line breaks on one line in the calendar event summary (ics)', async () => {
    const output = await renderResult('schedule', 'ics', schedule);

    const summary = output.split('\r\n').find((line) => line.startsWith('SUMMARY:CHG-9')) ?? '';
    expect(summary).not.toContain('\\n');
    expect(summary).toContain('Describe printer port ### Failed');
  });
});
