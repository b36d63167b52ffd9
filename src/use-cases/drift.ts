/**
 * `netchange drift`: compares every device and stack with its intended state on the default branch.
 * Reads netchange.yaml's `drift` sources and policies/drift.yaml, checks the default branch's commit
 * out into a private directory, runs the sources in check mode from there (detection), explains each
 * difference and returns one `DriftReport`.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configError, NetchangeError, usageError } from '../core/errors.js';
import type { Finding } from '../core/findings.js';
import { toRfc3339Utc } from '../core/time.js';
import type { DocumentPath, YamlDocument } from '../documents/parse-yaml.js';
import { resolveInsideRepository } from '../documents/read-file.js';
import { checkoutIntendedState, resolveIntendedCommit } from '../drift/checkout.js';
import { detectDrift } from '../drift/detect.js';
import type {
  DetectedTarget,
  DriftConfig,
  DriftPolicyFinding,
  DriftReport,
  DriftTargetReport,
} from '../drift/model.js';
import { type CompiledDriftPolicy, compileDriftPolicy } from '../drift/policy.js';
import { executorOf, stepOf } from '../executors/registry.js';
import { CONFIG_FILE, readYamlDocument, type Workspace } from '../pipeline/workspace.js';
import { executionSettings } from '../runs/settings.js';
import type { RunContext } from './context.js';
import { openRequestedWorkspace } from './workspace.js';

export interface DriftRequest {
  repo?: string;
  /** `--branch`: the default branch holding the intended state (else drift.branch, else main). */
  branch?: string;
  /** `--at`: the instant of the check (ignore rules expire relative to it); default now. */
  at?: Date;
  /** `--github`: keep one living issue per drifted target. */
  github?: boolean;
  /** `--propose`: write a proposal that re-applies the intent for each drifted target. */
  propose?: boolean;
}

/** The default branch, when netchange.yaml and `--branch` name none. */
export const DEFAULT_DRIFT_BRANCH = 'main';

/** Runs drift detection and returns the report (`--format json` prints it as is). */
export async function checkDrift(request: DriftRequest, context: RunContext): Promise<DriftReport> {
  const workspace = await openRequestedWorkspace(request, context);
  const checkedAt = request.at ?? context.clock.now();
  const drift = workspace.config.drift;
  const branch = request.branch ?? drift.branch;
  // why: the name reaches git as an argument; one that starts with '-' would be read as an option.
  if (!/^[A-Za-z0-9_][A-Za-z0-9_./-]*$/.test(branch) || branch.includes('..')) {
    throw usageError(
      `'${branch}' is not a branch name netchange accepts`,
      'Name a branch such as main or production.',
    );
  }
  if (!workspace.git) {
    throw usageError(
      `${workspace.root} is not a git repository`,
      'drift compares the devices with the default branch, so it runs in the network repository (git).',
    );
  }
  if (drift.ansible.length === 0 && drift.terraform.length === 0) {
    throw configError(`${CONFIG_FILE} names nothing to check for drift`, {
      hint: 'Add drift.ansible: [{playbook, inventory}] and/or drift.terraform: [{dir}] to netchange.yaml (docs/drift.md).',
    });
  }
  const sourceFindings = await checkDriftSources(workspace.root, drift, workspace.configDocument);
  if (sourceFindings.length > 0) {
    throw configError(`${CONFIG_FILE} has drift sources netchange cannot run`, {
      findings: sourceFindings,
      hint: 'Every path under drift: is relative to the repository root and must exist.',
    });
  }
  const policy = await loadDriftPolicy(workspace, checkedAt);

  const intended = await resolveIntendedCommit(workspace.root, branch);
  const workingState = [
    ...drift.state,
    ...drift.terraform.flatMap((source) => [
      path.posix.join(source.dir, 'terraform.tfstate'),
      path.posix.join(source.dir, 'terraform.tfstate.d'),
    ]),
  ];
  const checkout = await checkoutIntendedState(workspace.root, intended.commit, workingState);
  try {
    const missing = await checkDriftSources(checkout.root, drift, workspace.configDocument);
    if (missing.length > 0) {
      throw configError(`${CONFIG_FILE} names drift sources that ${intended.ref} does not have`, {
        findings: missing.map((finding) => ({
          ...finding,
          message: `${finding.message} on ${intended.ref} (${intended.commit.slice(0, 12)})`,
        })),
        hint: `The intended state is read from ${intended.ref}: merge the sources there first, or point --branch at the branch that has them.`,
      });
    }
    const settings = executionSettings(workspace.config, context.env);
    const detected = await detectDrift({
      checkoutRoot: checkout.root,
      config: drift,
      step: {
        redactor: settings.redactor,
        timeoutMs: settings.timeoutMs,
        killGraceMs: settings.killGraceMs,
        commands: settings.commands,
        signal: context.signal,
        now: () => context.clock.now(),
      },
      rules: policy?.rules ?? [],
      localHostname: os.hostname(),
      progress: context.progress,
      concurrency: settings.concurrency,
    });
    if (context.signal.aborted) throw new NetchangeError('E_CANCELLED', 'drift was cancelled');
    const report = buildReport(detected, {
      checkedAt: toRfc3339Utc(checkedAt.getTime()),
      version: context.version,
      commit: intended.commit,
      ref: intended.ref,
      findings: policy?.findings ?? [],
    });
    if (request.github) await publishDriftIssues(report, workspace, context);
    if (request.propose) await proposeDriftReverts(report, workspace, context);
    return report;
  } finally {
    await checkout.remove();
  }
}

/**
 * How a detected target reads in the report: its explanation and when it was first and last seen.
 * TODO(attribution): replaced by the matcher against the evidence and the proposals (drift/attribute.ts)
 * and the record of first-seen times (drift/record.ts); until then every drift is out-of-band and new.
 */
export function explain(detected: DetectedTarget, checkedAt: string): DriftTargetReport {
  const drifted = detected.status === 'drifted';
  return {
    target: detected.target,
    kind: detected.kind,
    status: detected.status,
    diff: detected.diff,
    firstSeen: drifted ? checkedAt : null,
    lastSeen: drifted ? checkedAt : null,
    explanation: drifted ? { kind: 'out-of-band' } : null,
    ignored: detected.ignored,
    ...(detected.error ? { error: detected.error } : {}),
  };
}

/** TODO(github): keeps one living issue per drifted target (`--github`); wired by the GitHub part of drift. */
export async function publishDriftIssues(
  _report: DriftReport,
  _workspace: Workspace,
  _context: RunContext,
): Promise<void> {
  throw usageError('netchange drift --github is not yet available', 'Run without --github for now.');
}

/** TODO(revert): writes a proposal that re-applies the intent per drifted target (`--propose`). */
export async function proposeDriftReverts(
  _report: DriftReport,
  _workspace: Workspace,
  _context: RunContext,
): Promise<void> {
  throw usageError('netchange drift --propose is not yet available', 'Run without --propose for now.');
}

function buildReport(
  detected: readonly DetectedTarget[],
  meta: { checkedAt: string; version: string; commit: string; ref: string; findings: DriftPolicyFinding[] },
): DriftReport {
  const targets = detected.map((target) => explain(target, meta.checkedAt));
  const count = (status: DriftTargetReport['status']) =>
    targets.filter((target) => target.status === status).length;
  const summary = {
    targets: targets.length,
    drifted: count('drifted'),
    inSync: count('in-sync'),
    ignored: count('ignored'),
    errors: count('error'),
  };
  return {
    schemaVersion: 1,
    tool: { name: 'netchange', version: meta.version },
    checkedAt: meta.checkedAt,
    ok:
      summary.drifted === 0 &&
      summary.errors === 0 &&
      !meta.findings.some((finding) => finding.severity === 'error'),
    commit: meta.commit,
    ref: meta.ref,
    targets,
    findings: meta.findings,
    summary,
  };
}

/**
 * Each drift source as a step, checked as a proposal's steps are: its paths exist inside `root`
 * (no `..`, no symlink out), and its settings reach the tool as data (no option-like limit or
 * workspace). Findings point at netchange.yaml's lines.
 */
async function checkDriftSources(
  root: string,
  drift: Pick<DriftConfig, 'ansible' | 'terraform'> & { state?: readonly string[] },
  document: YamlDocument | undefined,
): Promise<Finding[]> {
  const steps = [
    ...drift.ansible.map((source, index) => ({
      at: ['drift', 'ansible', index],
      step: stepOf('ansible', source),
    })),
    ...drift.terraform.map((source, index) => ({
      at: ['drift', 'terraform', index],
      step: stepOf('terraform', source),
    })),
  ];
  const findings: Finding[] = [];
  for (const [index, relative] of (drift.state ?? []).entries()) {
    if (!path.isAbsolute(relative) && !path.posix.normalize(relative).startsWith('..')) continue;
    findings.push({
      ruleId: 'reference',
      severity: 'error',
      message: `drift.state '${relative}' is not inside the repository`,
      hint: 'Name runtime state by its path relative to the repository root.',
      file: CONFIG_FILE,
      ...(document?.positionOf(['drift', 'state', index]) ?? { line: 1, column: 1 }),
    });
  }
  const position = (at: DocumentPath) => ({
    file: CONFIG_FILE,
    ...(document?.positionOf(at) ?? { line: 1, column: 1 }),
  });
  for (const { at, step } of steps) {
    const executor = executorOf(step);
    for (const problem of executor.argumentProblems(step)) {
      findings.push({
        ruleId: 'lint',
        severity: 'error',
        message: `${[...at, ...problem.at].join('.')} ${problem.message}`,
        hint: problem.hint,
        ...position([...at, ...problem.at]),
      });
    }
    for (const reference of executor.references(step)) {
      for (const checked of [reference, ...(reference.inside ?? [])]) {
        const where = position([...at, ...checked.at]);
        const resolved = await resolveInsideRepository(root, checked.path, where);
        if (!resolved.ok) {
          findings.push({
            ...resolved.finding,
            message: `drift ${checked.role} ${resolved.finding.message}`,
          });
          break;
        }
      }
    }
  }
  return findings;
}

/**
 * The drift policy as of `at`: absent is no rules (unless netchange.yaml names a file that does not
 * exist: exit 2); invalid is a configuration error with its findings' lines.
 */
async function loadDriftPolicy(workspace: Workspace, at: Date): Promise<CompiledDriftPolicy | undefined> {
  const file = workspace.config.drift.policy;
  const configured = (workspace.configDocument?.value as { drift?: { policy?: string } } | undefined)?.drift
    ?.policy;
  if (!existsSync(path.join(workspace.root, file))) {
    if (configured === undefined) return undefined;
    throw configError(`${CONFIG_FILE} names the drift policy ${file}, which does not exist`, {
      findings: [
        {
          ruleId: 'reference',
          severity: 'error',
          message: `drift.policy names ${file}, which does not exist`,
          hint: 'Fix the path, or remove drift.policy to use policies/drift.yaml.',
          file: CONFIG_FILE,
          ...(workspace.configDocument?.positionOf(['drift', 'policy']) ?? { line: 1, column: 1 }),
        },
      ],
    });
  }
  const document = await readYamlDocument(workspace.root, file, workspace.config.limits.maxFileBytes);
  const teams = changeControlTeams(workspace);
  const { policy, errors } = compileDriftPolicy(document, {
    at,
    ...(workspace.config.defaults.timezone ? { defaultTimezone: workspace.config.defaults.timezone } : {}),
    ...(teams ? { teams } : {}),
  });
  if (!policy) {
    throw configError(`${file} has errors`, {
      findings: errors,
      hint: 'Fix the drift policy; netchange does not hide differences by rules it cannot read.',
    });
  }
  return policy;
}

/** The change-control policy's team names, when it has any. */
function changeControlTeams(workspace: Workspace): string[] | undefined {
  const value = workspace.changeControlDocument?.value;
  if (value === null || typeof value !== 'object') return undefined;
  const teams = (value as { teams?: unknown }).teams;
  return teams !== null && typeof teams === 'object' ? Object.keys(teams) : undefined;
}
