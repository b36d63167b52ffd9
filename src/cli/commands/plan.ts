import { type Command, Option } from 'commander';
import { usageError } from '../../core/errors.js';
import { OPTION_HELP, parseAt, parsePositiveInteger, progressOptions } from '../options.js';

interface PlanFlags {
  repo?: string;
  since?: string;
  approvals?: string;
  at?: string;
  concurrency?: number;
  outDir?: string;
  format: 'text' | 'json' | 'markdown';
  github?: boolean;
  pr?: number;
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
      "with --since: approvals given, as YAML or JSON: [{user, commit?, at?}]; a code reviewer's lets changed code run",
    )
    .option('--at <iso>', 'with --github: evaluate the validation report as of this instant (default: now)')
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
    .addHelpText(
      'after',
      `
Examples:
  $ netchange plan changes/chg-0142.yaml
  $ netchange plan --since origin/main --format markdown > plan.md
  $ netchange plan --since origin/main --approvals approvals.yaml
  $ netchange plan --concurrency 4 --out-dir out/plan --format json

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
        throw usageError('--github takes approvals from the reviews; drop --approvals');
      if (flags.approvals && !flags.since)
        throw usageError('--approvals needs --since REF', 'The approvals trust the code changed since REF.');
      process.exitCode = await runPlan({
        at: parseAt(flags.at),
        ...(flags.approvals ? { approvalsFile: flags.approvals } : {}),
        cwd: process.cwd(),
        paths,
        format: flags.format,
        ...(flags.repo ? { repo: flags.repo } : {}),
        ...(flags.since ? { since: flags.since } : {}),
        ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
        ...(flags.outDir ? { outDir: flags.outDir } : {}),
        ...(flags.github ? { github: true } : {}),
        ...(flags.pr !== undefined ? { pr: flags.pr } : {}),
      });
    });
}

interface RunPlanOptions {
  cwd: string;
  /** The instant the --github validation is evaluated at. */
  at: Date;
  /** `--approvals FILE`. */
  approvalsFile?: string;
  paths: string[];
  format: 'text' | 'json' | 'markdown';
  repo?: string;
  since?: string;
  concurrency?: number;
  outDir?: string;
  github?: boolean;
  pr?: number;
}

/** The plan command's wiring: workspace → proposals → planProposals → output; returns the exit code. */
async function runPlan(options: RunPlanOptions): Promise<number> {
  const { openWorkspace } = await import('../../pipeline/workspace.js');
  const { loadChangeSubjects } = await import('../../pipeline/load-proposals.js');
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
  // why: on GitHub the reviews decide whether changed code may run, so they are read before planning.
  const pullRequest = options.github ? await openPullRequest(options) : undefined;
  const trust = await checkTrust(workspace, options, pullRequest, pendingCommit);
  const settings = runs.executionSettings(workspace.config, process.env);
  const newRunDirectory = () =>
    runs.createRunDirectory({
      repoRoot: workspace.root,
      runsPath: workspace.config.paths.runs,
      cwd: options.cwd,
      at: new Date(),
      redactor: settings.redactor,
      ...(options.outDir ? { outDir: options.outDir } : {}),
    });
  if (trust && !trust.trusted) {
    // why: before the proposals load: loading reads the pull request's inventories too.
    return holdPlan(options, trust, await newRunDirectory(), pullRequest, await pendingCommit);
  }
  const loaded = await loadChangeSubjects(workspace, {
    ...(options.paths.length > 0 ? { paths: options.paths } : {}),
    ...(options.since ? { since: options.since } : {}),
  });
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

  const runDirectory = await newRunDirectory();
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
  if (pullRequest) {
    await publishPlan(
      options,
      pullRequest,
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

type PullRequestReport = import('../../github/report-pull-request.js').PullRequestReport;
type CodeTrust = import('../../pipeline/code-trust.js').CodeTrust;
type Workspace = import('../../pipeline/workspace.js').Workspace;

async function openPullRequest(options: RunPlanOptions): Promise<PullRequestReport> {
  const { openPullRequestReport } = await import('../../github/report-pull-request.js');
  return openPullRequestReport({
    cwd: options.cwd,
    env: process.env,
    warn: (message) => process.stderr.write(`warning: ${message}\n`),
    ...(options.repo ? { repo: options.repo } : {}),
    ...(options.pr !== undefined ? { pullNumber: options.pr } : {}),
  });
}

/**
 * Whether the pull request's changed code may run. No pull request (no --since, no --github): undefined,
 * plan runs the operator's own tree. The base is --since, else the pull request's base branch.
 */
async function checkTrust(
  workspace: Workspace,
  options: RunPlanOptions,
  pullRequest: PullRequestReport | undefined,
  pendingCommit: Promise<string | undefined>,
): Promise<CodeTrust | undefined> {
  const base = options.since ?? (pullRequest ? await pullRequestBase(workspace, pullRequest) : undefined);
  if (!base) return undefined;
  const { checkCodeTrust } = await import('../../pipeline/code-trust.js');
  const { readApprovals } = await import('../../pipeline/run-validate.js');
  const approvals = pullRequest
    ? pullRequest.approvals
    : options.approvalsFile
      ? await readApprovals(options.cwd, options.approvalsFile)
      : [];
  const commit = pullRequest?.commit ?? (await pendingCommit);
  return checkCodeTrust(workspace, {
    base,
    approvals,
    ...(commit ? { commit } : {}),
    ...(pullRequest ? { members: pullRequest.members } : {}),
  });
}

/** The pull request's base branch as a local ref (origin/<base>, else <base>). */
async function pullRequestBase(workspace: Workspace, pullRequest: PullRequestReport): Promise<string> {
  const baseRef = process.env.GITHUB_BASE_REF || (await pullRequest.baseRef());
  for (const candidate of baseRef ? [`origin/${baseRef}`, baseRef] : []) {
    const found = await workspace.git?.resolveRef(candidate).catch(() => undefined);
    if (found) return found;
  }
  throw usageError(
    `cannot find the pull request's base${baseRef ? ` (${baseRef})` : ''} in ${workspace.root}`,
    'Fetch the base branch (actions/checkout with fetch-depth: 0), or pass --since REF.',
  );
}

/** Plans nothing: writes and prints why (the changed code awaits a code review), and exits 1. */
async function holdPlan(
  options: RunPlanOptions,
  trust: CodeTrust,
  runDirectory: import('../../runs/index.js').RunDirectory,
  pullRequest: PullRequestReport | undefined,
  commit: string | undefined,
): Promise<number> {
  const { describeHeldCode } = await import('../../pipeline/code-trust.js');
  const { heldPlanMarkdown } = await import('../../github/compose-report.js');
  const { VERSION } = await import('../version.js');
  const path = (await import('node:path')).default;
  const held = {
    reason: trust.problem ? `${describeHeldCode(trust)}, and ${trust.problem}` : describeHeldCode(trust),
    files: trust.files,
    reviewers: trust.reviewers,
  };
  const plan: import('../../runs/index.js').PlanDocument = {
    schemaVersion: 1,
    kind: 'NetchangePlan',
    tool: { name: 'netchange', version: VERSION },
    createdAt: new Date().toISOString(),
    ...(commit ? { commit } : {}),
    status: 'planned',
    proposals: [],
    held,
    summary: { proposals: 0, planned: 0, failed: 0, errors: 0, cancelled: 0, changed: 0 },
  };
  const markdown = heldPlanMarkdown(held);
  await runDirectory.writeJson('plan.json', plan);
  await runDirectory.writeText('plan.md', markdown);
  if (options.format === 'json') process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
  else if (options.format === 'markdown') process.stdout.write(markdown);
  else {
    const who = held.reviewers.length > 0 ? `a member of ${held.reviewers.join(', ')}` : 'a code reviewer';
    process.stdout.write(
      `plan held: ${held.reason}\nnetchange ran no step. Changed files that can change what runs:\n${held.files.map((file) => `  ${file}`).join('\n')}\nWhen ${who} approves ${commit ? commit.slice(0, 12) : 'the head commit'}, plan runs${options.github ? '' : ' (pass their approval with --approvals FILE)'}.\n`,
    );
  }
  if (pullRequest) await publishPlan(options, pullRequest, plan, markdown, runDirectory.path);
  process.stderr.write(`${path.relative(options.cwd, runDirectory.path) || '.'}: plan.json, plan.md\n`);
  return 1;
}

/** `--github`: the validation report (approvals from reviews) and this plan, as one comment and check run. */
async function publishPlan(
  options: RunPlanOptions,
  pullRequest: PullRequestReport,
  plan: import('../../runs/index.js').PlanDocument,
  planMarkdown: string,
  runDirectory: string,
): Promise<void> {
  const { runValidate } = await import('../../pipeline/run-validate.js');
  const { VERSION } = await import('../version.js');
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
