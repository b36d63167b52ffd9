/**
 * The conflicts stage: two changes conflict when their occupied intervals overlap and they share a
 * device, a Terraform stack, two members of a redundancy group, or push a site over its
 * `maxConcurrentChanges`. It compares the run's proposals with each other and with the changes
 * outside the run (the rest of the repository, other open pull requests), and offers the next slot
 * that satisfies the windows and is free of conflicts.
 */

import picomatch from 'picomatch';
import {
  type ConflictIndex,
  type ConflictRules,
  createConflictIndex,
  findConflicts,
  freeSlots,
  NO_CONFLICT_RULES,
  scheduledChangeOf,
} from '../../../conflicts/find.js';
import {
  type EvaluatedRule,
  elide,
  type Finding,
  type Interval,
  MAX_MESSAGE_LENGTH,
} from '../../../core/findings.js';
import type {
  ChangeSubject,
  ConflictReason,
  ConflictWith,
  ProposalReport,
  ScheduledChange,
} from '../../../core/model.js';
import { formatLocalAndUtc, formatSpanLocalAndUtc, toRfc3339Utc } from '../../../core/time.js';
import type { BusyLookup, GateStage, PreparedStage } from '../../stage.js';

declare module '../../../core/findings.js' {
  interface StageRuleIds {
    conflict: true;
  }
}

/** why: a change stacked on a busy night could list dozens; the first few say enough, the rest are counted. */
const MAX_CONFLICT_FINDINGS = 5;

const loadRules = () => import('../../../control/conflict-rules.js');

export const conflictsStage: GateStage = {
  id: 'conflicts',
  preload(workspace) {
    if (workspace.changeControlDocument) loadRules().catch(() => undefined);
  },
  async prepare(input): Promise<PreparedStage> {
    const { workspace, at, known } = input;
    let rules: ConflictRules = NO_CONFLICT_RULES;
    const findings: Finding[] = [];
    if (workspace.changeControlDocument) {
      const { compileConflictRules } = await loadRules();
      const compiled = compileConflictRules(workspace.changeControlDocument, known);
      findings.push(...compiled.findings);
      if (compiled.rules) rules = compiled.rules;
    }
    const run = (input.subjects ?? []).map((subject) => scheduledChangeOf(subject));
    const runIds = new Set(run.map((change) => change.id));
    // why: another version of a proposal in the run (the default branch's, another pull request's)
    // is the same change rescheduled, not a second change; the first of each id stands.
    const others: ScheduledChange[] = [];
    const seen = new Set(runIds);
    for (const change of input.otherChanges ?? []) {
      if (seen.has(change.id)) continue;
      seen.add(change.id);
      others.push(change);
    }
    const all = [...run, ...others];
    const byId = new Map<string, ScheduledChange>();
    for (const change of all) if (!byId.has(change.id)) byId.set(change.id, change);
    const withOthers = new Map<string, ConflictWith[]>();
    for (const conflict of findConflicts(all, rules, runIds)) {
      for (const [self, other] of [
        [conflict.a, conflict.b],
        [conflict.b, conflict.a],
      ] as const) {
        const change = byId.get(other);
        if (!runIds.has(self) || !change) continue;
        const list = withOthers.get(self) ?? [];
        list.push({
          id: change.id,
          file: change.file,
          source: change.source,
          reasons: conflict.reasons,
          overlap: conflict.overlap,
        });
        withOthers.set(self, list);
      }
    }

    let index: ConflictIndex | undefined;
    const changeOf = (subject: ChangeSubject): ScheduledChange => {
      const known = byId.get(subject.proposal.id);
      return known && known.file === subject.file ? known : scheduledChangeOf(subject);
    };
    const busyFor = (subject: ChangeSubject, fromMs: number): BusyLookup => {
      const change = changeOf(subject);
      return (untilMs) => {
        index ??= createConflictIndex(all, rules);
        return index.busyFor(change, fromMs, untilMs);
      };
    };

    // why: many changes share slots (the same night, the same hour); each span is written once.
    const spans = new Map<string, string>();
    const span = (startMs: number, endMs: number, zone: string): string => {
      const key = `${startMs}|${endMs}|${zone}`;
      let text = spans.get(key);
      if (text === undefined) {
        text = formatSpanLocalAndUtc(startMs, endMs, zone);
        spans.set(key, text);
      }
      return text;
    };

    // why: a redundancy group applies to a change that touches one of its members; whether it was
    // respected is known from the conflicts found (an emergency goes ahead: the rule is waived).
    const groups = rules.redundancyGroups.map((group) => ({ group, member: picomatch(group.devices) }));
    const groupOutcomes = (change: ScheduledChange, conflicts: readonly ConflictWith[]): EvaluatedRule[] =>
      groups
        .filter(({ member }) => change.devices.some((device) => member(device)))
        .map(({ group }) => {
          const clash = conflicts.find((conflict) =>
            conflict.reasons.some(
              (reason) => reason.kind === 'redundancy-group' && reason.group === group.name,
            ),
          );
          const emergency = change.type === 'emergency' || byId.get(clash?.id ?? '')?.type === 'emergency';
          return {
            kind: 'redundancy-group',
            rule: group.name,
            outcome: !clash ? 'passed' : emergency ? 'waived' : 'failed',
            ...(group.control ? { control: group.control } : {}),
          };
        });
    const controlOf = new Map(
      rules.redundancyGroups.flatMap((group) =>
        group.control ? [[group.name, group.control] as const] : [],
      ),
    );

    return {
      findings,
      offers: { busyFor },
      evaluate(subject, { facts, queries }) {
        const change = changeOf(subject);
        const targets = { devices: change.devices, sites: change.sites, stacks: change.stacks };
        const conflicts = withOthers.get(change.id) ?? [];
        const evaluated = groups.length > 0 ? groupOutcomes(change, conflicts) : [];
        if (conflicts.length === 0) return { findings: [], report: { targets }, evaluated };

        const lengthMs = change.occupiedEndMs - change.startMs;
        const fromMs = Math.max(change.startMs, at.getTime());
        const held = busyFor(subject, fromMs);
        const slot: Interval | undefined = queries.slotsAt
          ? queries.slotsAt(subject, facts.risk, { busy: held, count: 1 })[0]
          : freeSlots(held, fromMs, lengthMs, 1).map((free) => ({
              start: toRfc3339Utc(free.startMs),
              end: toRfc3339Utc(free.endMs),
            }))[0];
        const position = subject.locate(['schedule', 'start']);
        const zone = change.timezone;
        const hint = slot
          ? `Move the change to ${span(Date.parse(slot.start), Date.parse(slot.end), zone)}, the next slot inside the windows and free of conflicts.`
          : 'No slot inside the windows and free of conflicts within the search horizon: agree on an order with the other change.';
        const ownSpan = span(change.startMs, change.occupiedEndMs, zone);
        const result: Finding[] = conflicts.slice(0, MAX_CONFLICT_FINDINGS).map((conflict) => {
          const other = byId.get(conflict.id);
          const emergency = change.type === 'emergency' || other?.type === 'emergency';
          const otherSpan = other ? span(other.startMs, other.occupiedEndMs, zone) : '';
          const overlap = span(Date.parse(conflict.overlap.start), Date.parse(conflict.overlap.end), zone);
          const reasons = conflict.reasons
            .flatMap((reason) =>
              reason.kind === 'redundancy-group' && reason.reason
                ? [`Redundancy group ${reason.group}: ${reason.reason}.`]
                : [],
            )
            .join(' ');
          const group =
            conflict.reasons[0]?.kind === 'redundancy-group' ? conflict.reasons[0].group : undefined;
          const control = group !== undefined ? controlOf.get(group) : undefined;
          return {
            ruleId: 'conflict' as const,
            severity: emergency ? ('warning' as const) : ('error' as const),
            ...(group !== undefined ? { policy: group } : {}),
            ...(control ? { control } : {}),
            message: elide(
              `${emergency ? 'emergency change, ' : ''}conflicts with ${describeOther(conflict)}: ${conflict.reasons.map(describeReason).join('; ')}`,
              MAX_MESSAGE_LENGTH,
            ),
            detail:
              `${change.id} occupies ${ownSpan}; ${conflict.id} occupies ${otherSpan}; they overlap ${overlap} (rollback time included).` +
              (reasons ? ` ${reasons}` : '') +
              (emergency ? ' An emergency goes ahead, but both teams must agree on the order.' : ''),
            hint,
            file: subject.file,
            line: position.line,
            column: position.column,
            ...(slot ? { nextAllowed: slot } : {}),
          };
        });
        if (conflicts.length > MAX_CONFLICT_FINDINGS) {
          result.push({
            ruleId: 'conflict',
            severity: 'note',
            message: `and ${conflicts.length - MAX_CONFLICT_FINDINGS} more conflicting changes (see the report's conflicts)`,
            file: subject.file,
            line: position.line,
            column: position.column,
          });
        }
        return { findings: result, report: { targets, conflicts }, evaluated };
      },
    };
  },
  describeRefusal(entry: ProposalReport): string | undefined {
    const errors = entry.findings.filter(
      (finding) => finding.ruleId === 'conflict' && finding.severity === 'error',
    );
    const first = errors[0];
    if (!first) return undefined;
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    const next = entry.conflicts && first.nextAllowed;
    return next
      ? `it ${first.message}${more}; the next free slot starts ${formatLocalAndUtc(Date.parse(next.start), entry.schedule?.timezone)}`
      : `it ${first.message}${more}`;
  },
};

/** "changes/b.yaml (CHG-2)" or "pull request #12 by @dana (CHG-2)". */
function describeOther(conflict: ConflictWith): string {
  const source = conflict.source;
  const where =
    source.kind === 'pull-request' ? `pull request #${source.number} by @${source.author}` : conflict.file;
  return `${elide(where, 60)} (${elide(conflict.id, 40)})`;
}

/** The shared ground in a few words. */
export function describeReason(reason: ConflictReason): string {
  switch (reason.kind) {
    case 'device':
      return `both change ${elide(reason.devices.join(', '), 60)}`;
    case 'stack':
      return `both change Terraform ${elide(reason.stacks.join(', '), 60)}`;
    case 'redundancy-group':
      return `redundancy group ${elide(reason.group, 30)}: ${elide(andList(reason.devices), 60)}`;
    case 'site-capacity':
      return `more than ${reason.limit} change${reason.limit === 1 ? '' : 's'} at once at ${reason.site} (maxConcurrentChanges)`;
  }
}

function andList(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
