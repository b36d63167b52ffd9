import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const AT = '2026-11-01T00:00:00Z';

/** A proposal of the bundled example (its policies apply) with the given schedule lines. */
function proposal(id: string, schedule: string): string {
  return `apiVersion: netchange/v1
kind: ChangeProposal
id: ${id}
title: Odd schedule
requester: {team: partner-noc, github: dana}
type: normal
domain: switching
risk: low
targets: {sites: [plant-a], devices: [sw-plant-a-01]}
schedule:
${schedule}
execution:
  - ansible:
      playbook: playbooks/switching/vlans.yaml
      inventory: inventory/hosts.yaml
      limit: sw-plant-a-01
      extraVars: {vlan_id: 40, vlan_name: TEST}
`;
}

/** Each odd schedule, the line its finding points at, and what the message says. */
const CASES: [string, string, number, string][] = [
  [
    'offset-timezone',
    '  start: "2026-11-29T02:00"\n  end: "2026-11-29T03:00"\n  timezone: "+05:00"',
    13,
    "schedule.timezone '+05:00' is not a known IANA time zone",
  ],
  [
    'far-end',
    '  start: "2026-11-29T02:00:00Z"\n  end: "+275760-09-13T00:00Z"',
    12,
    "schedule.end '+275760-09-13T00:00Z' is outside the years netchange schedules (1970 to 9999)",
  ],
  [
    'huge-rollback',
    '  start: "2026-11-29T08:00:00Z"\n  end: "2026-11-29T09:00:00Z"\n  rollback: P99999999D',
    13,
    "schedule.rollback 'P99999999D' makes the change occupy more than 90 days",
  ],
  [
    'huge-duration',
    '  start: "2026-11-29T08:00:00Z"\n  duration: PT99999999999999999999H',
    12,
    "schedule.duration 'PT99999999999999999999H' makes the change occupy more than 90 days",
  ],
  [
    'far-start',
    '  start: "9999-12-31T22:00:00Z"\n  end: "9999-12-31T23:00:00Z"',
    11,
    'the change starts 9999-12-31T22:00:00Z, more than 5 years after 2026-11-01T00:00:00Z',
  ],
];

describe('odd schedules are findings with file and line, never an internal error', () => {
  let repository: TestRepository;

  beforeAll(async () => {
    repository = await createRepository({}, { fromExample: true });
    await repository.write(
      Object.fromEntries(
        CASES.map(([name, schedule]) => [`changes/zz-${name}.yaml`, proposal(name, schedule)]),
      ),
    );
    await repository.commit('odd schedules');
  });
  afterAll(() => repository.remove());

  describe.each(CASES)('%s', (name, _schedule, line, message) => {
    const file = `changes/zz-${name}.yaml`;

    it('validate --format text: exit 1, the finding at file:line with a hint', async () => {
      const result = await runCli(['validate', file, '--format', 'text', '--at', AT], {
        cwd: repository.root,
      });

      expect(result.stderr).not.toContain('internal error');
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toMatch(new RegExp(`${file}:${line}:\\d+ error ${escapeRegExp(message)}`));
      expect(result.stdout).toContain('hint: ');
    });

    it('validate --format markdown: exit 1, the finding at file:line', async () => {
      const result = await runCli(['validate', file, '--format', 'markdown', '--at', AT], {
        cwd: repository.root,
      });

      expect(result.stderr).not.toContain('internal error');
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toContain(`\`${file}:${line}\``);
      expect(result.stdout).toContain(message);
    });
  });

  it('next refuses a start years ahead instead of expanding windows until then (exit 1)', async () => {
    const result = await runCli(['next', 'changes/zz-far-start.yaml', '--at', AT], { cwd: repository.root });

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('changes/zz-far-start.yaml:11:10 the change starts 9999-12-31T22:00:00Z');
  });

  it('plan does not run the proposals whose schedule does not load, and says why (exit 1)', async () => {
    const loadErrors = CASES.filter(([name]) => name !== 'far-start').map(
      ([name]) => `changes/zz-${name}.yaml`,
    );

    const result = await runCli(['plan', ...loadErrors, '--out-dir', 'run'], { cwd: repository.root });

    expect(result.stderr).not.toContain('internal error');
    expect(result.exitCode).toBe(1);
    for (const [name, , line] of CASES.filter(([candidate]) => candidate !== 'far-start'))
      expect(result.stderr).toContain(`changes/zz-${name}.yaml:${line}:`);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
