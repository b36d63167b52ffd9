import path from 'node:path';
import type { Command } from 'commander';
import { parseShard, type Shard } from '../../conflicts/shard.js';
import { neutralizeControlCharacters } from '../../core/control-characters.js';
import { usageError } from '../../core/errors.js';
import type { ApplyRequest, ApplyRun } from '../../use-cases/apply.js';
import type { DueChange, DueOutcome } from '../../use-cases/apply-due.js';
import { cliContext, withRunControls } from '../context.js';
import { applyExitCode, EXIT, exitCodeFor } from '../exit-codes.js';
import {
  checkOutputTarget,
  formatOption,
  OPTION_HELP,
  parseAt,
  parsePositiveInteger,
  writeOutput,
} from '../options.js';
import { VERSION } from '../version.js';

export interface ApplyFlags {
  repo?: string;
  approvals?: string;
  reviewedPlan?: string;
  outDir?: string;
  format: 'text' | 'json';
  pr?: number;
  due?: boolean;
  reapply?: string;
  dryRun?: boolean;
  at?: string;
  shard?: Shard;
  output?: string;
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
    .option(
      '--approvals <file>',
      'approvals and holds given, as YAML or JSON: [{user, proposal?, hold?, commit?}]',
    )
    .option(
      '--reviewed-plan <file>',
      'the plan.json the reviewers approved; apply refuses when the plan changed',
    )
    .option('--out-dir <dir>', 'where artifacts go (default: .netchange/runs/<timestamp>/)')
    .option(
      '--pr <number>',
      'the pull request: approvals from its reviews, locks on GitHub, a comment and a commit status after; ' +
        "it must merge into the repository's default branch; before its merge (an emergency) it is refused if it differs from that branch in a policy file, and its changed code needs a code reviewer's approval of the head",
      parsePositiveInteger('--pr'),
    )
    .option(
      '--due',
      'apply every merged, approved proposal whose window is open now (scheduled workflow), in waves: a redundancy group one member per wave',
    )
    .option(
      '--shard <k/n>',
      'with --due: apply only shard K of N (1 ≤ K ≤ N ≤ 256); a redundancy group stays in one shard, its members one wave after another',
      parseShard,
    )
    .option(
      '--reapply <reason>',
      'run again although the evidence shows the proposal applied at this commit; the reason is recorded',
    )
    .option(
      '--dry-run',
      'rehearse: run the whole gate (validation, approvals, window, slot, locks, reviewed plan) and print the verdict; run, lock and record nothing',
    )
    .option(
      '--at <iso>',
      'with --dry-run: judge the gate at this instant, e.g. Sunday 02:00 local (RFC 3339)',
    )
    .addOption(formatOption('apply', 'text'))
    .option(
      '--output <file>',
      'write the result (the run, the rehearsal, or with --due every run) to this file instead of stdout',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ netchange apply changes/chg-0142-vlan40-packaging.yaml --approvals approvals.yaml
  $ netchange apply changes/chg-0142-vlan40-packaging.yaml --approvals approvals.yaml --reviewed-plan plan.json
  $ netchange apply changes/chg-0142-vlan40-packaging.yaml --approvals approvals.yaml --reapply "sw-plant-a-01 replaced (RMA)"
  $ netchange apply changes/chg-0142-vlan40-packaging.yaml --approvals approvals.yaml --dry-run --at 2026-11-29T02:00:00-06:00

Apply runs exactly what was reviewed, once: it refuses outside a git repository with commits, when
the proposal or anything it runs (playbooks, inventories, Terraform directories, ansible.cfg,
roles, policies; with an Ansible step, any tracked file of the work tree) has uncommitted changes, and when the evidence shows the proposal already applied
at this commit (unless --reapply). It holds a lock per device and Terraform stack in the local
repository (and on GitHub with --pr), so two applies never overlap.

--due applies in waves, one wave after another: the members of one redundancy group (the
change-control policy's redundancyGroups) go one per wave, by scheduled start then id; changes of
other groups, or of none, share the waves. When a member does not end applied (failed, rolled back,
cancelled, refused, an error), the later members of its group are skipped in this run, each with the
reason, and the next run tries that member again first; the other changes still run. Without
--shard this is shard 1/1: the same waves on one runner. With --format json, --due prints one
object, {schemaVersion, tool, due: [{id, pullNumber, path, wave, waves, and run, skipped or
error}]}, and its progress lines go to stderr.

--dry-run lists every unmet condition in plain words with local times, or says it would run; it
exits 0 when a real apply would start, 1 when it would be refused.

Exit codes: 0 applied (verified when the proposal has verification steps), 1 refused by the gate or
the change failed (rolled back or not), 2 usage or configuration error, 3 a tool failed, 130 cancelled.
With --due: the worst of the due proposals' codes; a skipped one counts as 1.`,
    )
    .action(async (proposalPath: string | undefined, flags: ApplyFlags) => {
      if (flags.at !== undefined && !flags.dryRun)
        throw usageError(
          '--at rehearses the gate at another time and works only with --dry-run',
          'Add --dry-run; a real apply always judges the gate now.',
        );
      if (flags.shard && !flags.due)
        throw usageError(
          '--shard splits the due proposals; it goes with --due',
          'Add --due, or drop --shard.',
        );
      if (flags.dryRun) {
        if (flags.due)
          throw usageError(
            '--dry-run rehearses one proposal; it does not take --due',
            'Rehearse one change: netchange apply changes/<file>.yaml --dry-run.',
          );
        if (!proposalPath)
          throw usageError(
            'apply --dry-run needs a proposal file',
            'Name the change to rehearse: netchange apply changes/<file>.yaml --dry-run.',
          );
        process.exitCode = await rehearse(proposalPath, flags);
        return;
      }
      if (flags.due) {
        await checkOutputTarget(flags.output, process.cwd());
        process.exitCode = await applyDue(proposalPath, flags);
        return;
      }
      if (!proposalPath)
        throw usageError(
          'apply needs a proposal file, or --due',
          'Name the change (netchange apply changes/<file>.yaml), or run every change that is due with --due.',
        );
      // why: checked before anything runs; a result that cannot be written after a real change
      // is printed instead (writeResult), never lost.
      await checkOutputTarget(flags.output, process.cwd());
      process.exitCode = await runApply(proposalPath, flags);
    });
}

/** `apply PATH`: one use-case call, its result rendered, its outcome mapped to the exit code. */
async function runApply(proposalPath: string, flags: ApplyFlags): Promise<number> {
  const { applyChange } = await import('../../use-cases/apply.js');
  const run = await withRunControls((controls) =>
    applyChange(applyRequest(proposalPath, flags), { ...cliContext(), ...controls }),
  );
  await writeResult(await renderApplyRun(run, flags.format), flags.output);
  return applyExitCode(run.result.outcome);
}

/**
 * The result to `--output` or stdout. why: it reports changes already made, so a file that cannot
 * be written after all (removed while the change ran) costs the file, not the report: it goes to
 * stdout with a warning, and the exit code stays the change's.
 */
async function writeResult(text: string, output: string | undefined): Promise<void> {
  try {
    await writeOutput(text, output, process.cwd());
  } catch (error) {
    process.stdout.write(text);
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`warning: ${message}; the result is on stdout above\n`);
  }
}

/** `apply --dry-run [--at ISO]`: the gate's verdict, nothing run; exit 0 would run, 1 would refuse. */
async function rehearse(proposalPath: string, flags: ApplyFlags): Promise<number> {
  const { rehearseApply } = await import('../../use-cases/apply.js');
  const { renderRehearsal } = await import('../../reporters/apply/rehearsal.js');
  const rehearsal = await rehearseApply(
    { ...applyRequest(proposalPath, flags), ...(flags.at !== undefined ? { at: parseAt(flags.at) } : {}) },
    cliContext(),
  );
  // why: versioned like every other object apply prints (its result, a refusal, --due).
  const document = { schemaVersion: 1, tool: { name: 'netchange', version: VERSION }, ...rehearsal };
  await writeOutput(
    flags.format === 'json' ? `${JSON.stringify(document, null, 2)}\n` : renderRehearsal(rehearsal),
    flags.output,
    process.cwd(),
  );
  return rehearsal.wouldRun ? EXIT.passed : EXIT.failed;
}

/** `apply --due`: every due proposal through the same use-case, wave after wave; the worst exit code. */
async function applyDue(proposalPath: string | undefined, flags: ApplyFlags): Promise<number> {
  if (proposalPath)
    throw usageError('--due finds the proposals itself; do not name one', 'Drop the path, or drop --due.');
  if (flags.pr !== undefined)
    throw usageError(
      '--due finds the pull requests itself; do not pass --pr',
      'Drop --pr, or name one proposal with its --pr instead of --due.',
    );
  const { applyDueChanges } = await import('../../use-cases/apply-due.js');
  const { proposalPath: _none, ...request } = applyRequest('', flags);
  // why: with --format json, stdout holds the one JSON object of the whole run; progress goes to stderr.
  const json = flags.format === 'json';
  const progress = json ? process.stderr : process.stdout;
  const entries: object[] = [];
  // why: with --output, the runs' reports go to the file at the end; progress stays where it was.
  const rendered: string[] = [];
  const outcomes = await withRunControls((controls) =>
    applyDueChanges(
      { ...request, ...(flags.shard ? { shard: flags.shard } : {}) },
      { ...cliContext(), ...controls },
      {
        onStart: (change) =>
          progress.write(`applying ${change.id} from #${change.pullNumber}${waveOf(change)}\n`),
        onFinished: async (outcome) => {
          const { change } = outcome;
          if (outcome.run) {
            const text = await renderApplyRun(outcome.run, flags.format);
            if (json) entries.push({ ...change, run: JSON.parse(text) });
            else if (flags.output) rendered.push(text);
            else process.stdout.write(text);
          } else if (outcome.skipped !== undefined) {
            progress.write(
              `skipped ${change.id} from #${change.pullNumber}${waveOf(change)}: ${outcome.skipped}\n`,
            );
            entries.push({ ...change, skipped: outcome.skipped });
          } else {
            const { error } = outcome;
            process.stderr.write(
              neutralizeControlCharacters(
                `error: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`,
              ),
            );
            entries.push({
              ...change,
              error: {
                code: error.code,
                message: error.message,
                ...(error.hint ? { hint: error.hint } : {}),
              },
            });
          }
        },
      },
    ),
  );
  if (outcomes.length === 0)
    progress.write('nothing is due: no merged, unapplied proposal is inside its window now\n');
  if (json) {
    const due = { schemaVersion: 1, tool: { name: 'netchange', version: VERSION }, due: entries };
    await writeResult(`${JSON.stringify(due, null, 2)}\n`, flags.output);
  } else if (flags.output) await writeResult(rendered.join(''), flags.output);
  return Math.max(EXIT.passed, ...outcomes.map(dueExitCode));
}

/** " (wave 2 of 3)" when the run has more than one wave; nothing otherwise. */
function waveOf(change: DueChange): string {
  return change.waves > 1 ? ` (wave ${change.wave} of ${change.waves})` : '';
}

/** One due proposal's exit code; a skipped one was not applied, like a refused one. */
function dueExitCode(outcome: DueOutcome): number {
  if (outcome.run) return applyExitCode(outcome.run.result.outcome);
  if (outcome.error) return exitCodeFor(outcome.error.code);
  return EXIT.failed;
}

/** The apply run in the chosen format. */
async function renderApplyRun(run: ApplyRun, format: ApplyFlags['format']): Promise<string> {
  const { renderResult } = await import('../../reporters/registry.js');
  const runDirectory = path.relative(process.cwd(), run.runDirectory) || '.';
  return renderResult('apply', format, {
    result: run.result,
    resultFile: path.join(runDirectory, 'result.json'),
    runDirectory,
    ...(run.evidence ? { evidence: run.evidence } : {}),
    ...(run.posted ? { postedTo: run.posted } : {}),
    redactor: run.redactor,
  });
}

function applyRequest(proposalPath: string, flags: ApplyFlags): ApplyRequest {
  return {
    proposalPath,
    ...(flags.repo ? { repo: flags.repo } : {}),
    ...(flags.approvals ? { approvalsFile: flags.approvals } : {}),
    ...(flags.reviewedPlan ? { reviewedPlan: flags.reviewedPlan } : {}),
    ...(flags.outDir ? { outDir: flags.outDir } : {}),
    ...(flags.pr !== undefined ? { pullNumber: flags.pr } : {}),
    ...(flags.reapply !== undefined ? { reapply: flags.reapply } : {}),
  };
}
