import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadApprovals } from '../control/index.js';
import { configError, usageError } from '../core/errors.js';
import { hasErrors } from '../core/findings.js';
import type { Approval } from '../core/model.js';

/**
 * Reads `--approvals FILE` (relative to `cwd`), for every command that takes one. A file that cannot
 * be read is a usage error; a malformed one a configuration error naming its lines (both exit 2).
 */
export async function readApprovalsFile(cwd: string, file: string): Promise<Approval[]> {
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, file), 'utf8');
  } catch {
    throw usageError(
      `--approvals ${file} cannot be read`,
      'Name a YAML or JSON file listing approvals and holds: [{user, proposal?, hold?, commit?, at?}].',
    );
  }
  const loaded = loadApprovals(text, file);
  if (hasErrors(loaded.findings))
    throw configError(`--approvals ${file} is invalid`, { findings: loaded.findings });
  return loaded.approvals;
}
