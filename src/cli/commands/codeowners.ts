import type { Command } from 'commander';
import { OPTION_HELP } from '../options.js';

interface CodeownersFlags {
  repo?: string;
  check?: boolean;
}

export function registerCodeownersCommand(program: Command): void {
  program
    .command('codeowners')
    .summary('generate .github/CODEOWNERS from the change-control RACI')
    .description(
      "Write .github/CODEOWNERS from policies/change-control.yaml: each RACI domain's paths go to its\n" +
        'responsible and accountable teams, the policies to the policy owners, so GitHub itself requests\n' +
        'the right reviewers. Teams with `github: org/slug` appear as @org/slug, others as their members.',
    )
    .option('--repo <dir>', OPTION_HELP.repo)
    .option('--check', 'write nothing; exit 1 when the committed file differs from what the policy gives')
    .addHelpText(
      'after',
      `
Examples:
  $ netchange codeowners            # write .github/CODEOWNERS
  $ netchange codeowners --check    # in CI: fail when someone changed the RACI but not CODEOWNERS

Exit codes: 0 written or up to date, 1 stale (--check), 2 usage or policy error.`,
    )
    .action(async (flags: CodeownersFlags) => {
      process.exitCode = await runCodeowners(flags);
    });
}

async function runCodeowners(flags: CodeownersFlags): Promise<number> {
  const { lstat, mkdir, writeFile } = await import('node:fs/promises');
  const path = await import('node:path');
  const { createTwoFilesPatch } = await import('diff');
  const { configError } = await import('../../core/errors.js');
  const { readTextFile } = await import('../../documents/read-file.js');
  const { openWorkspace } = await import('../../pipeline/workspace.js');
  const { CODEOWNERS_PATH, compileChangeControlPolicy, renderCodeowners } = await import(
    '../../control/index.js'
  );

  const workspace = await openWorkspace({ cwd: process.cwd(), ...(flags.repo ? { repo: flags.repo } : {}) });
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
  for (const finding of findings) {
    process.stderr.write(`${finding.severity}: ${finding.file}:${finding.line ?? 1} ${finding.message}\n`);
  }

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
    const read = await readTextFile(target, CODEOWNERS_PATH, 1024 * 1024);
    if (!read.ok) throw configError(`${CODEOWNERS_PATH} cannot be read: ${read.finding.message}`);
    current = read.text;
  }

  if (current === expected) {
    process.stdout.write(`${CODEOWNERS_PATH} is up to date with ${policyFile}\n`);
    return 0;
  }
  if (flags.check) {
    const patch = createTwoFilesPatch(
      `a/${CODEOWNERS_PATH}`,
      `b/${CODEOWNERS_PATH}`,
      current ?? '',
      expected,
      'committed',
      `from ${policyFile}`,
    );
    process.stdout.write(patch.split('\n').slice(1).join('\n'));
    process.stderr.write(
      `${CODEOWNERS_PATH} is ${current === undefined ? 'missing' : 'stale'}: it does not match the RACI in ${policyFile}\n` +
        'hint: run `netchange codeowners` and commit .github/CODEOWNERS\n',
    );
    return 1;
  }
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, expected);
  const rules = expected.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
  process.stdout.write(`wrote ${CODEOWNERS_PATH} (${rules} patterns) from ${policyFile}\n`);
  return 0;
}
