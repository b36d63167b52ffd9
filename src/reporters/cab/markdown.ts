/**
 * `netchange cab --format markdown`: the board's pack as a GitHub issue body. Sections in reading
 * order (what went wrong, what to decide, what is coming), so a pack cut to GitHub's size limit
 * loses the schedule's tail first, never a failure or a high-risk card.
 */
import { isStartedRecord } from '../../audit/open-changes.js';
import type { CabCard, CabPack, EmergencyReview } from '../../cab/pack.js';
import type { ReviewReminder } from '../../cab/reviews.js';
import type { Risk } from '../../core/model.js';
import { REVIEW_STATE_LABELS } from '../../core/review-state.js';
import { formatLocalAndUtc, formatSpanLocalAndUtc } from '../../core/time.js';
import { GITHUB_LIMITS, truncateToLimit } from '../../github/limits.js';
import type { ScheduleEntry } from '../../schedule/model.js';
import { headline, spanText, timeText } from '../digest/describe.js';
import { escapeMarkdown } from '../digest/markdown.js';
import { describeRemoval, REVIEW_STATE_MARKERS } from '../review/summary.js';
import { describeRequirement } from '../validation/describe.js';

const RISKS: readonly Risk[] = ['high', 'medium', 'low'];

/**
 * Text from proposals and records as the pack shows it: on one line, runs of spaces as one (a table
 * cell, a card's fact), never markup or a link. why: the pack is a GitHub issue (`cab --post`),
 * which links a bare URL, `#12` or a mention even when the markup around it is escaped
 * (`\[x\](https://…)` still linked the address); the digest's issue has the same rule, so the pack
 * escapes with the digest's helper.
 */
function escapeText(text: string): string {
  return escapeMarkdown(text.replace(/\s+/g, ' '));
}

/** Lines of the schedule table shown before "and N more". */
export const MAX_SCHEDULE_ROWS = 100;

/** The pack as markdown, within GitHub's issue body limit (less room for the issue's markers and footer). */
export function renderCabMarkdown(pack: CabPack): string {
  const lines = [
    `## netchange CAB pack: ${formatLocalAndUtc(Date.parse(pack.meeting), pack.timezone)}`,
    '',
    `**${summaryLine(pack)}**`,
    '',
    `### Since the last meeting`,
    '',
    `Records between ${formatLocalAndUtc(Date.parse(pack.since), pack.timezone)} and the meeting.`,
    ...failuresSection(pack),
    ...emergencySection(pack),
    ...outsideSection(pack),
    ...reviewsSection(pack),
    ...assessSection(pack),
    ...weakeningSection(pack),
    ...scheduleSection(pack),
  ];
  if (pack.unreadable.length > 0) {
    lines.push(
      '',
      `> **Warning:** ${pack.unreadable.length} evidence record(s) could not be read; run \`netchange audit verify\`.`,
    );
  }
  const whole = `${lines.join('\n')}\n`;
  // why: GitHub refuses a body over 65,536 characters (HTTP 422); like the pull-request comment, the
  // pack is cut at a line with a note, and `--format json` has everything.
  return truncateToLimit(
    whole,
    GITHUB_LIMITS.commentSection,
    (hidden) =>
      `\n> **Truncated:** ${hidden.toLocaleString('en-US')} more characters of this pack do not fit in a GitHub issue. Run \`netchange cab --meeting ${pack.meeting} --format json\` for all of it.\n`,
    { markdown: true },
  );
}

/** `1 failed, 1 retrospective overdue, 2 to assess (1 high), 5 changes in the next 14 days`. */
export function summaryLine(pack: CabPack): string {
  const overdue = pack.emergencies.filter((review) => review.status === 'overdue').length;
  const high = pack.toAssess.filter((card) => card.risk.effective === 'high').length;
  const outside = pack.outside.configured
    ? `${pack.outside.unexplained.length} unexplained drift`
    : 'drift not configured';
  const reviewsOverdue = (pack.reviews ?? []).filter((review) => review.status === 'overdue').length;
  return [
    `${pack.failures.length} failed, rolled back or interrupted`,
    `${pack.emergencies.length} emergency (${overdue} retrospective overdue)`,
    outside,
    // why: said only when the policy has reviews, so packs without them read as before.
    ...(pack.reviews ? [`${reviewsOverdue} review${reviewsOverdue === 1 ? '' : 's'} overdue`] : []),
    `${pack.toAssess.length} to assess (${high} high risk)`,
    `${pack.schedule.changes.length} scheduled in the next 14 days`,
  ].join(' · ');
}

/** The policy's weakened pack rules and their waivers: the board sees what the organisation relaxed. */
function weakeningSection(pack: CabPack): string[] {
  const weakenings = pack.policyWeakenings ?? [];
  if (weakenings.length === 0) return [];
  const lines = ['', `### Policy weakenings and waivers (${weakenings.length})`, ''];
  for (const weakening of weakenings) {
    const status =
      weakening.status === 'waived'
        ? `waived until ${weakening.waiver?.until}: ${escapeText(weakening.waiver?.reason ?? '')}`
        : weakening.status === 'expired'
          ? `**waiver expired** after ${weakening.waiver?.until}`
          : '**not waived**';
    lines.push(
      `- **${escapeText(weakening.name)}** (${weakening.how === 'drop' ? 'dropped' : 'weakened'} at \`${weakening.at}\`): ${escapeText(weakening.changes.join('; '))}; inherited from ${escapeText(weakening.inherited)} — ${status}`,
    );
  }
  return lines;
}

/** The periodic reviews that are overdue or due soon; nothing when every review is current. */
function reviewsSection(pack: CabPack): string[] {
  const due = (pack.reviews ?? []).filter((review) => review.status !== 'current');
  if (due.length === 0) return [];
  const lines = ['', `### Periodic reviews due (${due.length})`, ''];
  for (const review of due) lines.push(`- ${describeReview(review, pack.timezone)}`);
  return lines;
}

/** `**nsc-rule-review** — **OVERDUE** since …; last reviewed … (commit 1a2b3c4d5e6f); every P6M; PCI-DSS-4.0 1.2.7 …`. */
export function describeReview(review: ReviewReminder, zone: string | undefined): string {
  const state = !review.due
    ? `**OVERDUE**: never reviewed (no commit touched its paths and no${review.untrustedLastReviewed ? ' trustworthy' : ''} lastReviewed is written)`
    : review.status === 'overdue'
      ? `**OVERDUE** since ${timeText(review.due, zone)}`
      : `due ${timeText(review.due, zone)}`;
  const evidence = review.evidence
    ? review.evidence.kind === 'commit'
      ? `commit ${review.evidence.commit.slice(0, 12)}`
      : `lastReviewed ${review.evidence.day}`
    : undefined;
  const last =
    review.lastReviewedAt && evidence
      ? `; last reviewed ${timeText(review.lastReviewedAt, zone)} (${evidence})`
      : '';
  const control = review.control
    ? `; ${escapeText(`${review.control.framework} ${review.control.id} ${review.control.title}`)}`
    : '';
  const paths =
    review.paths.length > 0 ? `; paths ${review.paths.map((entry) => `\`${entry}\``).join(', ')}` : '';
  const reason = review.reason ? ` — ${escapeText(review.reason)}` : '';
  const untrusted = review.untrustedLastReviewed
    ? `; **lastReviewed ${escapeText(review.untrustedLastReviewed)} is ${review.untrustedBecause ?? 'after the meeting'}, so it is not counted**`
    : '';
  return `**${escapeText(review.name)}** — ${state}${last}; every ${review.every}${control}${paths}${untrusted}${reason}`;
}

function failuresSection(pack: CabPack): string[] {
  const lines = ['', `#### Failed, rolled back and interrupted (${pack.failures.length})`, ''];
  if (pack.failures.length === 0) return [...lines, 'None.'];
  for (const record of pack.failures) {
    const zone = record.proposal.timezone;
    const when = isStartedRecord(record)
      ? `started ${timeText(record.startedAt, zone)}, no result`
      : spanText(record.startedAt, record.finishedAt, zone);
    const pull = record.pullRequest ? `; pull request ${pullLink(record.pullRequest)}` : '';
    lines.push(
      `- **${escapeText(headline(record))}** — ${when}; requested by ${escapeText(record.requester.github)} (${escapeText(record.requester.team)}), run by ${escapeText(record.actor.name)}; rollback ${record.rollback.status}${pull}`,
    );
  }
  return lines;
}

function emergencySection(pack: CabPack): string[] {
  const lines = ['', `#### Emergency changes and their retrospectives (${pack.emergencies.length})`, ''];
  if (pack.emergencies.length === 0) return [...lines, 'None.'];
  for (const review of pack.emergencies) lines.push(`- ${describeEmergency(review)}`);
  return lines;
}

function describeEmergency(review: EmergencyReview): string {
  const { record } = review;
  const zone = record.proposal.timezone;
  const retrospective =
    review.status === 'overdue'
      ? `retrospective **OVERDUE** since ${timeText(review.retrospectiveDue ?? '', zone)}`
      : review.status === 'due'
        ? `retrospective due ${timeText(review.retrospectiveDue ?? '', zone)}`
        : 'no retrospective due date recorded';
  const incident = record.proposal.incident ? `; incident ${escapeText(record.proposal.incident)}` : '';
  return `**${escapeText(record.proposal.id)}**${record.proposal.title ? ` ${escapeText(record.proposal.title)}` : ''} — ${retrospective}; ${record.outcome}, ${spanText(record.startedAt, record.finishedAt, zone)}, by ${escapeText(record.actor.name)}${incident}`;
}

function outsideSection(pack: CabPack): string[] {
  const lines = ['', '#### Changed outside netchange', ''];
  const { outside } = pack;
  if (!outside.configured)
    return [
      ...lines,
      'Drift not configured: netchange.yaml has no `drift:` targets and no drift record exists.',
    ];
  const others = `${outside.explained} explained by netchange changes, ${outside.resolved} resolved`;
  if (outside.unexplained.length === 0) return [...lines, `No unexplained drift (${others}).`];
  lines.push(`${outside.unexplained.length} unexplained (out-of-band); ${others}:`, '');
  for (const record of outside.unexplained) {
    lines.push(
      `- **${escapeText(record.target.name)}** (${record.target.kind}) — first seen ${timeText(record.firstSeen, pack.timezone)}; ${escapeText(record.diffSummary)}; evidence record #${record.sequence}`,
    );
  }
  return lines;
}

function assessSection(pack: CabPack): string[] {
  const lines = ['', `### To assess (${pack.toAssess.length})`];
  if (pack.toAssess.length === 0) lines.push('', 'No pending change needs the board.');
  for (const risk of RISKS) {
    const cards = pack.toAssess.filter((card) => card.risk.effective === risk);
    if (cards.length === 0) continue;
    lines.push('', `#### ${capitalise(risk)} risk (${cards.length})`);
    for (const card of cards) lines.push(...renderCard(card, pack.planned));
  }
  if (pack.invalid.length > 0) {
    lines.push(
      '',
      `> **Not assessed:** ${pack.invalid.map((entry) => `${escapeText(entry.id)} (\`${entry.file}\`)`).join(', ')} would need the board but do not validate; run \`netchange validate\`.`,
    );
  }
  return lines;
}

/** One card: everything a board member needs to say yes or no. */
export function renderCard(card: CabCard, planned: boolean): string[] {
  const zone = card.schedule.timezone;
  const fact = (label: string, value: string) => `- **${label}:** ${value}`;
  const lines = [
    '',
    `##### ${escapeText(card.id)}${card.title ? ` ${escapeText(card.title)}` : ''}`,
    '',
    fact('state', `${REVIEW_STATE_MARKERS[card.state]} ${REVIEW_STATE_LABELS[card.state]}`),
    fact('why the board', escapeText(card.whyBoard.join('; '))),
    fact('risk', escapeText(riskText(card))),
    fact('type', `${card.type ?? '—'}${card.domain ? `, domain ${escapeText(card.domain)}` : ''}`),
    fact('requester', escapeText(requesterText(card))),
    fact('RACI', card.raci ? escapeText(raciText(card.raci)) : 'no RACI for this domain'),
    fact('slot', slotText(card)),
    fact('window', escapeText(windowText(card, zone))),
    fact(
      'targets',
      escapeText([...card.targets.sites, ...card.targets.devices].join(', ') || 'none declared'),
    ),
    fact('conflicts', conflictsText(card)),
    fact('plan', planText(card, planned)),
  ];
  if (card.plan && card.plan.removals.length > 0) {
    const more = card.plan.moreRemovals ? `; and ${card.plan.moreRemovals} more` : '';
    lines.push(fact('deletions', `${card.plan.removals.map(describeRemoval).join('; ')}${more}`));
  }
  lines.push(fact('rollback plan', card.rollback ? escapeText(card.rollback) : '**none written**'));
  const missing = card.approvals.filter((requirement) => !requirement.satisfied);
  if (missing.length === 0) lines.push(fact('approvals missing', 'none'));
  else {
    lines.push('- **approvals missing:**');
    for (const requirement of missing) lines.push(`  - ${escapeText(describeRequirement(requirement))}`);
  }
  return lines;
}

function scheduleSection(pack: CabPack): string[] {
  const { schedule } = pack;
  const lines = [
    '',
    `### Schedule: ${formatSpanLocalAndUtc(Date.parse(schedule.from), Date.parse(schedule.until), pack.timezone ?? schedule.timezone)}`,
    '',
  ];
  if (schedule.changes.length === 0) return [...lines, 'Nothing is scheduled.'];
  lines.push('| When | Change | State | Where | Conflicts |', '|---|---|---|---|---|');
  const shown = schedule.changes.slice(0, MAX_SCHEDULE_ROWS);
  for (const entry of shown) lines.push(scheduleRow(entry));
  if (schedule.changes.length > shown.length)
    lines.push(
      '',
      `… and ${schedule.changes.length - shown.length} more (\`netchange schedule --days 14\`).`,
    );
  return lines;
}

function scheduleRow(entry: ScheduleEntry): string {
  const when = formatSpanLocalAndUtc(entry.startMs, entry.endMs, entry.timezone);
  const where = [...entry.sites, ...entry.devices].join(', ') || '—';
  const state =
    entry.state === 'pending'
      ? `pending${entry.source.kind === 'pull-request' ? ` (#${entry.source.number})` : ''}`
      : REVIEW_STATE_LABELS[entry.state];
  const conflicts = entry.conflicts.map((other) => other.id).join(', ') || 'none';
  return `| ${when} | **${escapeText(entry.id)}** ${escapeText(entry.title)} | ${state} | ${escapeText(where)} | ${escapeText(conflicts)} |`;
}

function riskText(card: CabCard): string {
  const { declared, effective, reasons } = card.risk;
  const why = reasons.length > 0 ? `: ${reasons.join('; ')}` : '';
  return declared === effective ? `${effective}${why}` : `${effective}, raised from ${declared}${why}`;
}

function requesterText(card: CabCard): string {
  const { github, team, kind, displayName } = card.requester;
  const organisation = kind
    ? `${kind === 'partner' ? 'partner' : kind === 'board' ? 'board' : 'internal'}`
    : 'team not in the policy';
  const named = displayName && displayName !== team ? `${displayName}, ` : '';
  return `${github} of ${team} (${named}${organisation})`;
}

function raciText(raci: NonNullable<CabCard['raci']>): string {
  const list = (teams: readonly string[]) => (teams.length > 0 ? teams.join(', ') : '—');
  return `responsible ${raci.responsible} · accountable ${raci.accountable} · consulted ${list(raci.consulted)} · informed ${list(raci.informed)}`;
}

function slotText(card: CabCard): string {
  const { start, end, rollbackEnd, timezone } = card.schedule;
  const span = formatSpanLocalAndUtc(Date.parse(start), Date.parse(end), timezone);
  return rollbackEnd && rollbackEnd !== end
    ? `${span}; rollback reserved until ${formatLocalAndUtc(Date.parse(rollbackEnd), timezone)}`
    : span;
}

function windowText(card: CabCard, zone: string): string {
  const { window } = card;
  const within = window.overlapping.length > 0 ? ` (${window.overlapping.join(', ')})` : '';
  if (window.open) return `open${within}`;
  if (window.bypassed) return `bypassed (emergency)${within}`;
  const names = window.blockedBy.length > 0 ? window.blockedBy : window.overlapping;
  const next = window.nextAllowed
    ? `; next allowed ${formatLocalAndUtc(Date.parse(window.nextAllowed.start), zone)}`
    : '';
  return `blocked${names.length > 0 ? ` by ${names.join(', ')}` : ''}${next}`;
}

function conflictsText(card: CabCard): string {
  if (!card.conflicts || card.conflicts.length === 0) return 'none';
  return card.conflicts
    .map((other) => {
      const where =
        other.source.kind === 'pull-request'
          ? ` (pull request #${other.source.number} by ${other.source.author})`
          : '';
      const ground = other.reasons
        .map((reason) =>
          reason.kind === 'device'
            ? `devices ${reason.devices.join(', ')}`
            : reason.kind === 'stack'
              ? `stacks ${reason.stacks.join(', ')}`
              : reason.kind === 'redundancy-group'
                ? `redundancy group ${reason.group}`
                : `site ${reason.site} limit ${reason.limit}`,
        )
        .join(', ');
      return escapeText(`${other.id}${where}: ${ground}`);
    })
    .join('; ');
}

function planText(card: CabCard, planned: boolean): string {
  if (card.plan) return escapeText(card.plan.line);
  return planned ? 'not planned in the given run' : 'no plan given (`--plan-dir`)';
}

function pullLink(pull: { number: number; url?: string }): string {
  return pull.url ? `[#${pull.number}](${pull.url})` : `#${pull.number}`;
}

function capitalise(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}
