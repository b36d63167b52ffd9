import { type Command, Option } from 'commander';
import { usageError } from '../../core/errors.js';
import { OPTION_HELP, parsePositiveInteger, progressOptions } from '../options.js';

export interface ApplyFlags {
  repo?: string;
  approvals?: string;
  reviewedPlan?: string;
  outDir?: string;
  format: 'text' | 'json';
  pr?: number;
  due?: boolean;
  reapply?: string;
}

export function registerApplyCommand(program: Command): void {
  program
    .command('apply')
    .summary('run a validated, approved proposal for real inside its window; verify; roll back on failure')
    .description(
      'Apply one change proposal. Refuses unless validation passes now, the required approvals are given (for the commit being applied) and the change is inside its window now. Plans again and refuses when the plan differs from the reviewed one (--reviewed-plan); then runs the steps for real, the verification steps, and the rollback steps when something fails and rollback.auto is true. Writes result.json and redacted logs to the run directory.',
    )
    .argument('[path]', 'the proposal file (relative to the current directory); not with --due')
    .option('--repo <dir>', OPTION_HELP.repo)
    .option('--approvals <file>', 'approvals given, as YAML or JSON: [{user, commit?, at?}]')
    .option(
      '--reviewed-plan <file>',
      'the plan.json the reviewers approved; apply refuses when the plan changed',
    )
    .option('--out-dir <dir>', 'where artifacts go (default: .netchange/runs/<timestamp>/)')
    .option(
      '--pr <number>',
      'the pull request: approvals from its reviews, locks on GitHub, a comment and a commit status after',
      parsePositiveInteger('--pr'),
    )
    .option('--due', 'apply every merged, approved proposal whose window is open now (scheduled workflow)')
    .option(
      '--reapply <reason>',
      'run again although the evidence shows the proposal applied at this commit; the reason is recorded',
    )
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Examples:
  $ netchange apply changes/chg-0142.yaml --approvals approvals.yaml
  $ netchange apply changes/chg-0142.yaml --approvals approvals.yaml --reviewed-plan plan.json
  $ netchange apply changes/chg-0142.yaml --approvals approvals.yaml --reapply "sw-plant-a-01 replaced (RMA)"

Apply runs exactly what was reviewed, once: it refuses outside a git repository with commits, when
the proposal or anything it runs (playbooks, inventories, Terraform directories, ansible.cfg,
roles, policies) has uncommitted changes, and when the evidence shows the proposal already applied
at this commit (unless --reapply). It holds a lock per device and Terraform stack in the local
repository (and on GitHub with --pr), so two applies never overlap.

Exit codes: 0 applied and verified, 1 refused by the gate or the change failed (rolled back or not),
2 usage or configuration error, 3 a tool failed, 130 cancelled.`,
    )
    .action(async (proposalPath: string | undefined, flags: ApplyFlags) => {
      if (flags.due) {
        const { applyDue } = await import('../../github/apply-due.js');
        process.exitCode = await applyDue(proposalPath, flags, runApply);
        return;
      }
      if (!proposalPath) throw usageError('apply needs a proposal file, or --due');
      process.exitCode = await runApply(proposalPath, flags);
    });
}

/** The apply command's wiring: workspace → gate (validation now) → applyProposal → output. */
export async function runApply(proposalPath: string, flags: ApplyFlags): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const os = (await import('node:os')).default;
  const path = (await import('node:path')).default;
  const { NetchangeError, usageError } = await import('../../core/errors.js');
  const { openWorkspace } = await import('../../pipeline/workspace.js');
  const { loadChangeSubjects } = await import('../../pipeline/load-proposals.js');
  const { validateWorkspace } = await import('../../pipeline/validate.js');
  const { compilePolicies } = await import('../../pipeline/policies.js');
  const { loadApprovals } = await import('../../control/index.js');
  const runs = await import('../../runs/index.js');
  const { VERSION } = await import('../version.js');
  const cwd = process.cwd();

  const workspace = await openWorkspace({ cwd, ...(flags.repo ? { repo: flags.repo } : {}) });
  // why: without a change-control policy nothing says who approves; apply never runs ungated.
  if (!workspace.changeControlDocument) {
    throw new NetchangeError(
      'E_GATE',
      `apply refused: there is no change-control policy (${workspace.config.paths.changeControl}), so nothing gates this change`,
      {
        hint: 'Write the policy (netchange init creates one), or point paths.changeControl in netchange.yaml at it.',
      },
    );
  }
  const loaded = await loadChangeSubjects(workspace, { paths: [proposalPath] });
  if (loaded.proposals.length !== 1) {
    throw usageError(`apply takes one proposal file; '${proposalPath}' names ${loaded.proposals.length}`);
  }
  const subject = loaded.subjects[0];
  if (!subject) {
    const errors = loaded.findings.filter((finding) => finding.severity === 'error');
    throw new NetchangeError('E_GATE', `apply refused: ${proposalPath} is not a valid proposal`, {
      findings: errors,
    });
  }
  const settings = runs.executionSettings(workspace.config, process.env);
  const { policyDataFiles } = await import('../../pipeline/load-proposals.js');
  // why: checked before anything else runs: a refusal here leaves nothing behind.
  const headCommit = await runs.checkCommittedTree({
    git: workspace.git,
    subject,
    policyFiles: [...policyDataFiles([workspace.config])],
  });

  let approvals: import('../../core/model.js').Approval[] = [];
  if (flags.approvals) {
    let text: string;
    try {
      text = await readFile(path.resolve(cwd, flags.approvals), 'utf8');
    } catch {
      throw usageError(`cannot read the approvals file ${flags.approvals}`, 'Check the path.');
    }
    const parsed = loadApprovals(text, flags.approvals);
    if (parsed.findings.some((finding) => finding.severity === 'error')) {
      throw new NetchangeError('E_USAGE', `the approvals file ${flags.approvals} is invalid`, {
        findings: parsed.findings,
      });
    }
    approvals = parsed.approvals;
  }

  let reviewedDigest: string | undefined;
  if (flags.reviewedPlan)
    reviewedDigest = await readReviewedDigest(
      path.resolve(cwd, flags.reviewedPlan),
      flags.reviewedPlan,
      subject?.file,
      subject?.proposal.id,
    );

  let commit: string = headCommit;
  const now = () => new Date();

  // why: with --pr, GitHub supplies approvals, the approved commit, the reviewed digest and locks (src/github/apply-gate.ts).
  const pullRequest =
    flags.pr !== undefined && subject
      ? await (await import('../../github/apply-gate.js')).preparePullRequestApply({
          workspace,
          subject,
          pullNumber: flags.pr,
          env: process.env,
          now,
          warn: (message) => process.stderr.write(`warning: ${message}\n`),
        })
      : undefined;
  if (pullRequest) {
    approvals = pullRequest.approvals;
    commit = pullRequest.commit ?? commit;
    reviewedDigest ??= pullRequest.reviewedDigest;
  }
  await runs.checkNotAppliedYet({
    subject,
    commits: [...new Set([headCommit, commit])],
    ...(flags.reapply !== undefined ? { reapply: flags.reapply } : {}),
    previousApplies: (id, commits) => previousApplies(workspace.root, id, commits),
  });
  let gateEntry: import('../../core/model.js').ProposalReport | undefined;

  const gate = async (): Promise<import('../../runs/index.js').GateVerdict> => {
    const report = await validateWorkspace(
      workspace,
      {
        at: now(),
        version: VERSION,
        approvals,
        paths: [proposalPath],
        requireApprovals: true,
        leadTimeFromCommit: true,
        ...(commit ? { commit } : {}),
        ...(pullRequest ? { members: pullRequest.members } : {}),
      },
      compilePolicies,
    );
    const entry = report.proposals.find((proposal) => proposal.file === subject?.file);
    gateEntry = entry;
    const errors = report.proposals.flatMap((proposal) =>
      proposal.findings.filter((finding) => finding.severity === 'error'),
    );
    const reasons: string[] = [];
    if (!entry?.ok)
      reasons.push(`validation fails (${errors.length} error${errors.length === 1 ? '' : 's'})`);
    const missing = entry?.approvals.required.filter((requirement) => !requirement.satisfied) ?? [];
    if (missing.length > 0) {
      reasons.push(
        `approvals missing: ${missing.map((requirement) => `${requirement.count - requirement.approvedBy.length} from ${requirement.team ?? requirement.role ?? requirement.reason}`).join(', ')}`,
      );
    }
    // why: the window verdict is already in the validation: a closed window is an error finding,
    // unless an emergency bypasses it or a deny window's override approvals turn it into a required
    // approval (checked above). Name the blocking windows when that is why validation fails.
    const closed = entry?.findings.filter(
      (finding) => finding.ruleId === 'window' && finding.severity === 'error',
    );
    if (closed && closed.length > 0) {
      reasons.push(
        `the production windows do not allow the change now (${[...new Set(closed.map((finding) => finding.policy))].join(', ')})`,
      );
    }
    return { ok: reasons.length === 0, reasons, findings: errors };
  };

  const runDirectory = await runs.createRunDirectory({
    repoRoot: workspace.root,
    runsPath: workspace.config.paths.runs,
    cwd,
    at: now(),
    redactor: settings.redactor,
    ...(flags.outDir ? { outDir: flags.outDir } : {}),
  });
  // why: a function, because the gate fills in gateEntry only when applyProposal calls it.
  const evidenceContext = (): EvidenceContext => ({
    subject,
    approvals,
    runDirectory: runDirectory.path,
    redactor: settings.redactor,
    ...(gateEntry ? { report: gateEntry } : {}),
    ...(flags.pr !== undefined ? { pullNumber: flags.pr } : {}),
    ...(flags.reapply !== undefined ? { reapply: flags.reapply } : {}),
  });
  const progress = runs.createProgressReporter(progressOptions());
  const interrupt = runs.cancelOnInterrupt(() => process.exit(130));
  let result: import('../../runs/index.js').ApplyResult;
  try {
    const run = () =>
      runs.applyProposal(subject, {
        repoRoot: workspace.root,
        redactor: settings.redactor,
        concurrency: 1,
        timeoutMs: settings.timeoutMs,
        killGraceMs: settings.killGraceMs,
        commands: settings.commands,
        signal: interrupt.signal,
        runDirectory,
        progress,
        version: VERSION,
        gate,
        now,
        actor: process.env.GITHUB_ACTOR ?? os.userInfo().username,
        ...(commit ? { commit } : {}),
        ...(reviewedDigest ? { reviewedDigest } : {}),
        onStart: (started) => recordStarted(workspace.root, started, evidenceContext()),
      });
    // why: the local locks keep two applies on this machine apart; --pr adds the ones across runners.
    const { createGitLockRefs, withLocks } = await import('../../locks/index.js');
    const holder = `${process.env.GITHUB_ACTOR ?? os.userInfo().username}@${os.hostname()} (pid ${process.pid})`;
    const locked = () =>
      withLocks(createGitLockRefs(workspace.root), subject, { holder, now: now(), commit: headCommit }, run);
    result = pullRequest ? await pullRequest.withLocks(locked) : await locked();
  } finally {
    progress.close();
    interrupt.dispose();
  }
  const evidence = await recordEvidence(workspace.root, result, evidenceContext());
  const posted = pullRequest
    ? await pullRequest.record(result, {
        runDirectory: runDirectory.path,
        ...(gateEntry ? { report: gateEntry } : {}),
      })
    : undefined;

  const relative = path.relative(cwd, runDirectory.path) || '.';
  if (flags.format === 'json') {
    process.stdout.write(`${JSON.stringify(settings.redactor.redactValue(result), null, 2)}\n`);
  } else {
    const lines = [`${result.proposal.id}: ${result.outcome} — ${result.message}`];
    for (const [label, steps] of [
      ['step', result.steps],
      ['verification', result.verification],
      ['rollback', result.rollback],
    ] as const) {
      for (const step of steps) {
        lines.push(
          `  ${label} ${step.index + 1} ${step.name}: ${runs.stepSummary(step)}${step.message ? ` — ${step.message}` : ''}`,
        );
      }
    }
    lines.push(`result: ${path.join(relative, 'result.json')}`);
    if (evidence)
      lines.push(
        `evidence: record #${evidence.sequence} on ${(await import('../../audit/index.js')).EVIDENCE_REF}`,
      );
    if (posted) lines.push(`recorded on the pull request: ${posted}`);
    process.stdout.write(settings.redactor.redactText(`${lines.join('\n')}\n`));
  }
  switch (result.outcome) {
    case 'applied':
      return 0;
    case 'error':
      return 3;
    case 'cancelled':
      return 130;
    default:
      return 1;
  }
}

/** Earlier applies of a proposal at any of the commits, from the evidence (fetched from origin first). */
async function previousApplies(
  root: string,
  id: string,
  commits: readonly string[],
): Promise<import('../../runs/index.js').PreviousApply[]> {
  const { readEvidence } = await import('../../audit/index.js');
  const { refreshEvidence } = await import('../../audit/cli-support.js');
  await refreshEvidence(root, (message) => process.stderr.write(`warning: ${message}\n`));
  const wanted = new Set(commits);
  return (await readEvidence(root))
    .filter((record) => record.proposal.id === id && wanted.has(record.commit))
    .map((record) => ({
      sequence: record.sequence,
      commit: record.commit,
      outcome: record.outcome,
      finishedAt: record.finishedAt,
      actor: record.actor.name,
    }));
}

/** The reviewed digest of one proposal from a plan.json (`netchange plan --format json` or the artifact). */
async function readReviewedDigest(
  absolute: string,
  shown: string,
  file: string | undefined,
  id: string | undefined,
): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const { usageError } = await import('../../core/errors.js');
  let document: unknown;
  try {
    document = JSON.parse(await readFile(absolute, 'utf8'));
  } catch {
    throw usageError(
      `--reviewed-plan ${shown} is not a readable plan.json`,
      'Pass the plan.json netchange plan wrote.',
    );
  }
  const proposals =
    document !== null &&
    typeof document === 'object' &&
    Array.isArray((document as { proposals?: unknown }).proposals)
      ? ((document as { proposals: unknown[] }).proposals as Array<{
          file?: unknown;
          id?: unknown;
          digest?: unknown;
        }>)
      : [];
  const entry = proposals.find((proposal) => proposal.id === id || proposal.file === file);
  if (!entry || typeof entry.digest !== 'string') {
    throw usageError(
      `--reviewed-plan ${shown} holds no plan for ${id ?? file ?? 'this proposal'}`,
      'Plan this proposal and pass that plan.json.',
    );
  }
  return entry.digest;
}

/** What the evidence of one apply knows beyond result.json. */
interface EvidenceContext {
  subject: import('../../core/model.js').ChangeSubject;
  approvals: import('../../core/model.js').Approval[];
  runDirectory: string;
  redactor: import('../../redact/index.js').Redactor;
  report?: import('../../core/model.js').ProposalReport;
  pullNumber?: number;
  reapply?: string;
}

async function applyEvidenceContext(
  context: EvidenceContext,
): Promise<import('../../audit/index.js').ApplyEvidenceContext> {
  const os = await import('node:os');
  const { evidenceFromReport } = await import('../../audit/index.js');
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  return {
    proposal: context.subject.proposal,
    timezone: context.subject.timezone,
    runDirectory: context.runDirectory,
    ...evidenceFromReport(context.report, context.approvals),
    actor: { name: process.env.GITHUB_ACTOR ?? os.userInfo().username, kind: ci ? 'automation' : 'person' },
    ...(context.pullNumber !== undefined ? { pullRequest: { number: context.pullNumber } } : {}),
    ...(context.reapply !== undefined ? { reapply: { reason: context.reapply } } : {}),
    redactor: context.redactor,
    onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
  };
}

/**
 * Records that the change started, before its first step runs. Unlike the finished record, a
 * failure here stops the apply: a change that could leave no trace is not made.
 */
async function recordStarted(
  root: string,
  result: import('../../runs/index.js').ApplyResult,
  context: EvidenceContext,
): Promise<void> {
  const { recordApplyStarted } = await import('../../audit/index.js');
  const { NetchangeError } = await import('../../core/errors.js');
  try {
    await recordApplyStarted(root, result, await applyEvidenceContext(context));
  } catch (error) {
    throw new NetchangeError(
      'E_GIT',
      `apply stopped before its first step: the apply-started evidence record could not be written (${error instanceof Error ? error.message : String(error)})`,
      { hint: 'Nothing was changed. Check that the repository is writable, then run apply again.' },
    );
  }
}

/**
 * Writes the evidence record of an apply that ran (a refused apply changed nothing and records
 * nothing). A failure to record is reported, never hidden: the change itself already happened.
 */
async function recordEvidence(
  root: string,
  result: import('../../runs/index.js').ApplyResult,
  context: EvidenceContext,
) {
  const { recordApplyResult } = await import('../../audit/index.js');
  try {
    return await recordApplyResult(root, result, await applyEvidenceContext(context));
  } catch (error) {
    process.stderr.write(
      `warning: the evidence record could not be written (${error instanceof Error ? error.message : String(error)}); result.json in ${context.runDirectory} holds what was done\n`,
    );
    return undefined;
  }
}
