/** Drift records as the scheduled drift workflow writes them, without running a device check. */
import type { DetectedTarget, DriftExplanation } from '../../src/drift/model.js';
import { recordDrift } from '../../src/drift/record.js';

/** Records one drift run of `targets` checked at `at` (ISO) in the repository at `root`. */
export function recordDriftRun(
  root: string,
  at: string,
  targets: DetectedTarget[],
  explanations: [string, DriftExplanation][] = [],
): ReturnType<typeof recordDrift> {
  return recordDrift({
    repositoryRoot: root,
    targets,
    explanations: new Map(explanations),
    checkedAt: new Date(at),
    commit: 'd'.repeat(40),
    actor: { name: 'github-actions', kind: 'automation' },
    append: { remote: false, now: () => new Date(at) },
  });
}
