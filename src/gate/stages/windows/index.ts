/**
 * The production-windows stage: a thin adapter over the window engine (src/windows). It judges a
 * change at the risk and bypass the stages before it established, and answers `windowsAt` for them.
 */
import type { ChangeSubject, ProposalReport, Risk, WindowVerdict } from '../../../core/model.js';
import { formatLocalAndUtc } from '../../../core/time.js';
import type { GateStage, PreparedStage } from '../../stage.js';

// why: the engine's modules, not its index, which would load the calendar renderers too.
const loadEngine = () =>
  Promise.all([import('../../../windows/compile.js'), import('../../../windows/evaluate.js')]);

export const windowsStage: GateStage = {
  id: 'windows',
  preload(workspace) {
    if (workspace.windowPolicyDocument) loadEngine().catch(() => undefined);
  },
  async prepare({ workspace, at, known, holidays, queries }): Promise<PreparedStage> {
    // why: the engine loads only when its policy exists (CEL and the holiday data are large to load).
    if (!workspace.windowPolicyDocument) return { findings: [] };
    const [{ compileWindowPolicy }, { evaluateWindows, nextAllowedSlots, windowOutcomes }] =
      await loadEngine();
    const compiled = compileWindowPolicy(workspace.windowPolicyDocument, {
      from: at,
      ...(known ? { knownScopeValues: known } : {}),
      ...(holidays ? { holidays } : {}),
    });
    const policy = compiled.policy;
    if (!policy) return { findings: compiled.findings };

    // why: change control asks for the verdict at the declared and the effective risk, and this
    // stage reports the one at the effective risk: each is computed once per proposal.
    const verdicts = new WeakMap<ChangeSubject, Map<string, WindowVerdict>>();
    const windowsAt = (subject: ChangeSubject, risk: Risk, bypass: boolean): WindowVerdict => {
      let bySubject = verdicts.get(subject);
      if (!bySubject) {
        bySubject = new Map();
        verdicts.set(subject, bySubject);
      }
      const key = `${risk}|${bypass}`;
      let verdict = bySubject.get(key);
      if (!verdict) {
        // why: the next allowed slot must be free of conflicts too; the conflicts stage knows them.
        const busy = queries.busyFor?.(subject, Math.max(subject.startMs, at.getTime()));
        verdict = evaluateWindows(policy, subject, { at, risk, bypass, ...(busy ? { busy } : {}) });
        bySubject.set(key, verdict);
      }
      return verdict;
    };
    return {
      findings: compiled.findings,
      offers: {
        windowsAt,
        slotsAt: (subject, risk, { busy, count }) =>
          nextAllowedSlots(policy, subject, { at, risk, count, busy }),
      },
      evaluate(subject, { facts }) {
        const verdict = windowsAt(subject, facts.risk, facts.bypassWindows);
        return {
          findings: [...verdict.findings],
          evaluated: windowOutcomes(policy, subject, facts.risk, verdict),
          report: {
            windows: {
              overlapping: verdict.overlapping,
              open: verdict.open,
              // why: an emergency past a closed window is bypassed, not blocked; no later slot is offered.
              ...(facts.bypassWindows && !verdict.open ? { bypassed: true } : {}),
              ...(verdict.nextAllowed && !(facts.bypassWindows && !verdict.open)
                ? { nextAllowed: verdict.nextAllowed }
                : {}),
            },
          },
        };
      },
    };
  },
  describeRefusal(entry: ProposalReport): string | undefined {
    // why: a closed window is an error finding, unless an emergency bypasses it or a deny window's
    // override approvals turn it into a required approval. Name the blocking windows.
    const closed = entry.findings.filter(
      (finding) => finding.ruleId === 'window' && finding.severity === 'error',
    );
    if (closed.length === 0) return undefined;
    const names = [...new Set(closed.map((finding) => finding.policy))].join(', ');
    const next = entry.windows?.nextAllowed;
    return next
      ? `the window opens ${formatLocalAndUtc(Date.parse(next.start), entry.schedule?.timezone)} (blocked now by ${names})`
      : `blocked by ${names}, with no allowed slot ahead`;
  },
};
