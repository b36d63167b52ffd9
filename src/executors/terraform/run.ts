/**
 * Runs a Terraform root module: init, workspace, plan to a file, `show -json` of that plan, and for
 * apply the saved plan itself (so exactly the planned changes are applied).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TerraformStep } from '../../core/model.js';
import { toRfc3339Utc } from '../../core/time.js';
import { cutRedacted } from '../../redact/index.js';
import { clockOf, commandOf, resolveStepPath, type StepContext } from '../context.js';
import { type ProcessResult, runProcess } from '../run-process.js';
import type { StepRunOf } from '../step-result.js';
import { createTemporaryDirectory } from '../temporary-directory.js';
import { normalTerraformDirectory, terraformWorkspace } from './checks.js';
import { parseTerraformPlan } from './parse-plan.js';
import { terraformPlanHash } from './plan-hash.js';
import type { TerraformRun } from './types.js';

/** The commands the Terraform executor runs, by their netchange.yaml key, with their defaults. */
export const TERRAFORM_COMMANDS = { terraform: 'terraform' } as const;

/** What a Terraform step's run returns. */
export type TerraformStepRun = StepRunOf<'terraform', TerraformRun>;

/** Steps on one directory run one at a time: `.terraform` and the selected workspace are shared state. */
const directoryQueues = new Map<string, Promise<unknown>>();

/** Runs one Terraform step. Never throws for the tool's failures: they come back as the step's status. */
export async function runTerraform(step: TerraformStep, context: StepContext): Promise<TerraformStepRun> {
  const startedAt = toRfc3339Utc(clockOf(context)().getTime());
  const directory = await resolveStepPath(
    context.repoRoot,
    normalTerraformDirectory(step.dir),
    'Terraform directory',
  );
  if (!directory.ok) return { ...directory.run, startedAt };
  const previous = directoryQueues.get(directory.absolutePath) ?? Promise.resolve();
  const current = previous.then(
    () => runTerraformSerially(step, directory.absolutePath, context, startedAt),
    () => runTerraformSerially(step, directory.absolutePath, context, startedAt),
  );
  directoryQueues.set(directory.absolutePath, current);
  try {
    return await current;
  } finally {
    if (directoryQueues.get(directory.absolutePath) === current)
      directoryQueues.delete(directory.absolutePath);
  }
}

async function runTerraformSerially(
  step: TerraformStep,
  directory: string,
  context: StepContext,
  startedAt: string,
): Promise<TerraformStepRun> {
  const started = performance.now();
  // why: the step's time limit is elapsed time; the monotonic clock is not moved by wall-clock jumps.
  const deadline = started + context.timeoutMs;
  const binary = commandOf(context, TERRAFORM_COMMANDS, 'terraform');
  const log: string[] = [];
  let argv: string[] = [];
  const temporary = await createTemporaryDirectory('terraform');
  const scratch = temporary.path;
  const finish = (run: Omit<TerraformStepRun, 'startedAt' | 'durationMs' | 'logText'>): TerraformStepRun => ({
    ...run,
    startedAt,
    durationMs: performance.now() - started,
    logText: context.redactor.redactOutput(log.join('\n')),
    argv: argv.map((argument) => context.redactor.redactText(argument)),
  });
  const terraform = async (args: string[], label: string): Promise<ProcessResult> => {
    const result = await runProcess({
      command: binary,
      args,
      cwd: directory,
      // why: what Terraform and its providers put in TMPDIR goes with the step's private directory;
      // TF_WORKSPACE would override the workspace the step selects.
      env: {
        ...context.env,
        TF_IN_AUTOMATION: '1',
        TF_INPUT: '0',
        CHECKPOINT_DISABLE: '1',
        TMPDIR: scratch,
        TF_WORKSPACE: undefined,
      },
      timeoutMs: Math.max(1, deadline - performance.now()),
      killGraceMs: context.killGraceMs,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    const shown = args.map((arg) => displayTerraformText(arg, scratch, context.repoRoot));
    if (label === 'plan' || label === 'apply') argv = [binary, ...shown];
    log.push(`$ ${binary} ${shown.join(' ')}`);
    // why: `show -json` prints every variable in clear; the parsed, masked plan is what the log keeps.
    // Its JSON is parsed as Terraform wrote it; the other commands' text is for people.
    if (label === 'show') {
      if (result.stderr) log.push(`--- stderr ---\n${result.stderr}`);
      return result;
    }
    const readable = {
      ...result,
      stdout: displayTerraformText(result.stdout, scratch, context.repoRoot),
      stderr: displayTerraformText(result.stderr, scratch, context.repoRoot),
    };
    log.push(readable.stdout);
    if (readable.stderr) log.push(`--- stderr ---\n${readable.stderr}`);
    return readable;
  };

  try {
    const varFileArgs: string[] = [];
    for (const file of step.varFiles ?? []) {
      const resolved = await resolveStepPath(
        context.repoRoot,
        path.posix.join(step.dir, file),
        'variable file',
      );
      if (!resolved.ok) return finish({ ...resolved.run });
      varFileArgs.push(`-var-file=${resolved.absolutePath}`);
    }
    if (step.vars && Object.keys(step.vars).length > 0) {
      // why: a var file, not -var k=v: values keep their JSON types and never meet a parser of flags.
      // Values under secret-looking names are learned for redaction first.
      context.redactor.redactValue(step.vars);
      const file = path.join(scratch, 'netchange.tfvars.json');
      await writeFile(file, JSON.stringify(step.vars), { mode: 0o600 });
      varFileArgs.push(`-var-file=${file}`);
    }

    const init = await terraform(['init', '-input=false', '-no-color'], 'init');
    const initProblem = toolProblem(init, 'init', context);
    if (initProblem) return finish(initProblem);

    // why: every run selects its workspace, `default` when the step names none: the selection
    // persists in `.terraform/environment`, so a step left to it would run wherever the last one ran.
    // After '--', a name that begins with '-' is a name, never an option of terraform.
    const workspace = await terraform(
      ['workspace', 'select', '-or-create=true', '-no-color', '--', terraformWorkspace(step)],
      'workspace',
    );
    const workspaceProblem = toolProblem(workspace, 'workspace select', context);
    if (workspaceProblem) return finish(workspaceProblem);

    const planFile = path.join(scratch, 'tfplan');
    const check = context.mode === 'check';
    // why: `-detailed-exitcode` says whether anything would change (exit 2), which covers what the
    // plan JSON leaves out: check mode reports it, and apply never skips a plan Terraform would apply.
    // `-refresh-only` (drift) plans only what changed outside.
    const refreshOnly = check && context.terraformRefreshOnly ? ['-refresh-only'] : [];
    const plan = await terraform(
      [
        'plan',
        '-input=false',
        '-no-color',
        '-detailed-exitcode',
        ...refreshOnly,
        `-out=${planFile}`,
        ...varFileArgs,
      ],
      'plan',
    );
    const pendingChanges = plan.exitCode === 2;
    const planProblem = pendingChanges ? undefined : toolProblem(plan, 'plan', context);
    if (planProblem) return finish(planProblem);

    const show = await terraform(['show', '-json', '-no-color', planFile], 'show');
    const showProblem = toolProblem(show, 'show', context);
    if (showProblem) return finish(showProblem);
    let parsed: unknown;
    try {
      parsed = JSON.parse(show.stdout);
    } catch {
      return finish({
        status: 'error',
        changed: false,
        message: 'terraform show -json printed something that is not JSON',
      });
    }
    const run = parseTerraformPlan(parsed, context.redactor);
    log.push(`--- planned changes ---\n${JSON.stringify(run, null, 2)}`);

    if (check)
      return finish({
        status: 'planned',
        changed: run.hasChanges || pendingChanges,
        terraform: run,
        exitCode: 0,
      });

    if (context.expectedDigest !== undefined && terraformPlanHash(run) !== context.expectedDigest) {
      return finish({
        status: 'failed',
        changed: false,
        message: 'the Terraform plan differs from the reviewed plan; nothing was applied',
        hint: 'Run netchange plan again and have the new plan reviewed.',
        terraform: run,
      });
    }
    if (!run.hasChanges && !pendingChanges)
      return finish({ status: 'applied', changed: false, terraform: run, exitCode: 0 });
    const apply = await terraform(['apply', '-input=false', '-no-color', '-auto-approve', planFile], 'apply');
    const applyProblem = toolProblem(apply, 'apply', context);
    if (applyProblem)
      return finish({
        ...applyProblem,
        status: applyProblem.status === 'error' ? 'failed' : applyProblem.status,
        terraform: run,
      });
    const summary = /Apply complete![^\n]*/.exec(apply.stdout)?.[0];
    return finish({
      status: 'applied',
      changed: true,
      terraform: { ...run, ...(summary ? { summary } : {}) },
      exitCode: 0,
    });
  } finally {
    await temporary.remove();
  }
}

/**
 * Terraform's arguments and messages as the step's readers see them: a var file netchange passes by
 * its absolute path is named by its repository path (`on terraform/sdwan/prod.tfvars line 3`), and
 * the file of a proposal's vars by its name, not by the runner's directories, which mean nothing to
 * a reviewer.
 */
function displayTerraformText(text: string, scratch: string, repoRoot: string): string {
  return text.replaceAll(`${scratch}${path.sep}`, '').replaceAll(`${repoRoot}${path.sep}`, '');
}

/** Classifies a failed Terraform command; undefined when it succeeded. */
function toolProblem(
  result: ProcessResult,
  command: string,
  context: StepContext,
): Omit<TerraformStepRun, 'startedAt' | 'durationMs' | 'logText'> | undefined {
  const exit = result.exitCode !== undefined ? { exitCode: result.exitCode } : {};
  if (result.spawnError) {
    return {
      status: 'error',
      changed: false,
      message: `${commandOf(context, TERRAFORM_COMMANDS, 'terraform')} could not start: ${context.redactor.redactText(result.spawnError)}`,
      hint: 'Install terraform, or set executors.terraform in netchange.yaml.',
    };
  }
  if (result.cancelled) return { status: 'cancelled', changed: false, message: 'cancelled', ...exit };
  if (result.timedOut) {
    return {
      status: 'error',
      changed: false,
      message: `terraform ${command} ran longer than the step timeout (${Math.round(context.timeoutMs / 1000)} s) and was stopped`,
      hint: 'Raise executors.stepTimeout in netchange.yaml, or look for a lock or a slow provider in the step log.',
    };
  }
  if (result.exitCode === 0) return undefined;
  const output = `${result.stderr}\n${result.stdout}`;
  const provider = /(?:provider|Finding)\s+(?:[a-z0-9.-]+\.[a-z]+\/)?([a-z0-9-]+\/[a-z0-9_-]+)/i.exec(output);
  if (command === 'init' && /provider/i.test(output) && provider) {
    return {
      status: 'error',
      changed: false,
      message: `terraform init could not install the provider ${provider[1]}`,
      hint: 'Providers cannot be downloaded here: put the provider in a plugin cache or filesystem mirror (provider_installation in ~/.terraformrc).',
      ...exit,
    };
  }
  // why: the whole output is redacted before a line is picked or the message cut, so no cut leaves
  // part of a secret the redactor would have matched whole.
  const redacted = context.redactor.redactText(output);
  if (result.signal) {
    // why: a crashed Terraform prints `panic: …` (or nothing) and no `Error:`; the signal and that
    // line say what happened, where "exit code none" said nothing.
    const line = firstPanicLine(redacted);
    return {
      status: 'error',
      changed: false,
      message: context.redactor.redactText(
        `terraform ${command} was killed by ${result.signal}${line ? `: ${line}` : ''}`,
      ),
      hint: `Terraform crashed or was stopped from outside; the step log has its whole output. Run terraform ${command} in the directory to reproduce it.`,
      ...exit,
    };
  }
  const detail = firstTerraformError(redacted);
  return {
    status: 'error',
    changed: false,
    message: context.redactor.redactText(
      `terraform ${command} failed${detail ? `: ${detail}` : ` (exit code ${result.exitCode ?? 'none'})`}`,
    ),
    hint: `Run terraform ${command} in the directory to see the whole message; the step log has it too.`,
    ...exit,
  };
}

/** Longest error detail kept from Terraform's output. */
const MAX_ERROR_LENGTH = 400;

/** Terraform's `panic:` line, else the first line of its (redacted) output, stderr first, cut to length. */
function firstPanicLine(redactedStderr: string): string | undefined {
  const lines = redactedStderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const line = lines.find((candidate) => candidate.startsWith('panic:')) ?? lines[0];
  return line === undefined ? undefined : cutRedacted(line, MAX_ERROR_LENGTH);
}

/** Terraform's first `Error:` and the lines after it, from redacted output, cut to length. */
function firstTerraformError(redactedOutput: string): string | undefined {
  const lines = redactedOutput.split('\n').map((line) => line.replace(/^[│╷╵]\s?/, '').trim());
  const index = lines.findIndex((line) => line.startsWith('Error:'));
  if (index < 0) return undefined;
  const details = lines.slice(index, index + 6).filter((line) => line !== '');
  return cutRedacted(details.join(' '), MAX_ERROR_LENGTH);
}
