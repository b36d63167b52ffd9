import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED } from '../../redact/index.js';
import { parseAnsibleEvents, unifiedDiff } from './parse-events.js';
import { ansiblePlanHash } from './plan-hash.js';
import { toUnsafeYaml } from './run.js';

const line = (event: unknown) => JSON.stringify(event);

describe('parseAnsibleEvents', () => {
  it('builds per-host results with loop items, prepared text, structured diffs and hidden tasks', () => {
    const stdout = [
      line({ event: 'play', name: 'p' }),
      line({
        event: 'result',
        status: 'changed',
        host: 'fw-1',
        play: 'p',
        task: 'Rules',
        result: {
          changed: true,
          results: [
            {
              changed: true,
              label: 'allow-dns',
              diff: { before: '', after: 'rule allow-dns\n', after_header: '/repo/state/fw-1.cfg' },
            },
            { changed: false, label: 'deny-rest' },
          ],
        },
      }),
      line({
        event: 'result',
        status: 'changed',
        host: 'fw-1',
        play: 'p',
        task: 'Mode',
        result: { changed: true, diff: { before: { mode: '0644' }, after: { mode: '0600' } } },
      }),
      line({
        event: 'result',
        status: 'changed',
        host: 'fw-1',
        play: 'p',
        task: 'Package',
        result: { changed: true, diff: [{ prepared: 'install nginx' }] },
      }),
      line({
        event: 'result',
        status: 'changed',
        host: 'fw-1',
        play: 'p',
        task: 'Secret',
        hidden: true,
        result: { hidden: true, changed: true },
      }),
      line({
        event: 'stats',
        hosts: { 'fw-1': { ok: 4, changed: 4, failed: 0, unreachable: 0, skipped: 0 } },
      }),
    ].join('\n');

    const run = parseAnsibleEvents(stdout, createRedactor(), '/repo');

    const [rules, mode, pkg, secret] = run.hosts[0]?.tasks ?? [];
    expect(run.completed).toBe(true);
    expect(rules?.items?.map((item) => [item.label, item.status])).toEqual([
      ['allow-dns', 'changed'],
      ['deny-rest', 'ok'],
    ]);
    expect(rules?.items?.[0]?.diffs[0]).toMatchObject({
      path: 'state/fw-1.cfg',
      unified: expect.stringContaining('+rule allow-dns'),
    });
    expect(mode?.diffs[0]?.unified).toContain('-  "mode": "0644"');
    expect(pkg?.diffs).toEqual([{ prepared: 'install nginx' }]);
    expect(secret).toEqual({ play: 'p', task: 'Secret', status: 'changed', hidden: true, diffs: [] });
  });

  it('masks secret keys in results and removes the learned value from every other message', () => {
    const stdout = [
      line({
        event: 'result',
        status: 'ok',
        host: 'sw-1',
        task: 'a',
        result: { msg: 'ok', api_token: 'tok-12345678' },
      }),
      line({
        event: 'result',
        status: 'failed',
        host: 'sw-1',
        task: 'b',
        result: { failed: true, msg: 'login with tok-12345678 refused' },
      }),
    ].join('\n');

    const run = parseAnsibleEvents(stdout, createRedactor(), '/repo');

    expect(run.completed).toBe(false);
    expect(run.hosts[0]?.tasks[1]?.message).toBe(`login with ${REDACTED} refused`);
    expect(run.hosts[0]?.failed).toBe(1);
  });

  it('ignores a line cut short by a crash', () => {
    expect(parseAnsibleEvents('{"event": "result", "host": "sw-1"', createRedactor(), '/repo').hosts).toEqual(
      [],
    );
  });
});

describe('the digest of two runs of the same commit', () => {
  /** A template task rendered into Ansible's temp directory `temporary`, in a task and in a loop item. */
  function run(temporary: string) {
    const rendered = `/home/ci/.ansible/tmp/ansible-local-${temporary}/tmp${temporary}/device.j2`;
    const diff = { before: '', after: 'hostname sw-1\n', after_header: rendered };
    const stdout = [
      line({
        event: 'result',
        status: 'changed',
        host: 'sw-1',
        task: 'Render',
        result: { changed: true, diff, target: '/repo/inventory/../state/sw-1.cfg' },
      }),
      line({
        event: 'result',
        status: 'changed',
        host: 'sw-1',
        task: 'Render each',
        result: { changed: true, results: [{ changed: true, label: 'a', diff: { ...diff } }] },
      }),
    ].join('\n');
    return parseAnsibleEvents(stdout, createRedactor(), '/repo');
  }

  it('names the changed file, or a placeholder, never the temp file, so the digests are equal', () => {
    const first = run('81xq_a1');
    const second = run('97zz_b2');

    const [render, each] = first.hosts[0]?.tasks ?? [];
    expect(render?.diffs[0]?.path).toBe('state/sw-1.cfg');
    expect(each?.items?.[0]?.diffs[0]?.path).toBe('<ansible-temp>/device.j2');
    expect(JSON.stringify(first)).not.toContain('81xq');
    expect(ansiblePlanHash(first)).toBe(ansiblePlanHash(second));
  });
});

describe('unifiedDiff', () => {
  it('renders before/after as a unified diff, nothing when equal', () => {
    expect(unifiedDiff('a\nb\n', 'a\nc\n', 'state/x.cfg')).toBe(
      '--- a/state/x.cfg\n+++ b/state/x.cfg\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n',
    );
    expect(unifiedDiff('same', 'same', 'x')).toBeUndefined();
  });
});

describe('toUnsafeYaml', () => {
  it('tags every string !unsafe so Ansible never templates it', () => {
    expect(toUnsafeYaml({ vlan_id: 40, name: "{{ lookup('pipe', 'id') }}", list: ['a', true, null] })).toBe(
      `{!unsafe "vlan_id": 40, !unsafe "name": !unsafe "{{ lookup('pipe', 'id') }}", !unsafe "list": [!unsafe "a", true, null]}\n`,
    );
  });

  it('tags keys !unsafe too, at every depth', () => {
    expect(toUnsafeYaml({ ports: { "Gi1{{ lookup('pipe', 'id') }}": 40 } })).toBe(
      `{!unsafe "ports": {!unsafe "Gi1{{ lookup('pipe', 'id') }}": 40}}\n`,
    );
  });
});
