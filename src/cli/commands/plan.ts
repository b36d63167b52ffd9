import { type Command, Option } from 'commander';
import { OPTION_HELP, parseAt, parsePositiveInteger, progressOptions } from '../options.js';

interface PlanFlags {
  repo?: string;
  since?: string;
  concurrency?: number;
  outDir?: string;
  format: 'text' | 'json' | 'markdown';
  github?: boolean;
  pr?: number;
  at?: string;
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
    .option('--since <ref>', OPTION_HELP.since)
    .option(
      '--concurrency <n>',
      'steps run at once (default: executors.concurrency, or the number of cores)',
      parsePositiveInteger('--concurrency'),
    )
    .option('--out-dir <dir>', 'where artifacts go (default: .netchange/runs/<timestamp>/)')
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'),
    )
    .option(
      '--github',
      'publish the plan with the validation report to the pull request (comment and check run)',
    )
    .option(
      '--pr <number>',
      'with --github: the pull request (default: the Actions event)',
      parsePositiveInteger('--pr'),
    )
    .option('--at <iso>', 'with --github: evaluate the validation report as of this instant (default: now)')
    .addHelpText(
      'after',
      `
Examples:
  $ netchange plan changes/chg-0142.yaml
  $ netchange plan --since origin/main --format markdown > plan.md
  $ netchange plan --concurrency 4 --out-dir out/plan --format json

Exit codes: 0 planned, 1 a step failed in the change (failed task, unreachable host), 2 usage or
configuration error, 3 a tool failed (crash, syntax error, timeout, missing provider), 130 cancelled.`,
    )
    .action(async (paths: string[], flags: PlanFlags) => {
      process.exitCode = await runPlan({
        cwd: process.cwd(),
        paths,
        format: flags.format,
        ...(flags.repo ? { repo: flags.repo } : {}),
        ...(flags.since ? { since: flags.since } : {}),
        ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
        ...(flags.outDir ? { outDir: flags.outDir } : {}),
        ...(flags.github ? { github: true } : {}),
        ...(flags.pr !== undefined ? { pr: flags.pr } : {}),
        at: parseAt(flags.at),
      });
    });
}

interface RunPlanOptions {
  cwd: string;
  paths: string[];
  format: 'text' | 'json' | 'markdown';
  repo?: string;
  since?: string;
  concurrency?: number;
  outDir?: string;
  github?: boolean;
  pr?: number;
  /** `--at`: the instant the `--github` validation report is evaluated as of. */
  at: Date;
}

/** The plan command's wiring: workspace → proposals → planProposals → output; returns the exit code. */
async function runPlan(options: RunPlanOptions): Promise<number> {
  const { openWorkspace, loadChangeSubjects } = await import('../../pipeline/workspace.js');
  const runs = await import('../../runs/index.js');
  const { VERSION } = await import('../version.js');
  const pc = (await import('picocolors')).default;

  const workspace = await openWorkspace({
    cwd: options.cwd,
    ...(options.repo ? { repo: options.repo } : {}),
  });
  // why: resolved while the proposals load; a repository without commits plans without one.
  const pendingCommit = workspace.git
    ? workspace.git.resolveRef('HEAD').catch(() => undefined)
    : Promise.resolve(undefined);
  const loaded = await loadChangeSubjects(workspace, {
    ...(options.paths.length > 0 ? { paths: options.paths } : {}),
    ...(options.since ? { since: options.since } : {}),
  });
  const settings = runs.executionSettings(workspace.config, process.env);
  // why: a proposal with errors (schema, missing playbook, bad limit) is not run; it fails the plan.
  const broken = loaded.proposals.filter((proposal) =>
    proposal.findings.some((finding) => finding.severity === 'error'),
  );
  for (const proposal of broken) {
    for (const finding of proposal.findings.filter((candidate) => candidate.severity === 'error')) {
      const where = [finding.file, finding.line, finding.column]
        .filter((part) => part !== undefined)
        .join(':');
      process.stderr.write(
        `${pc.red('error')} ${where} ${settings.redactor.redactText(finding.message)} (not planned)\n`,
      );
    }
  }
  const brokenFiles = new Set(broken.map((proposal) => proposal.file));
  const targets = loaded.subjects.filter((subject) => !brokenFiles.has(subject.file));

  const now = new Date();
  const runDirectory = await runs.createRunDirectory({
    repoRoot: workspace.root,
    runsPath: workspace.config.paths.runs,
    cwd: options.cwd,
    at: now,
    redactor: settings.redactor,
    ...(options.outDir ? { outDir: options.outDir } : {}),
  });
  const progress = runs.createProgressReporter(progressOptions());
  const interrupt = runs.cancelOnInterrupt(() => process.exit(130));
  const commit = await pendingCommit;
  let plan: import('../../runs/index.js').PlanDocument;
  try {
    plan = await runs.planProposals(targets, {
      repoRoot: workspace.root,
      redactor: settings.redactor,
      concurrency: options.concurrency ?? settings.concurrency,
      timeoutMs: settings.timeoutMs,
      killGraceMs: settings.killGraceMs,
      commands: settings.commands,
      signal: interrupt.signal,
      runDirectory,
      progress,
      version: VERSION,
      ...(commit ? { commit } : {}),
    });
  } finally {
    progress.close();
    interrupt.dispose();
  }

  const relativeRunDirectory = (await import('node:path')).relative(options.cwd, runDirectory.path) || '.';
  let output: string;
  if (options.format === 'json') output = `${JSON.stringify(settings.redactor.redactValue(plan), null, 2)}\n`;
  else if (options.format === 'markdown')
    output = renderMarkdown(runs.renderPlanMarkdown(plan, { artifacts: relativeRunDirectory }));
  else {
    output = runs.renderPlanText(plan, {
      color: process.stdout.isTTY === true && !process.env.NO_COLOR,
      runDirectory: relativeRunDirectory,
    });
  }
  process.stdout.write(settings.redactor.redactText(output));
  if (targets.length === 0 && broken.length === 0) process.stderr.write('no proposals to plan\n');
  if (options.github) {
    await publishPlan(
      options,
      plan,
      runs.renderPlanMarkdown(plan, { artifacts: relativeRunDirectory }),
      runDirectory.path,
    );
  }
  const code = runs.planExitCode(plan.status);
  return code === 0 && broken.length > 0 ? 1 : code;
}

function renderMarkdown(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** `--github`: the validation report (approvals from reviews) and this plan, as one comment and check run. */
async function publishPlan(
  options: RunPlanOptions,
  plan: import('../../runs/index.js').PlanDocument,
  planMarkdown: string,
  runDirectory: string,
): Promise<void> {
  const { openPullRequestReport } = await import('../../github/report-pull-request.js');
  const { runValidate } = await import('../../pipeline/run-validate.js');
  const { VERSION } = await import('../version.js');
  const pullRequest = await openPullRequestReport({
    cwd: options.cwd,
    env: process.env,
    warn: (message) => process.stderr.write(`warning: ${message}\n`),
    ...(options.repo ? { repo: options.repo } : {}),
    ...(options.pr !== undefined ? { pullNumber: options.pr } : {}),
  });
  const report = await runValidate({
    cwd: options.cwd,
    at: options.at,
    version: VERSION,
    approvals: pullRequest.approvals,
    members: pullRequest.members,
    ...(pullRequest.commit ? { commit: pullRequest.commit } : {}),
    ...(options.repo ? { repo: options.repo } : {}),
    ...(options.paths.length > 0 ? { paths: options.paths } : {}),
    ...(options.since ? { since: options.since } : {}),
  });
  process.stderr.write(await pullRequest.publish({ report, plan, planMarkdown, runDirectory }));
}
