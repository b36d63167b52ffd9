import path from 'node:path';
import type { Command } from 'commander';
import pc from 'picocolors';
import { parseShard, type Shard } from '../../conflicts/shard.js';
import { neutralizeControlCharacters } from '../../core/control-characters.js';
import { usageError } from '../../core/errors.js';
import type { PlanRequest } from '../../use-cases/plan.js';
import { cliContext, withRunControls } from '../context.js';
import { EXIT, planExitCode } from '../exit-codes.js';
import {
  checkOutputTarget,
  formatOption,
  OPTION_HELP,
  parseAt,
  parsePositiveInteger,
  useColor,
  writeOutput,
} from '../options.js';

interface PlanFlags {
  repo?: string;
  since?: string;
  approvals?: string;
  at?: string;
  concurrency?: number;
  outDir?: string;
  format: 'text' | 'json' | 'markdown';
  output?: string;
  github?: boolean;
  pr?: number;
  shard?: Shard;
}

export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .summary('run Ansible check+diff and terraform plan for proposals; per-device diffs, secrets redacted')
    .description(
      'Plan change proposals: run every execution step in check mode (ansible-playbook --check --diff, terraform plan) and show per-device diffs and per-resource changes, with secrets redacted. Writes plan.json, plan.md and a redacted log per step to the run directory. No PATH and no --since: every proposal under changes/.',
    )
    .argument('[path...]', 'proposal files or directories (relative to the current directory)')
    .option('--repo <dir>', OPTION_HELP.repo)
    .option(
      '--since <ref>',
      `${OPTION_HELP.since}; the diff from REF is the pull request, and changed code runs only once a code reviewer approved HEAD`,
    )
    .option(
      '--approvals <file>',
      "needs --since: approvals given, as YAML or JSON: [{user, commit?, at?}]; a code reviewer's lets changed code run",
    )
    .option('--at <iso>', 'needs --github: evaluate the validation report as of this instant (default: now)')
    .option(
      '--concurrency <n>',
      'steps run at once (default: executors.concurrency, or the number of cores)',
      parsePositiveInteger('--concurrency'),
    )
    .option('--out-dir <dir>', 'where artifacts go (default: .netchange/runs/<timestamp>/)')
    .option(
      '--shard <k/n>',
      'plan only shard K of N (1 ≤ K ≤ N ≤ 256): a stable split by redundancy group or file; with --github the reviews still decide the trust, and comment --from DIR... publishes the merged shards',
      parseShard,
    )
    .addOption(formatOption('plan', 'text'))
    .option(
      '--output <file>',
      'write the report to FILE instead of stdout (the run directory keeps plan.json and plan.md)',
    )
    .option(
      '--github',
      'publish the plan with the validation report to the pull request (comment and check run); the checkout must be the head the reviews are for (or its merge ref)',
    )
    .option(
      '--pr <number>',
      'needs --github: the pull request (default: the Actions event)',
      parsePositiveInteger('--pr'),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ netchange plan changes/chg-0142-vlan40-packaging.yaml
  $ netchange plan --since origin/main --format markdown > plan.md
  $ netchange plan --since origin/main --approvals approvals.yaml
  $ netchange plan --concurrency 4 --out-dir out/plan --format json
  $ netchange plan --shard 3/8 --out-dir out/shard-3 --format json

Trust: with --since (or --github), a pull request that changes code (playbooks, roles, templates,
inventories, Terraform, ansible.cfg: anything but proposals, policy files and *.md) runs no step until
a member of a codeReviewers team of the base's policy approves the head commit. Without --since and
--github, plan runs the working tree as it is (the operator's own).

Exit codes: 0 planned, 1 a step failed in the change (failed task, unreachable host) or the gate held
the plan (changed code awaits a code review), 2 usage or configuration error, 3 a tool failed (crash,
syntax error, timeout, missing provider), 130 cancelled.`,
    )
    .action(async (paths: string[], flags: PlanFlags) => {
      if (flags.github && flags.approvals)
        throw usageError(
          '--github takes approvals from the reviews; drop --approvals',
          "With --github the pull request's reviews are the approvals; an approvals file is for runs without GitHub.",
        );
      if (flags.approvals && !flags.since)
        throw usageError('--approvals needs --since REF', 'The approvals trust the code changed since REF.');
      // why: without --github nothing reads them, so a flag given there would pass silently unused.
      if (flags.pr !== undefined && !flags.github)
        throw usageError('--pr needs --github', 'The pull request is where --github publishes the plan.');
      if (flags.at !== undefined && !flags.github)
        throw usageError(
          '--at needs --github',
          'It dates the validation report --github publishes; the plan itself always runs now.',
        );
      await checkOutputTarget(flags.output, process.cwd());
      process.exitCode = await runPlan(
        {
          at: parseAt(flags.at),
          ...(flags.approvals ? { approvalsFile: flags.approvals } : {}),
          paths,
          ...(flags.repo ? { repo: flags.repo } : {}),
          ...(flags.since ? { since: flags.since } : {}),
          ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
          ...(flags.outDir ? { outDir: flags.outDir } : {}),
          ...(flags.github ? { github: true } : {}),
          ...(flags.pr !== undefined ? { pullNumber: flags.pr } : {}),
          ...(flags.shard ? { shard: flags.shard } : {}),
        },
        flags.format,
        flags.output,
      );
    });
}

/** `plan`: one use-case call, its result rendered, its status mapped to the exit code. */
async function runPlan(
  request: PlanRequest,
  format: PlanFlags['format'],
  output: string | undefined,
): Promise<number> {
  const { planChanges } = await import('../../use-cases/plan.js');
  const { renderResult } = await import('../../reporters/registry.js');
  const run = await withRunControls((controls) => planChanges(request, { ...cliContext(), ...controls }));
  const relative = path.relative(process.cwd(), run.runDirectory) || '.';
  for (const finding of run.notPlanned) {
    const where = [finding.file, finding.line, finding.column].filter((part) => part !== undefined).join(':');
    process.stderr.write(
      `${pc.red('error')} ${neutralizeControlCharacters(`${where} ${run.redactor.redactText(finding.message)}`)} (not planned)\n`,
    );
  }
  await writeOutput(
    await renderResult('plan', format, {
      plan: run.plan,
      runDirectory: relative,
      color: useColor(output),
      github: request.github === true,
      redactor: run.redactor,
      notPlanned: [...new Set(run.notPlanned.map((finding) => finding.file))],
    }),
    output,
    process.cwd(),
  );
  if (run.plan.held) {
    if (run.published) process.stderr.write(run.published);
    process.stderr.write(`${relative}: plan.json, plan.md\n`);
    return EXIT.failed;
  }
  if (run.plan.proposals.length === 0 && run.notPlanned.length === 0)
    process.stderr.write('no proposals to plan\n');
  if (run.published) process.stderr.write(run.published);
  const code = planExitCode(run.plan.status);
  return code === EXIT.passed && run.notPlanned.length > 0 ? EXIT.failed : code;
}
