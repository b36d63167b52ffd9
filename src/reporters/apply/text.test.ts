import { describe, expect, it } from 'vitest';
import type { DeviceBackup, StepResult } from '../../executors/types.js';
import { createRedactor } from '../../redact/index.js';
import { buildApplyResult, buildStepResult } from '../../runs/test-support.js';
import { renderApplyJson } from './json.js';
import type { ApplyOutput } from './output.js';
import { renderApplyText } from './text.js';

const RUN = '.netchange/runs/2026-12-08T01-00-00.000Z';

function backup(device: string, step: string, after = true): DeviceBackup {
  const file = (moment: string) => ({
    path: `backups/${device}/${step}-${moment}.conf`,
    sha256: '0'.repeat(64),
  });
  return { device, before: file('before'), ...(after ? { after: file('after') } : {}) };
}

function step(phase: StepResult['phase'], backups: DeviceBackup[]): StepResult {
  return buildStepResult(phase, 'applied', {
    name: `playbooks/${phase}.yaml`,
    ...(backups.length > 0 ? { backups } : {}),
  });
}

function output(steps: StepResult[], rollback: StepResult[] = []): ApplyOutput {
  const result = buildApplyResult(rollback.length > 0 ? 'rolled-back' : 'applied', steps, [], rollback);
  return { result, resultFile: `${RUN}/result.json`, runDirectory: RUN, redactor: createRedactor() };
}

describe('apply text output: where the backups are', () => {
  it('names each device’s files before → after, for the change and for its rollback', () => {
    const text = renderApplyText(
      output(
        [step('execution', [backup('r1', 'execution-1'), backup('r2', 'execution-1', false)])],
        [step('rollback', [backup('r1', 'rollback-1')])],
      ),
    );

    expect(text).toContain(
      [
        'backups (running configuration before → after; sha256 in the evidence record):',
        `  r1 (step 1): ${RUN}/backups/r1/execution-1-before.conf → ${RUN}/backups/r1/execution-1-after.conf`,
        `  r2 (step 1): ${RUN}/backups/r2/execution-1-before.conf`,
        `  r1 (rollback 1): ${RUN}/backups/r1/rollback-1-before.conf → ${RUN}/backups/r1/rollback-1-after.conf`,
        `result: ${RUN}/result.json`,
      ].join('\n'),
    );
  });

  it('says nothing about backups when no executor read a configuration', () => {
    const text = renderApplyText(output([step('execution', [])]));

    expect(text).not.toContain('backups');
  });

  it('lists 20 devices, then points at the folder for the rest', () => {
    const devices = Array.from({ length: 25 }, (_, index) => backup(`sw-${index + 1}`, 'execution-1'));

    const lines = renderApplyText(output([step('execution', devices)])).split('\n');

    expect(lines.filter((line) => line.includes('(step 1): '))).toHaveLength(20);
    expect(lines).toContain(`  … and 5 more in ${RUN}/backups`);
  });
});

describe('apply JSON output', () => {
  it('is result.json with the run directory the backup paths are relative to', () => {
    const printed = JSON.parse(renderApplyJson(output([step('execution', [backup('r1', 'execution-1')])])));

    expect(printed.runDirectory).toBe(RUN);
    expect(printed.steps[0].backups[0].before.path).toBe('backups/r1/execution-1-before.conf');
  });
});
