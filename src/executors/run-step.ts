import type { Step } from '../core/model.js';
import { runAnsible } from './ansible.js';
import { learnStepSecrets } from './collect-secrets.js';
import type { StepContext, StepRun } from './context.js';
import { ansibleDigest, terraformDigest } from './digest.js';
import { runTerraform } from './terraform.js';
import type { StepPhase, StepResult } from './types.js';

/** Where a step sits in its proposal. */
export interface StepPosition {
  phase: StepPhase;
  index: number;
}

/** A step's result and its redacted log text (the run directory decides where the log goes). */
export interface ExecutedStep {
  result: StepResult;
  logText: string;
}

/** The label a step is shown with: its name, or what it runs. */
export function stepLabel(step: Step): string {
  if (step.name) return step.name;
  return step.ansible ? step.ansible.playbook : step.terraform.dir;
}

/** Runs one step of a proposal (Ansible or Terraform) and computes its digest. */
export async function runStep(
  step: Step,
  position: StepPosition,
  context: StepContext,
): Promise<ExecutedStep> {
  const startedAt = new Date().toISOString();
  // why: before the tool runs, so the redactor knows the inventory's and variables' secrets before
  // any output, diff or log exists (not only those the tool's output happens to label).
  const refused = await learnStepSecrets(step, context);
  const run: StepRun = refused
    ? { ...refused, startedAt }
    : step.ansible
      ? await runAnsible(step.ansible, context)
      : await runTerraform(step.terraform, context);
  const { logText, ...rest } = run;
  const digest = rest.ansible
    ? ansibleDigest(rest.ansible)
    : rest.terraform
      ? terraformDigest(rest.terraform)
      : step.ansible
        ? ansibleDigest({ hosts: [], completed: false })
        : terraformDigest({ resources: [], outputs: [], hasChanges: false });
  return {
    result: {
      phase: position.phase,
      index: position.index,
      name: stepLabel(step),
      kind: step.ansible ? 'ansible' : 'terraform',
      mode: context.mode,
      ...rest,
      digest,
    },
    logText,
  };
}

/** A step that was not run (an earlier step failed, or the run was cancelled). */
export function skippedStep(
  step: Step,
  position: StepPosition,
  mode: 'check' | 'apply',
  reason: string,
): StepResult {
  return {
    phase: position.phase,
    index: position.index,
    name: stepLabel(step),
    kind: step.ansible ? 'ansible' : 'terraform',
    mode,
    status: 'skipped',
    changed: false,
    message: reason,
    digest: '',
    startedAt: new Date().toISOString(),
    durationMs: 0,
  };
}
