/** A Terraform step's part of the plan digest (see ../digest.ts for what a digest covers). */
import { hashOf } from '../plan-hash.js';
import type { TerraformRun } from './types.js';

/** The changes a Terraform plan would make: resources and outputs (sensitive values masked). */
export function terraformPlanHash(run: TerraformRun): string {
  return hashOf({ kind: 'terraform', resources: run.resources, outputs: run.outputs });
}
