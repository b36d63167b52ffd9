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

// why: Terraform writes these into its directory on every init/plan/apply; they are not reviewed
// content. No plan file: netchange writes its plan into the step's private temp directory, so a
// `tfplan…` file in the repository is someone's, and `tfplan_extra.tf` is configuration.
export const TERRAFORM_OUTPUT =
  /(^|\/)(\.terraform\/|[^/]*\.tfstate(\.backup)?$|[^/]*\.tfstate\.d\/|\.terraform\.lock\.hcl$)/;

/**
 * A Terraform directory as one spelling (`./terraform/sdwan/`, `terraform//sdwan` and
 * `terraform/../terraform/sdwan` are all `terraform/sdwan`).
 * why: conflicts, locks, apply's committed-tree check and the run queue compare directories as
 * text; two spellings of one stack must never pass as two stacks.
 */
export function normalTerraformDirectory(dir: string): string {
  const normal = path.posix
    .normalize(dir)
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '');
  return normal === '' ? '.' : normal;
}

/** The workspace a step runs in: its `workspace`, or Terraform's `default` when it names none. */
export function terraformWorkspace(step: TerraformStep): string {
  return step.workspace ?? 'default';
}

/**
 * What two Terraform steps must not change at once, as one text: the normal directory, and
 * `:workspace` unless it is `default` (so a step without `workspace` is the same stack as one with
 * `workspace: default`).
 */
export function terraformStackKey(step: TerraformStep): string {
  const workspace = terraformWorkspace(step);
  const dir = normalTerraformDirectory(step.dir);
  return workspace === 'default' ? dir : `${dir}:${workspace}`;
}

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

/**
 * The root module directory and its var files (which may sit outside it: `../../vars/x.tfvars.json`).
 * Local modules are found by reading the configuration (`terraformLocalModules`) where apply checks.
 */
export function terraformPathsRun(step: TerraformCarrier): string[] {
  const spec = settingsOf('terraform', step);
  const dir = normalTerraformDirectory(spec.dir);
  const varFiles = (spec.varFiles ?? []).map((file) => normalTerraformDirectory(path.posix.join(dir, file)));
  // why: a path out of the repository is no path git can check; the run refuses it (resolveStepPath).
  return [
    dir,
    ...varFiles.filter((file) => file !== '..' && !file.startsWith('../') && !path.posix.isAbsolute(file)),
  ];
}

/**
 * One lock per stack and workspace: `terraform/sdwan` with workspace `prod` is `terraform-sdwan-prod`;
 * in the `default` workspace (named or not) it is `terraform-sdwan`.
 * why: the name without a workspace is the one locks had before a step without `workspace` meant
 * `default`, so a lock held across the upgrade is still the same lock.
 */
export function terraformLockParts(step: TerraformCarrier): string[][] {
  const spec = settingsOf('terraform', step);
  const stack = normalTerraformDirectory(spec.dir).replace(/^terraform\//, '');
  const workspace = terraformWorkspace(spec);
  return [['terraform', stack, ...(workspace === 'default' ? [] : [workspace])]];
}
