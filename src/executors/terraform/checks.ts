/**
 * What validation, apply and locks need to know about a Terraform step, without running anything:
 * its label, the repository paths it names and reads, a workspace name Terraform would refuse, and
 * the stack two applies must not change at once.
 */
import path from 'node:path';
import type { TerraformStep } from '../../core/model.js';
import { type ArgumentProblem, type Carrying, type StepReference, settingsOf } from '../executor.js';

type TerraformCarrier = Carrying<'terraform', TerraformStep>;

// why: Terraform's own rule (internal/command: validWorkspaceName) is name == url.PathEscape(name);
// Go's PathEscape leaves exactly these characters of a path segment unescaped.
const TERRAFORM_WORKSPACE = /^[A-Za-z0-9\-_.~$&+:=@]+$/;

// why: Terraform writes these into its directory on every init/plan/apply; they are not reviewed content.
export const TERRAFORM_OUTPUT =
  /(^|\/)(\.terraform\/|[^/]*\.tfstate(\.backup)?$|[^/]*\.tfstate\.d\/|\.terraform\.lock\.hcl$|tfplan[^/]*$)/;

/** Why Terraform would refuse (or misread) a workspace name, or undefined when it is fine. */
export function invalidWorkspaceName(name: string): string | undefined {
  if (name.startsWith('-')) return 'it starts with "-", so terraform would read it as an option';
  if (!TERRAFORM_WORKSPACE.test(name))
    return 'Terraform allows only URL-safe characters (letters, digits, - _ . ~ $ & + : = @)';
  if (name === '.' || name === '..') return 'it names a directory, not a workspace';
  return undefined;
}

/** The step's label when it has no name: its directory. */
export function terraformLabel(step: TerraformCarrier): string {
  return settingsOf('terraform', step).dir;
}

/** The root module directory, and its var files when it exists. */
export function terraformReferences(step: TerraformCarrier): StepReference[] {
  const spec = settingsOf('terraform', step);
  return [
    {
      at: ['dir'],
      path: spec.dir,
      type: 'directory',
      role: 'directory',
      inside: (spec.varFiles ?? []).map((varFile, index) => ({
        at: ['varFiles', index],
        path: path.posix.join(spec.dir, varFile),
        type: 'file',
        role: 'var file',
      })),
    },
  ];
}

/** A workspace name Terraform would refuse or read as an option. */
export function terraformArgumentProblems(step: TerraformCarrier): ArgumentProblem[] {
  const workspace = settingsOf('terraform', step).workspace;
  if (workspace === undefined) return [];
  const reason = invalidWorkspaceName(workspace);
  if (!reason) return [];
  return [
    {
      at: ['workspace'],
      message: `'${workspace}' is not a Terraform workspace name: ${reason}`,
      hint: "Use a name such as 'prod' or 'plant-a': letters, digits, '-' and '_', not starting with '-'.",
    },
  ];
}

/** The root module directory. */
export function terraformPathsRun(step: TerraformCarrier): string[] {
  return [path.posix.normalize(settingsOf('terraform', step).dir)];
}

/** One lock per stack and workspace: `terraform/sdwan` with workspace `prod` is `terraform-sdwan-prod`. */
export function terraformLockParts(step: TerraformCarrier): string[][] {
  const spec = settingsOf('terraform', step);
  const stack = spec.dir.replace(/^(\.\/)?terraform\//, '');
  return [['terraform', stack, ...(spec.workspace ? [spec.workspace] : [])]];
}
