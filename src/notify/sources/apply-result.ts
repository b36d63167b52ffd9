/**
 * One apply run as a chat message: the result first, then the proposal, who ran it, who approved
 * it, when, and the link to its pull request or CI run. The approvals come from the run's evidence
 * record when it can be found (result.json itself does not hold them).
 */
import type { EvidenceRecord } from '../../audit/types.js';
import { formatLocalAndUtc } from '../../core/time.js';
import type { ApplyResult } from '../../runs/index.js';
import type { Notification, NotificationTone } from '../model.js';

const OUTCOME_TEXT: Record<ApplyResult['outcome'], { word: string; tone: NotificationTone }> = {
  applied: { word: 'applied', tone: 'good' },
  failed: { word: 'FAILED', tone: 'attention' },
  'rolled-back': { word: 'ROLLED BACK', tone: 'attention' },
  'rollback-failed': { word: 'ROLLBACK FAILED', tone: 'attention' },
  refused: { word: 'refused by the gate', tone: 'attention' },
  cancelled: { word: 'cancelled', tone: 'attention' },
  error: { word: 'stopped by a tool error', tone: 'attention' },
  interrupted: { word: 'INTERRUPTED (no result was written)', tone: 'attention' },
};

export interface ApplyRunFacts {
  result: ApplyResult;
  /** The run's evidence record, when found. */
  evidence?: EvidenceRecord;
  /** A link given on the command line or the CI run; the pull request wins when the record has one. */
  link?: Notification['link'];
}

export function describeApplyNotification({ result, evidence, link }: ApplyRunFacts): Notification {
  const outcome = OUTCOME_TEXT[result.outcome] ?? { word: result.outcome, tone: 'attention' as const };
  const zone = evidence?.proposal.timezone;
  const approvers = evidence
    ? evidence.approvers.length > 0
      ? evidence.approvers
          .map((approver) => (approver.team ? `${approver.user} (${approver.team})` : approver.user))
          .join(', ')
      : 'none recorded'
    : 'not known (no evidence record for this run)';
  const pullRequest = evidence?.pullRequest;
  const failedSteps = [...result.steps, ...result.verification, ...result.rollback]
    .filter((step) => step.status !== 'applied' && step.status !== 'planned' && step.status !== 'skipped')
    .map((step) => `${step.phase} step ${step.name}: ${step.status}`);
  const finalLink = pullRequest?.url
    ? { label: `Pull request #${pullRequest.number}`, url: pullRequest.url }
    : link;
  return {
    title: `${result.proposal.id} ${outcome.word}`,
    summary: `${result.proposal.id} (${result.proposal.title}) ${outcome.word}: ${result.message}`,
    tone: outcome.tone,
    facts: [
      { label: 'Proposal', value: `${result.proposal.id} · ${result.proposal.file}` },
      { label: 'Result', value: result.outcome },
      { label: 'Risk and type', value: `${result.proposal.risk} risk, ${result.proposal.type}` },
      { label: 'Ran by', value: result.actor ?? evidence?.actor.name ?? 'unknown' },
      { label: 'Approved by', value: approvers },
      { label: 'Finished', value: formatLocalAndUtc(Date.parse(result.finishedAt), zone) },
      ...(result.commit ? [{ label: 'Commit', value: result.commit.slice(0, 12) }] : []),
      ...(pullRequest ? [{ label: 'Pull request', value: `#${pullRequest.number}` }] : []),
    ],
    sections: [{ heading: 'Steps that did not apply', lines: failedSteps }],
    ...(finalLink ? { link: finalLink } : {}),
  };
}
