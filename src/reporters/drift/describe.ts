/** Words the drift formats share, so text and markdown say the same thing. Pure. */
import { formatLocalAndUtc } from '../../core/time.js';
import type { DriftReport, DriftTargetReport } from '../../drift/model.js';

/** `4 targets: 1 drifted, 2 in sync, 1 ignored, 0 errors`. */
export function summaryLine(report: DriftReport): string {
  const { targets, drifted, inSync, ignored, errors } = report.summary;
  return `${targets} target${targets === 1 ? '' : 's'}: ${drifted} drifted, ${inSync} in sync, ${ignored} ignored, ${errors} error${errors === 1 ? '' : 's'}`;
}

/** When the check ran, in the display format: `Tue 1 Dec 2026 02:00 CST (08:00Z)`. */
export function checkedAtText(report: DriftReport, timeZone: string | undefined): string {
  return formatLocalAndUtc(Date.parse(report.checkedAt), timeZone);
}

/** Where the intended state came from: `origin/main (0123456789ab)`. */
export function intendedFrom(report: DriftReport): string {
  const commit = report.commit ? report.commit.slice(0, 12) : 'unknown commit';
  return report.ref ? `${report.ref} (${commit})` : commit;
}

/** Why a drifted target differs, in a few words. */
export function explanationText(target: DriftTargetReport): string {
  const explanation = target.explanation;
  if (!explanation) return '';
  switch (explanation.kind) {
    case 'out-of-band':
      return 'changed outside netchange (no proposal explains it)';
    case 'applied-not-merged':
      return `applied from ${explanation.proposal?.id ?? 'a proposal'} whose pull request is not merged`;
    case 'merged-not-applied':
      return `${explanation.proposal?.id ?? 'a merged proposal'} is merged but not applied yet`;
  }
}

/** `12 lines hidden by frr-ntp, 1 by ...`. */
export function ignoredText(target: DriftTargetReport): string {
  return target.ignored
    .map(
      (entry) => `${entry.lines.length} line${entry.lines.length === 1 ? '' : 's'} hidden by ${entry.rule}`,
    )
    .join(', ');
}
