import path from 'node:path';
import { loadApprovals } from '../control/index.js';
import { configError, usageError } from '../core/errors.js';
import { hasErrors } from '../core/findings.js';
import type { Approval } from '../core/model.js';
import { DEFAULT_MAX_FILE_BYTES, readTextFile } from '../documents/read-file.js';

/**
 * Reads `--approvals FILE` (relative to `cwd`), for every command that takes one. A file that cannot
 * be read is a usage error; a malformed one a configuration error naming its lines (both exit 2).
 */
export async function readApprovalsFile(cwd: string, file: string): Promise<Approval[]> {
  // why: the reader proposals go through, so bytes that are not UTF-8 are named as such (decoded,
  // they read as a YAML string), and a device, a FIFO or a huge file is refused before it is read.
  const read = readTextFile(path.resolve(cwd, file), file, DEFAULT_MAX_FILE_BYTES);
  if (!read.ok)
    throw usageError(
      `--approvals ${file}: ${read.finding.message}`,
      read.finding.hint ??
        'Name a YAML or JSON file listing approvals and holds: [{user, proposal?, hold?, commit?, at?}].',
    );
  const loaded = loadApprovals(read.text, file);
  if (hasErrors(loaded.findings))
    throw configError(`--approvals ${file} is invalid`, { findings: loaded.findings });
  return loaded.approvals;
}
