import type { Command } from 'commander';
import { formatOption, OPTION_HELP } from '../options.js';

interface NextFlags {
  repo?: string;
  at?: string;
  format: string;
}

const SLOT_COUNT = 3;

export function registerNextCommand(program: Command): void {
  program
    .command('next')
    .summary('show the next allowed slots for a proposal, and what blocks the requested one')
    .description(
      'Evaluate one proposal against the production windows and list the first three slots, at or after\n' +
        'its requested start and not in the past, where the whole change (rollback time included) is allowed.\n' +
        'Windows are judged at the effective risk from the change-control policy, when there is one.',
    )
    .argument('<path>', 'the proposal file (relative to the current directory)')
    .option('--repo <dir>', OPTION_HELP.repo)
    .option('--at <iso>', 'search as of this instant (default: now); slots are never before it')
    .addOption(formatOption('next', 'text'))
    .addHelpText(
      'after',
      `
Examples:
  $ netchange next changes/chg-0142.yaml
  $ netchange next changes/chg-0142.yaml --at 2026-11-23T08:00:00Z --format json

Exit codes: 0 a slot was found (or the requested one is allowed), 1 the proposal is invalid or no
            slot exists within the policy's horizon, 2 usage error or invalid policy.`,
    )
    .action(async (file: string, flags: NextFlags) => {
      process.exitCode = await runNext(file, flags);
    });
}

async function runNext(file: string, flags: NextFlags): Promise<number> {
  const { parseAt } = await import('../options.js');
  const { configError } = await import('../../core/errors.js');
  const { openWorkspace } = await import('../../pipeline/workspace.js');
  const { loadChangeSubjects } = await import('../../pipeline/load-proposals.js');
  const { evaluateWindows, nextAllowedSlots, toIsoLocal, zoneClock, isWindowTimeZone } = await import(
    '../../windows/index.js'
  );
  const { toRfc3339Utc } = await import('../../core/time.js');
  const { renderResult } = await import('../../reporters/registry.js');
  const { loadWindowPolicy } = await import('./windows.js');

  const at = parseAt(flags.at);
  const workspace = await openWorkspace({ cwd: process.cwd(), ...(flags.repo ? { repo: flags.repo } : {}) });
  const policy = await loadWindowPolicy(workspace, at);
  const { subjects, findings } = await loadChangeSubjects(workspace, { paths: [file] });
  const { checkLeadTime } = await import('../../proposals/schedule.js');
  const subject = subjects[0];
  const tooFar = subject && checkLeadTime(subject, at.getTime(), subject.file, subject.locate);
  if (!subject || tooFar) {
    const errors = [
      ...findings.filter((finding) => finding.severity === 'error'),
      ...(tooFar ? [tooFar] : []),
    ];
    for (const finding of errors) {
      process.stderr.write(
        `error: ${[finding.file, finding.line, finding.column].filter((part) => part !== undefined).join(':')} ${finding.message}\n`,
      );
    }
    process.stderr.write(`${file} cannot be scheduled until these errors are fixed.\n`);
    return 1;
  }

  // why: windows may be scoped by risk, and an emergency may bypass them; both come from change control.
  let risk = subject.proposal.risk;
  let bypass = false;
  if (workspace.changeControlDocument) {
    const { assessRisk, bypassesWindows, compileChangeControlPolicy } = await import(
      '../../control/index.js'
    );
    const compiled = compileChangeControlPolicy(workspace.changeControlDocument);
    if (!compiled.policy) {
      throw configError(`${workspace.config.paths.changeControl} has errors`, {
        findings: compiled.findings.filter((finding) => finding.severity === 'error'),
      });
    }
    const declared = evaluateWindows(policy, subject, { at, risk, bypass: false });
    risk = assessRisk(compiled.policy, subject, { windows: declared.overlapping }).effective;
    bypass = bypassesWindows(compiled.policy, subject);
  }

  const verdict = evaluateWindows(policy, subject, { at, risk, bypass });
  const slots = nextAllowedSlots(policy, subject, { at, risk, count: SLOT_COUNT });
  const clock = zoneClock(isWindowTimeZone(subject.timezone) ? subject.timezone : policy.timezone);
  const report = {
    file: subject.file,
    id: subject.proposal.id,
    requested: {
      start: toRfc3339Utc(subject.startMs),
      end: toRfc3339Utc(subject.endMs + subject.rollbackMs),
    },
    timezone: clock.zone,
    open: verdict.open,
    risk,
    bypass,
    blockedBy: verdict.findings,
    overrideApprovals: verdict.overrideApprovals,
    slots: slots.map((slot) => ({
      ...slot,
      localStart: toIsoLocal(Date.parse(slot.start), clock),
      localEnd: toIsoLocal(Date.parse(slot.end), clock),
    })),
    horizon: policy.horizon,
  };
  process.stdout.write(await renderResult('next', flags.format, report));
  return verdict.open || slots.length > 0 ? 0 : 1;
}
