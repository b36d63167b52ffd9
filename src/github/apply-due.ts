/**
 * `netchange apply --due`: for a scheduled workflow. Applies, one after another, every merged and
 * approved proposal whose scheduled interval contains now and that was not applied yet; each goes
 * through the same gate as `apply PATH --pr N`.
 */
import path from 'node:path';
import { NetchangeError, usageError } from '../core/errors.js';
import { findDueApplications } from './apply-gate.js';

/** Runs `runOne` (the apply command for one proposal) for each due proposal; returns the worst exit code. */
export async function applyDue<Flags extends { repo?: string; pr?: number; due?: boolean }>(
  proposalPath: string | undefined,
  flags: Flags,
  runOne: (proposalPath: string, flags: Flags) => Promise<number>,
): Promise<number> {
  if (proposalPath)
    throw usageError('--due finds the proposals itself; do not name one', 'Drop the path, or drop --due.');
  if (flags.pr !== undefined) throw usageError('--due finds the pull requests itself; do not pass --pr');
  const cwd = process.cwd();
  const { openWorkspace } = await import('../pipeline/workspace.js');
  const { loadChangeSubjects } = await import('../pipeline/load-proposals.js');
  const workspace = await openWorkspace({ cwd, ...(flags.repo ? { repo: flags.repo } : {}) });
  const { subjects } = await loadChangeSubjects(workspace, {});
  const warn = (message: string) => process.stderr.write(`warning: ${message}\n`);
  const due = await findDueApplications({ workspace, subjects, env: process.env, now: new Date(), warn });
  if (due.length === 0) {
    process.stdout.write('nothing is due: no merged, unapplied proposal is inside its window now\n');
    return 0;
  }
  let worst = 0;
  for (const application of due) {
    process.stdout.write(`applying ${application.id} from #${application.pullNumber}\n`);
    const relative = path.relative(cwd, path.join(workspace.root, application.file));
    let code: number;
    try {
      code = await runOne(relative, { ...flags, pr: application.pullNumber, due: false });
    } catch (error) {
      if (!(error instanceof NetchangeError)) throw error;
      // why: one refused or failed proposal must not stop the others that are due.
      process.stderr.write(`error: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`);
      code = error.code === 'E_GATE' ? 1 : error.code === 'E_USAGE' || error.code === 'E_CONFIG' ? 2 : 3;
    }
    worst = Math.max(worst, code);
  }
  return worst;
}
