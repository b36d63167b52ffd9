import { GATE_STAGES } from '../gate/registry.js';

/**
 * The gate's stages, under the name apply.ts still passes to `validateWorkspace`.
 * @deprecated `validateWorkspace` runs `GATE_STAGES` (src/gate) by default; drop the argument.
 */
export const compilePolicies = GATE_STAGES;

export { trustedMembers } from '../gate/stages/change-control/trusted-members.js';
