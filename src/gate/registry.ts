import type { GateStage } from './stage.js';
import { changeControlStage } from './stages/change-control/index.js';
import { conflictsStage } from './stages/conflicts/index.js';
import { holdsStage } from './stages/holds/index.js';
import { policyPacksStage } from './stages/policy-packs/index.js';
import { windowsStage } from './stages/windows/index.js';

/**
 * The gate: every stage, in the order they judge a proposal. A new stage is one folder under
 * stages/ and one line here.
 * why: change control comes first because it establishes the facts the windows stage judges with
 * (effective risk, emergency bypass); it asks for the windows it needs through `windowsAt`, which
 * the windows stage offers whatever its place. Conflicts come after windows: the next free slot it
 * offers satisfies the windows (`slotsAt`) at the risk change control established. This order is also the order of policy findings,
 * report fields and apply's refusal reasons.
 */
export const GATE_STAGES: readonly GateStage[] = [
  changeControlStage,
  windowsStage,
  conflictsStage,
  holdsStage,
  policyPacksStage,
];
