import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED } from '../../redact/index.js';
import { parseAnsibleOutput } from './parse-events.js';

const line = (event: unknown) => JSON.stringify(event);

/** A task result on `host` whose module returned `netchange_backup` (and maybe more). */
function backupResult(host: string, backup: unknown, extra: Record<string, unknown> = {}): string {
  return line({
    event: 'result',
    status: 'changed',
    host,
    play: 'p',
    task: 'Apply',
    result: { changed: true, netchange_backup: backup },
    ...extra,
  });
}

describe('the running configurations a module returns (netchange_backup)', () => {
  it('gives each host its configuration before and after, in host order', () => {
    const stdout = [
      backupResult('r2', { before: 'hostname r2\n', after: 'hostname r2\ncost 50\n' }),
      backupResult('r1', { before: 'hostname r1\n', after: 'hostname r1\n' }),
    ].join('\n');

    const { configurations } = parseAnsibleOutput(stdout, createRedactor(), '/repo');

    expect(configurations).toEqual([
      { device: 'r1', before: 'hostname r1\n', after: 'hostname r1\n' },
      { device: 'r2', before: 'hostname r2\n', after: 'hostname r2\ncost 50\n' },
    ]);
  });

  it('keeps the first before and the last after when several tasks return one for a host', () => {
    const stdout = [
      backupResult('r1', { before: 'one\n', after: 'two\n' }),
      backupResult('r1', { before: 'two\n', after: 'three\n' }),
      backupResult('r2', { before: 'a\n', after: 'b\n' }),
      // why: a task that failed after reading the router has a before and no after: r2's state is unknown.
      backupResult('r2', { before: 'b\n' }, { status: 'failed' }),
    ].join('\n');

    const { configurations } = parseAnsibleOutput(stdout, createRedactor(), '/repo');

    expect(configurations).toEqual([
      { device: 'r1', before: 'one\n', after: 'three\n' },
      { device: 'r2', before: 'a\n' },
    ]);
  });

  it('reads loop items, and never a no_log task or item, nor a value that is not text', () => {
    const stdout = [
      line({
        event: 'result',
        status: 'changed',
        host: 'r1',
        task: 'Each',
        result: {
          changed: true,
          results: [
            {
              changed: true,
              label: 'a',
              netchange_backup: { before: 'item before\n', after: 'item after\n' },
            },
            { hidden: true, changed: true },
          ],
        },
      }),
      backupResult('r2', { before: 'secret config\n', after: 'x\n' }, { hidden: true }),
      backupResult('r3', { before: 42, after: ['x'] }),
      backupResult('r4', 'not an object'),
      line({ event: 'result', status: 'ok', host: 'r5', task: 'Show', result: { changed: false } }),
    ].join('\n');

    const { configurations } = parseAnsibleOutput(stdout, createRedactor(), '/repo');

    expect(configurations).toEqual([{ device: 'r1', before: 'item before\n', after: 'item after\n' }]);
  });

  it('redacts secret lines and values learned anywhere in the run before anything else sees them', () => {
    const redactor = createRedactor();
    const stdout = [
      line({ event: 'secrets', values: ['vault-Pa55phrase'] }),
      line({
        event: 'result',
        status: 'ok',
        host: 'r1',
        task: 'Facts',
        result: { changed: false, bgp_password: 'bgp-N3ighbour' },
      }),
      backupResult('r1', {
        before:
          'interface eth0\n ip ospf authentication-key Bk7q2xZp\n description vault-Pa55phrase\n neighbor x password bgp-N3ighbour\n',
        after: 'interface eth0\n',
      }),
    ].join('\n');

    const { configurations } = parseAnsibleOutput(stdout, redactor, '/repo');

    expect(configurations[0]?.before).toBe(
      `interface eth0\n ip ospf authentication-key ${REDACTED}\n description ${REDACTED}\n neighbor x password ${REDACTED}\n`,
    );
  });

  it('leaves the per-host results as they were, without the configurations in them', () => {
    const stdout = [
      backupResult('r1', { before: 'old\n', after: 'new\n' }),
      line({ event: 'stats', hosts: { r1: { ok: 1, changed: 1, failed: 0, unreachable: 0, skipped: 0 } } }),
    ].join('\n');

    const { run } = parseAnsibleOutput(stdout, createRedactor(), '/repo');

    expect(run.completed).toBe(true);
    expect(run.hosts).toEqual([
      {
        host: 'r1',
        ok: 1,
        changed: 1,
        failed: 0,
        unreachable: 0,
        skipped: 0,
        tasks: [{ play: 'p', task: 'Apply', status: 'changed', hidden: false, diffs: [] }],
      },
    ]);
  });
});

describe('a long secret a worker reported in parts', () => {
  const result = (message: string) =>
    line({ event: 'result', status: 'ok', host: 'sw-1', play: 'p', task: 'Show', result: { msg: message } });

  it('is joined by its id, whatever lines fall between its parts, and redacted whole', () => {
    const secret = `key-${'x'.repeat(20)}-${'y'.repeat(20)}`;
    const [first, second, third] = [secret.slice(0, 15), secret.slice(15, 30), secret.slice(30)];
    const stdout = [
      line({ event: 'secrets', part: ['7-1', 2, 3, third] }),
      line({ event: 'secrets', values: ['other-Planted-1'] }),
      line({ event: 'secrets', part: ['7-1', 0, 3, first] }),
      line({ event: 'secrets', part: ['8-1', 0, 2, 'lonely-part-Planted'] }),
      line({ event: 'secrets', part: ['7-1', 1, 3, second] }),
      result(`the key ${secret} and lonely-part-Planted`),
    ].join('\n');

    const { run } = parseAnsibleOutput(stdout, createRedactor(), '/repo');

    expect(run.hosts[0]?.tasks[0]?.message).toBe(`the key ${REDACTED} and ${REDACTED}`);
  });

  it('ignores a malformed part instead of failing the run', () => {
    const stdout = [
      line({ event: 'secrets', part: ['9-1', 5, 2, 'out-of-range'] }),
      line({ event: 'secrets', part: 'not a part' }),
      result('out-of-range'),
    ].join('\n');

    const { run } = parseAnsibleOutput(stdout, createRedactor(), '/repo');

    expect(run.hosts[0]?.tasks[0]?.message).toBe('out-of-range');
  });
});
