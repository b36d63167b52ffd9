/**
 * Checks the policy files as validate does, without a proposal: for `plan`, which runs no gate
 * without --github, and `policy explain`, which must not explain a policy validate refuses.
 */
import { prepareGate } from '../gate/gate.js';
import type { GateStage } from '../gate/stage.js';
import { changeControlStage } from '../gate/stages/change-control/index.js';
import { conflictsStage } from '../gate/stages/conflicts/index.js';
import { holdsStage } from '../gate/stages/holds/index.js';
import { windowsStage } from '../gate/stages/windows/index.js';
import type { PolicyKind } from '../packs/locate.js';
import type { Workspace } from '../pipeline/workspace.js';

/**
 * The gate stages that read and compile each policy file, in the gate's order (GATE_STAGES), so the
 * findings come in the order validate prints them.
 */
const POLICY_STAGES: readonly { kind: PolicyKind; stage: GateStage }[] = [
  { kind: 'ChangeControlPolicy', stage: changeControlStage },
  { kind: 'WindowPolicy', stage: windowsStage },
  { kind: 'ChangeControlPolicy', stage: conflictsStage },
  { kind: 'ChangeControlPolicy', stage: holdsStage },
];

/**
 * The stage as far as it reads its policy. why: a stage that asks a server (holds: Alertmanager,
 * GitHub) must not make a check of the policy files wait on it.
 */
function policyOnly(stage: GateStage): GateStage {
  const { checkPolicy } = stage;
  return checkPolicy ? { id: stage.id, prepare: async (input) => ({ findings: checkPolicy(input) }) } : stage;
}

/**
 * Checks the workspace's effective policies of `kinds` as validate does: the gate's stages prepare
 * them (schema, time zones, RRULEs and cron, CEL, teams, redundancy groups, hold matchers) and an
 * error throws validate's configuration error (exit 2) with each finding's file, line and column.
 * A kind without a policy file passes; default: every kind. Used by `policy explain` and `plan`.
 */
export async function checkPolicyFiles(
  workspace: Workspace,
  run: { at: Date; env: Readonly<Record<string, string | undefined>> },
  kinds: readonly PolicyKind[] = ['ChangeControlPolicy', 'WindowPolicy'],
): Promise<void> {
  const stages = POLICY_STAGES.filter(({ kind }) => kinds.includes(kind)).map(({ stage }) =>
    policyOnly(stage),
  );
  await prepareGate({ workspace, at: run.at, approvals: [], requireApprovals: false, env: run.env }, stages);
}
