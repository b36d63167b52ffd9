import { afterEach, describe, expect, it } from 'vitest';
import type { ValidationReport } from '../../src/core/model.js';
import { BASE_TREE, POLICY_TREE, proposalYaml } from '../support/proposals.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

let repository: TestRepository | undefined;
afterEach(async () => {
  await repository?.remove();
  repository = undefined;
});

const WINDOWS = (scope: string, timezone = 'America/Chicago') => `apiVersion: netchange/v1
kind: WindowPolicy
timezone: ${timezone}
windows:
  - name: weekdays
    effect: deny
    reason: Production runs on weekdays
    scope: ${scope}
    schedule: {rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", start: "06:00", duration: PT16H}
`;

describe('validate with policy files', () => {
  it('warns about a window scope value that matches nothing in the repository, at its line', async () => {
    repository = await createRepository({
      ...BASE_TREE,
      ...POLICY_TREE,
      'changes/a.yaml': proposalYaml(),
      'policies/windows.yaml': WINDOWS('{sites: [plant-z]}'),
    });

    const result = await runCli(['validate', '--format', 'json', '--at', '2026-11-23T15:00:00Z'], {
      cwd: repository.root,
    });

    const report = JSON.parse(result.stdout) as ValidationReport;
    expect(result.exitCode).toBe(0);
    expect(report.findings).toEqual([
      expect.objectContaining({
        ruleId: 'policy',
        severity: 'warning',
        file: 'policies/windows.yaml',
        line: 8,
        message: expect.stringContaining('plant-z'),
      }),
    ]);
  });

  it('exits 2 naming the line of an invalid time zone instead of falling back to UTC', async () => {
    repository = await createRepository({
      ...BASE_TREE,
      'changes/a.yaml': proposalYaml(),
      'policies/windows.yaml': WINDOWS('{sites: [plant-a]}', 'America/Chicgo'),
    });

    const result = await runCli(['validate'], { cwd: repository.root });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/policies\/windows.yaml:3:\d+ .*America\/Chicgo/);
  });

  it('blocks a weekday change until the shift ends at 22:00 local, and passes a weekend one', async () => {
    repository = await createRepository({
      ...BASE_TREE,
      'changes/weekday.yaml': proposalYaml({
        id: 'WEEKDAY',
        start: '2026-11-24T10:00',
        end: '2026-11-24T11:00',
      }),
      'changes/weekend.yaml': proposalYaml({
        id: 'WEEKEND',
        start: '2026-11-29T10:00',
        end: '2026-11-29T11:00',
      }),
      'policies/windows.yaml': WINDOWS('{sites: [plant-a]}'),
    });

    const result = await runCli(['validate', '--format', 'json', '--at', '2026-11-23T15:00:00Z'], {
      cwd: repository.root,
    });

    const report = JSON.parse(result.stdout) as ValidationReport;
    expect(result.exitCode).toBe(1);
    expect(report.proposals.map((proposal) => [proposal.id, proposal.ok])).toEqual([
      ['WEEKDAY', false],
      ['WEEKEND', true],
    ]);
    expect(report.proposals[0]?.windows?.nextAllowed).toEqual({
      start: '2026-11-25T04:00:00Z',
      end: '2026-11-25T05:00:00Z',
    });
  });
});
