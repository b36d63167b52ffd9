/**
 * Device backups at apply: the running configuration each device had before and after a real step,
 * as its executor read it (the lab's frr_config module returns it; see docs/audit.md), saved in the
 * run directory and referred to by sha256 from result.json and the evidence. So "what did r2 look
 * like before 2 AM" is a file, and the evidence says which bytes it held.
 */
import type { StepPosition } from '../executors/run-step.js';
import type { DeviceBackup, DeviceConfiguration } from '../executors/types.js';
import { type RunDirectory, safeName } from './run-directory.js';

/** Which of a device's two configurations around a step. */
export type BackupMoment = 'before' | 'after';

/**
 * Where a device's configuration around a step is saved, relative to the run directory:
 * `backups/<device>/<phase>-<n>-<before|after>.conf`, e.g. `backups/r2/execution-1-before.conf`.
 * why: one folder per device, since that is what a person looks for; the step in the file name,
 * since an apply can change a device twice (its execution step, then its rollback).
 */
export function backupPath(device: string, position: StepPosition, moment: BackupMoment): string {
  return `backups/${deviceFolder(device)}/${position.phase}-${position.index + 1}-${moment}.conf`;
}

/** A device's folder name: file-name-safe, one path segment. */
function deviceFolder(device: string): string {
  const name = safeName(device);
  // why: safeName keeps dots, so a host named `..` would otherwise name the run directory itself.
  return /^\.+$/.test(name) ? `_${name}` : name;
}

/**
 * Saves each device's configurations from one real step (redacted again by the run directory on the
 * way to disk) and returns what result.json and the evidence record: each file's path and sha256.
 */
export async function saveBackups(
  runDirectory: RunDirectory,
  position: StepPosition,
  configurations: readonly DeviceConfiguration[],
): Promise<DeviceBackup[]> {
  const backups: DeviceBackup[] = [];
  for (const configuration of configurations) {
    const backup: DeviceBackup = { device: configuration.device };
    for (const moment of ['before', 'after'] as const) {
      const text = configuration[moment];
      if (text === undefined) continue;
      backup[moment] = await runDirectory.writeHashedText(
        backupPath(configuration.device, position, moment),
        text,
      );
    }
    backups.push(backup);
  }
  return backups;
}
