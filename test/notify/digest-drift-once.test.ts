/**
 * The morning digest counts and lists each target that changed outside netchange once, as it stands
 * at the end of the night, however many drift records the night wrote for it: a drift whose diff
 * changed, or one that was fixed and came back.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftEvidenceRecord } from '../../src/audit/index.js';
import type { DetectedTarget } from '../../src/drift/model.js';
import { recordDriftRun } from '../support/drift-runs.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const NIGHT = ['--since', '2026-11-21T20:00:00Z', '--until', '2026-11-22T14:00:00Z', '--no-fetch'];
const COST_50 = '--- running\n+++ intended\n-  ip ospf cost 50\n+  ip ospf cost 10\n';
const COST_70 = '--- running\n+++ intended\n-  ip ospf cost 70\n+  ip ospf cost 10\n';
const SHUTDOWN = '--- running\n+++ intended\n-  shutdown\n+  no shutdown\n';

let repository: TestRepository;

function seen(target: string, diff: string): DetectedTarget {
  return {
    target,
    kind: 'ansible',
    status: diff ? 'drifted' : 'in-sync',
    diff,
    digest: createHash('sha256').update(diff).digest('hex'),
    ignored: [],
    source: { playbook: 'playbooks/switches.yaml' },
  };
}

async function driftRun(at: string, targets: DetectedTarget[]): Promise<void> {
  await recordDriftRun(repository.root, at, targets);
}

// The night of 2026-11-21/22 (America/Chicago, UTC-6): someone edits sw-berlin-01 at 01:00Z and
// edits it again at 03:00Z; sw-berlin-02 drifts once; sw-berlin-03 drifts, is fixed, and drifts again.
beforeAll(async () => {
  repository = await createRepository({
    'netchange.yaml': 'apiVersion: netchange/v1\nkind: Config\ndefaults: {timezone: America/Chicago}\n',
  });
  await repository.commit('initial');
  await driftRun('2026-11-22T01:00:00Z', [
    seen('sw-berlin-01', COST_50),
    seen('sw-berlin-02', SHUTDOWN),
    seen('sw-berlin-03', SHUTDOWN),
  ]);
  await driftRun('2026-11-22T02:00:00Z', [seen('sw-berlin-03', '')]);
  await driftRun('2026-11-22T03:00:00Z', [seen('sw-berlin-01', COST_70)]);
  await driftRun('2026-11-22T04:00:00Z', [seen('sw-berlin-03', SHUTDOWN)]);
});

afterAll(async () => {
  await repository?.remove();
});

describe('netchange digest with a drift that changed during the night', () => {
  it('counts three drifted targets, lists each once with its latest diff and says it changed (text)', async () => {
    const result = await runCli(['digest', ...NIGHT], { cwd: repository.root });

    const text = result.stdout;
    expect(result.exitCode).toBe(0);
    expect(text).toContain('changed outside netchange: 3 detected, 0 resolved');
    expect(text).toContain('== Changed outside netchange (3) ==');
    for (const target of ['sw-berlin-01', 'sw-berlin-02', 'sw-berlin-03'])
      expect(text.match(new RegExp(`DRIFT {2}${target} `, 'g'))).toHaveLength(1);
    expect(text).toContain(
      'changed:        the drift changed, checked Sat 21 Nov 2026 21:00 CST (22 Nov 03:00Z)',
    );
    expect(text).toContain('    -  ip ospf cost 70');
    expect(text).not.toContain('ip ospf cost 50');
    expect(text).toContain('first seen:     Sat 21 Nov 2026 22:00 CST (22 Nov 04:00Z)');
  });

  it('says the same in markdown', async () => {
    const result = await runCli(['digest', ...NIGHT, '--format', 'markdown'], { cwd: repository.root });

    expect(result.stdout).toContain('changed outside netchange: 3 detected, 0 resolved');
    expect(result.stdout).toContain('### Changed outside netchange (3)');
    expect(result.stdout.match(/#### DRIFT {2}sw-berlin-01 /g)).toHaveLength(1);
  });

  it('gives each target once in JSON: its last record of the night', async () => {
    const result = await runCli(['digest', ...NIGHT, '--format', 'json'], { cwd: repository.root });

    const digest = JSON.parse(result.stdout) as { changedOutside: DriftEvidenceRecord[] };
    expect(digest.changedOutside.map((record) => [record.target.name, record.checkedAt])).toEqual([
      ['sw-berlin-02', '2026-11-22T01:00:00Z'],
      ['sw-berlin-01', '2026-11-22T03:00:00Z'],
      ['sw-berlin-03', '2026-11-22T04:00:00Z'],
    ]);
  });

  it('counts and lists three targets in the Slack message', async () => {
    const result = await runCli(['notify', '--to', 'slack', '--from', 'digest', '--dry-run', ...NIGHT], {
      cwd: repository.root,
    });

    const payload = JSON.parse(result.stdout) as {
      text: string;
      blocks: { fields?: { text: string }[]; text?: { text: string } }[];
    };
    expect(payload.text).toContain('changed outside netchange: 3 detected, 0 resolved');
    const fields = payload.blocks.flatMap((block) => block.fields ?? []).map((field) => field.text);
    expect(fields).toContain('*Changed outside netchange*\n3');
    const outside = payload.blocks.find((block) => block.text?.text.startsWith('*Changed outside'))?.text;
    expect(outside?.text.split('\n').slice(1)).toEqual([
      '• DRIFT  sw-berlin-02 (ansible) out-of-band',
      '• DRIFT  sw-berlin-01 (ansible) out-of-band',
      '• DRIFT  sw-berlin-03 (ansible) out-of-band',
    ]);
  });
});
