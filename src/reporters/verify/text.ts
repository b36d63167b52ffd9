import type { VerifyResult } from '../../audit/verify.js';
import { formatLocalAndUtc } from '../../core/time.js';

/**
 * What `audit verify` prints: the first problem, every anchor that failed, or the intact head; then
 * every open change.
 */
export function renderVerifyText(result: VerifyResult): string {
  // why: a started change with no result is not a broken chain, but someone must check the devices.
  const open = (result.openChanges ?? []).map(
    (change) =>
      `open change: ${change.proposal} started ${formatLocalAndUtc(Date.parse(change.startedAt), change.timezone)} by ${change.actor} (record #${change.sequence}, commit ${change.commit.slice(0, 12)}) and has no result: the run was interrupted (or is still running); check the devices\n`,
  );
  return describeVerify(result) + open.join('');
}

function describeVerify(result: VerifyResult): string {
  const failedAnchors = result.anchors?.failed ?? [];
  if (failedAnchors.length > 0) {
    return (
      `evidence chain does not hold ${failedAnchors.length} of ${result.anchors?.checked} published anchor(s):\n` +
      failedAnchors.map((failure) => `  ${failure.message}\n`).join('') +
      `  the chain itself: ${result.checked} record(s)${result.last ? `, last #${result.last.sequence} sha256:${result.last.hash}` : ''}\n`
    );
  }
  const problem = result.firstProblem;
  if (problem) {
    return (
      `evidence chain broken: ${problem.message}\n` +
      `  problem: ${problem.problem} at record #${problem.sequence}${problem.commit ? ` (commit ${problem.commit})` : ''}; ${result.checked} record(s) before it are intact\n`
    );
  }
  const anchors = result.anchors ? `; holds all ${result.anchors.checked} anchor(s)` : '';
  if (result.checked === 0) {
    return `no evidence recorded yet (the branch netchange-evidence does not exist or is empty)${anchors}\n`;
  }
  return `evidence chain intact: ${result.checked} record(s), last #${result.last?.sequence} sha256:${result.last?.hash}${anchors}\n`;
}
