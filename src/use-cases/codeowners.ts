/**
 * `netchange codeowners`: .github/CODEOWNERS generated from the change-control RACI, so GitHub
 * itself requests the right reviewers; with `check`, only compared.
 */
import { lstat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { CODEOWNERS_PATH, compileChangeControlPolicy, renderCodeowners } from '../control/index.js';
import { configError, usageError } from '../core/errors.js';
import type { Finding } from '../core/findings.js';
import { readTextFile } from '../documents/read-file.js';
import { makeDirectory, whyOutsideRepository } from '../documents/write-paths.js';
import type { UseCaseContext } from './context.js';
import { openRequestedWorkspace } from './workspace.js';

export interface CodeownersRequest {
  repo?: string;
  /** Write nothing; report whether the committed file matches. */
  check: boolean;
}

export interface CodeownersOutcome {
  /** `written` (or would be, for `check`: `missing`/`stale`), or already `up-to-date`. */
  status: 'up-to-date' | 'written' | 'missing' | 'stale';
  /** The change-control policy file it comes from. */
  policyFile: string;
  /** The file, repository-relative. */
  file: string;
  /** With `check`, when the file differs: a unified diff from the committed file to the expected one. */
  patch?: string;
  /** How many patterns the written file has. */
  rules?: number;
  /** Warnings about the policy. */
  policyFindings: Finding[];
}

export async function syncCodeowners(
  request: CodeownersRequest,
  context: UseCaseContext,
): Promise<CodeownersOutcome> {
  const workspace = await openRequestedWorkspace(request, context);
  const policyFile = workspace.config.paths.changeControl;
  const document = workspace.changeControlDocument;
  if (!document) {
    throw configError(`there is no change-control policy at ${policyFile}`, {
      hint: 'CODEOWNERS is generated from the RACI in the change-control policy; create it first (netchange init writes one).',
    });
  }
  const { policy, findings } = compileChangeControlPolicy(document);
  if (!policy) {
    throw configError(`${policyFile} has errors`, {
      findings: findings.filter((finding) => finding.severity === 'error'),
    });
  }
  const base = { policyFile, file: CODEOWNERS_PATH, policyFindings: findings };
  const expected = renderCodeowners(policy, {
    changesDirectory: workspace.config.paths.changes,
    policiesPath: path.posix.dirname(policyFile) === '.' ? policyFile : path.posix.dirname(policyFile),
  });
  const target = path.join(workspace.root, CODEOWNERS_PATH);
  const stats = await lstat(target).catch(() => undefined);
  if (stats?.isSymbolicLink()) {
    throw configError(`${CODEOWNERS_PATH} is a symlink`, {
      hint: 'Replace it with a regular file; netchange does not write through symlinks.',
    });
  }
  let current: string | undefined;
  if (stats) {
    const read = readTextFile(target, CODEOWNERS_PATH, 1024 * 1024);
    if (!read.ok) throw configError(`${CODEOWNERS_PATH} cannot be read: ${read.finding.message}`);
    current = read.text;
  }

  if (current === expected) return { ...base, status: 'up-to-date' };
  if (request.check) {
    const patch = createTwoFilesPatch(
      `a/${CODEOWNERS_PATH}`,
      `b/${CODEOWNERS_PATH}`,
      current ?? '',
      expected,
      'committed',
      `from ${policyFile}`,
    );
    return { ...base, status: current === undefined ? 'missing' : 'stale', patch };
  }
  const hint = `Make ${path.posix.dirname(CODEOWNERS_PATH)} a folder of this repository (move the file or symlink in its way).`;
  const outside = whyOutsideRepository(workspace.root, target);
  if (outside) throw usageError(`cannot write ${CODEOWNERS_PATH}: ${outside}`, hint);
  makeDirectory(path.dirname(target), { what: `the folder of ${CODEOWNERS_PATH}`, hint });
  await writeFile(target, expected);
  const rules = expected.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
  return { ...base, status: 'written', rules };
}
