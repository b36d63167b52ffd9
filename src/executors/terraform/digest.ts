/** A Terraform step's part of the plan digest (see ../digest.ts for what a digest covers). */
import { digestOf } from '../digest.js';
import type { TerraformRun } from './types.js';

/** The changes a Terraform plan would make: resources and outputs (sensitive values masked). */
export function terraformDigest(run: TerraformRun): string {
  return digestOf({ kind: 'terraform', resources: run.resources, outputs: run.outputs });
}
