/**
 * `netchange drift`: compares every device and stack with its intended state on the default branch.
 * Reads netchange.yaml's `drift` sources and policies/drift.yaml, checks the default branch's commit
 * out into a private directory, runs the sources in check mode from there (detection), explains each
 * difference and returns one `DriftReport`.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadEvidence, reloadEvidence } from '../audit/index.js';
import { compileChangeControlPolicy } from '../control/index.js';
import { actingUser } from '../core/acting-user.js';
import { configError, NetchangeError, usageError } from '../core/errors.js';
import type { Finding } from '../core/findings.js';
import type { RaciAssignment } from '../core/schema-types.generated.js';
import { toRfc3339Utc } from '../core/time.js';
import type { DocumentPath, YamlDocument } from '../documents/parse-yaml.js';
import { resolveInsideRepository } from '../documents/read-file.js';
import { explainDrift } from '../drift/attribute.js';
import { checkoutIntendedState, earlierIntendedStates, resolveIntendedCommit } from '../drift/checkout.js';
import { type DetectOptions, detectDrift } from '../drift/detect.js';
import { type DomainAnswer, inventoryKey, resolveDriftOwners } from '../drift/domain.js';
import type {
  DetectedTarget,
  DriftConfig,
  DriftExplanation,
  DriftPolicyFinding,
  DriftReport,
  DriftTargetReport,
} from '../drift/model.js';
import { type CompiledDriftPolicy, compileDriftPolicy } from '../drift/policy.js';
import { type DriftSighting, recordDrift } from '../drift/record.js';
import type { InventoryHostFacts } from '../executors/context.js';
import { executorOf, stepOf } from '../executors/registry.js';
import { describeDriftIssues, postDriftIssues } from '../github/drift-issues.js';
import { CONFIG_FILE, githubSettings, readYamlDocument, type Workspace } from '../pipeline/workspace.js';
import { silentProgress } from '../runs/progress.js';
import { type ExecutionSettings, executionSettings } from '../runs/settings.js';
import type { RunContext } from './context.js';
import { type ProposeRevertsResult, proposeReverts } from './drift-revert.js';
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
/** What one `netchange drift` run produced. */
export interface DriftRun {
  /** The report (`--format json` prints it as is). */
  report: DriftReport;
  /** `drift-detected`/`drift-resolved` records this run appended to the evidence (0 on an unchanged run). */
  recorded: number;
  /** `--propose`: the revert proposals written, and the drifted targets that got none. */
  reverts?: ProposeRevertsResult;
  /**
   * `--github`: keeps the drift issues and returns what it did, one line per issue. Called after the
   * report is printed, so a GitHub failure never costs the reader the report.
   */
  publish?: () => Promise<string>;
  /** The repository's zone (netchange.yaml `defaults.timezone`) the report's times are shown in. */
  timeZone?: string;
}

/**
 * Runs drift detection, explains each drift (attribution), records it in the evidence (first seen,
 * drift-detected/drift-resolved), and with `--propose` writes revert proposals.
 */
export async function checkDrift(request: DriftRequest, context: RunContext): Promise<DriftRun> {
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
    const detectOptions: Omit<DetectOptions, 'checkoutRoot' | 'config'> = {
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
    };
    // why: each check reports its inventory anyway; naming a drifted device's domain from it saves
    // an ansible-inventory --list per source after the check (~0.5 s of Python for 200 hosts).
    const reported = new Map<string, ReadonlyMap<string, InventoryHostFacts>>();
    // why: the evidence chain is read while the check runs; after it, one git process confirms the
    // chain has not moved (else it is read again), instead of three after the check.
    const earlyEvidence = loadEvidence(workspace.root);
    earlyEvidence.catch(() => undefined);
    const detected = await detectDrift({
      ...detectOptions,
      checkoutRoot: checkout.root,
      config: drift,
      onInventory: (source, hosts) => reported.set(inventoryKey(source), hosts),
    });
    if (context.signal.aborted) throw new NetchangeError('E_CANCELLED', 'drift was cancelled');
    const timezone = workspace.config.defaults.timezone;
    const history: IntentHistory = {
      root: workspace.root,
      changesDirectory: workspace.config.paths.changes,
      workingState,
      sources: drift,
      // why: these checks answer a question about one target; their progress would read as new targets.
      detect: { ...detectOptions, progress: silentProgress() },
    };
    // why: one read of the evidence branch, as it is after the check, for explaining and recording alike.
    const evidence = reloadEvidence(workspace.root, earlyEvidence);
    const records = evidence.then((loaded) => loaded.records);
    // why: with nothing drifted the records go unread; a failed read is reported by recording.
    records.catch(() => undefined);
    const explanations = await explainDrift({
      repositoryRoot: workspace.root,
      evidence: records,
      defaultBranch: intended.ref,
      targets: detected,
      changesDirectory: workspace.config.paths.changes,
      ...(timezone ? { defaultTimezone: timezone } : {}),
      isBehind: (target) => runsEarlierIntent(target, intended.commit, history),
      matchesIntentAt: (target, commit) => matchesIntentAt(target, commit, history),
    });
    const actor = actingUser(context.env);
    const recorded = await recordDrift({
      repositoryRoot: workspace.root,
      targets: detected,
      explanations,
      checkedAt,
      commit: intended.commit,
      actor,
      append: { redactor: settings.redactor, onWarning: context.warn, now: () => context.clock.now() },
      evidence,
    });
    const drifted = detected.some((target) => target.status === 'drifted');
    const changeControl = workspace.changeControlDocument
      ? compileChangeControlPolicy(workspace.changeControlDocument).policy
      : undefined;
    // why: the domain costs an ansible-inventory listing; only a drift needs its owners named.
    const owners = drifted
      ? await driftOwners(
          workspace,
          checkout.root,
          detected,
          changeControl?.raci ?? new Map(),
          settings,
          context.env,
          reported,
        )
      : new Map();
    const report = buildReport(detected, {
      checkedAt: toRfc3339Utc(checkedAt.getTime()),
      version: context.version,
      commit: intended.commit,
      ref: intended.ref,
      findings: policy?.findings ?? [],
      explanations,
      seen: recorded.seen,
      owners,
    });
    const run: DriftRun = {
      report,
      recorded: recorded.appended.length,
      ...(timezone ? { timeZone: timezone } : {}),
    };
    if (request.propose) {
      run.reverts = await proposeReverts(
        {
          repo: workspace.root,
          workspace,
          report,
          sources: new Map(detected.map((target) => [target.target, target.source])),
          owners,
          requester: actor.name,
        },
        context,
      );
    }
    if (request.github) {
      const proposals = run.reverts?.byTarget;
      run.publish = async () => {
        const posted = await postDriftIssues({
          report,
          env: context.env,
          config: githubSettings(workspace),
          warn: context.warn,
          ...(timezone ? { timeZone: timezone } : {}),
          owners,
          githubTeams: githubTeams(changeControl?.teams),
          ...(proposals ? { proposals } : {}),
          driftPolicyFile: workspace.config.drift.policy,
          redact: (text) => settings.redactor.redactText(text),
        });
        return describeDriftIssues(posted.repository, posted.outcomes);
      };
    }
    return run;
  } finally {
    await checkout.remove();
  }
}

/** How many earlier intended states a pending change's target is compared with. */
const EARLIER_STATES = 3;

/** What comparing one target with an earlier intended state needs. */
interface IntentHistory {
  root: string;
  changesDirectory: string;
  workingState: readonly string[];
  sources: Pick<DriftConfig, 'ansible' | 'terraform'>;
  detect: Omit<DetectOptions, 'checkoutRoot' | 'config'>;
}

/**
 * True when the target is in sync with one of the last few intended states of its source before
 * `tip` (the parents of the commits that changed the source's folders): the device is behind a
 * merged change, not edited by hand.
 */
async function runsEarlierIntent(
  target: DetectedTarget,
  tip: string,
  history: IntentHistory,
): Promise<boolean> {
  const { playbook, inventory, dir } = target.source;
  const paths =
    target.kind === 'terraform'
      ? [dir ?? '.']
      : [path.posix.dirname(playbook ?? '.'), path.posix.dirname(inventory ?? '.')];
  const earlier = await earlierIntendedStates(history.root, tip, [...new Set(paths)], {
    changesDirectory: history.changesDirectory,
    count: EARLIER_STATES,
  });
  for (const commit of earlier) if (await matchesIntentAt(target, commit, history)) return true;
  return false;
}

/** True when one check of the target alone, against the intended state at `commit`, finds it in sync. */
async function matchesIntentAt(
  target: DetectedTarget,
  commit: string,
  history: IntentHistory,
): Promise<boolean> {
  const { playbook, inventory, dir, workspace } = target.source;
  const ansible = history.sources.ansible.find(
    (source) => source.playbook === playbook && source.inventory === inventory,
  );
  const terraform = history.sources.terraform.find(
    (source) => source.dir === dir && source.workspace === workspace,
  );
  const config: Pick<DriftConfig, 'ansible' | 'terraform'> =
    target.kind === 'terraform'
      ? { ansible: [], terraform: terraform ? [terraform] : [] }
      : { ansible: ansible ? [{ ...ansible, limit: target.target }] : [], terraform: [] };
  if (config.ansible.length === 0 && config.terraform.length === 0) return false;
  let checkout: Awaited<ReturnType<typeof checkoutIntendedState>>;
  try {
    checkout = await checkoutIntendedState(history.root, commit, history.workingState);
  } catch {
    // why: a commit this clone lacks (a branch deleted after its apply) answers nothing.
    return false;
  }
  try {
    const [again] = await detectDrift({ ...history.detect, checkoutRoot: checkout.root, config });
    return again !== undefined && (again.status === 'in-sync' || again.status === 'ignored');
  } finally {
    await checkout.remove();
  }
}

/** Each drifted target's RACI domain and teams; unknown (with the reason) without a change-control policy. */
function driftOwners(
  workspace: Workspace,
  checkoutRoot: string,
  detected: readonly DetectedTarget[],
  raci: ReadonlyMap<string, RaciAssignment>,
  settings: ExecutionSettings,
  env: NodeJS.ProcessEnv,
  reported: ReadonlyMap<string, ReadonlyMap<string, InventoryHostFacts>>,
): Promise<Map<string, DomainAnswer>> {
  return resolveDriftOwners({
    reported,
    root: checkoutRoot,
    targets: detected.filter((target) => target.status === 'drifted'),
    config: workspace.config.drift,
    raci,
    inventoryCommand: settings.commands.ansibleInventory,
    env,
    timeoutMs: settings.timeoutMs,
    killGraceMs: settings.killGraceMs,
  });
}

/** The GitHub team (`org/slug`) of each policy team that names one, to mention it in drift issues. */
function githubTeams(teams: ReadonlyMap<string, { github?: string }> | undefined): Map<string, string> {
  const found = new Map<string, string>();
  for (const [name, team] of teams ?? []) if (team.github) found.set(name, team.github);
  return found;
}

/** How a detected target reads in the report: its explanation, when it was first and last seen, its domain. */
export function explain(
  detected: DetectedTarget,
  facts: {
    explanation?: DriftExplanation;
    seen?: DriftSighting;
    owners?: DomainAnswer;
  },
): DriftTargetReport {
  const drifted = detected.status === 'drifted';
  return {
    target: detected.target,
    kind: detected.kind,
    status: detected.status,
    diff: detected.diff,
    firstSeen: drifted ? (facts.seen?.firstSeen ?? null) : null,
    lastSeen: drifted ? (facts.seen?.lastSeen ?? null) : null,
    explanation: drifted ? (facts.explanation ?? { kind: 'out-of-band' }) : null,
    ignored: detected.ignored,
    ...(facts.owners?.ok ? { domain: facts.owners.owners.domain } : {}),
    ...(detected.error ? { error: detected.error } : {}),
  };
}

function buildReport(
  detected: readonly DetectedTarget[],
  meta: {
    checkedAt: string;
    version: string;
    commit: string;
    ref: string;
    findings: DriftPolicyFinding[];
    explanations: ReadonlyMap<string, DriftExplanation>;
    seen: ReadonlyMap<string, DriftSighting>;
    owners: ReadonlyMap<string, DomainAnswer>;
  },
): DriftReport {
  const targets = detected.map((target) => {
    const explanation = meta.explanations.get(target.target);
    const seen = meta.seen.get(target.target);
    const owners = meta.owners.get(target.target);
    return explain(target, {
      ...(explanation ? { explanation } : {}),
      ...(seen ? { seen } : {}),
      ...(owners ? { owners } : {}),
    });
  });
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
        const resolved = resolveInsideRepository(root, checked.path, where);
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
  const document = readYamlDocument(workspace.root, file, workspace.config.limits.maxFileBytes);
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
