/**
 * The shape every gate stage has. A stage reads its policy (or queries its server) once per run in
 * `prepare`, then judges each proposal in a pure `evaluate`. Stages never call each other directly:
 * they share per-proposal facts and the queries prepared stages offer (see `ProposalContext`).
 */
import type { EvaluatedRule, Finding, Interval } from '../core/findings.js';
import type {
  Approval,
  ChangeSubject,
  ProposalReport,
  Risk,
  ScheduledChange,
  WindowVerdict,
} from '../core/model.js';
import type { YamlDocument } from '../documents/parse-yaml.js';
import type { Workspace } from '../pipeline/workspace.js';
import type { HolidayCalendar } from '../windows/holidays.js';

/** Sites and devices the repository knows, for the window policy's scope lint. */
export interface KnownScopeValues {
  sites: string[];
  devices: string[];
}

/** What every stage's `prepare` receives: the run, once. */
export interface GateInput {
  workspace: Workspace;
  /** The instant to evaluate as of (`--at`). */
  at: Date;
  /** Approvals given (from --approvals FILE or pull-request reviews). */
  approvals: Approval[];
  /** The commit being evaluated; approvals for another commit do not count. */
  commit?: string;
  /** Team members resolved outside the policy (GitHub teams): team name → logins. */
  members?: Map<string, string[]>;
  /** Missing approvals fail the proposal (apply, `validate --require-approvals`). */
  requireApprovals: boolean;
  /**
   * Why the gate runs: `review` (validate, plan, the pull-request report) or `apply` (the change is
   * about to run). Default `review`. why: live holds warn a reviewer but stop an apply, and
   * `validate --require-approvals` is still a review.
   */
  purpose?: 'review' | 'apply';
  /**
   * The environment, for stages that ask a server (the Alertmanager URL and credentials, GitHub
   * freeze issues). Absent: those stages ask nothing that needs it.
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** The repository's sites and devices, when every proposal was loaded (scope lint). */
  known?: KnownScopeValues;
  /**
   * Present when the run judges a change to the policy files against its base (a pull request,
   * `--since`): the change-control policy in force there (`changeControl` absent: none was).
   * why: what a pull request writes is untrusted until it is approved and merged; a stage that asks
   * a server with the runner's credentials takes the server from the policy in force, so a pull
   * request cannot send them to a host of its choosing. A function: the base is read only by a
   * stage that needs it, so a run whose policy asks no server reads nothing more.
   */
  policyInForce?: () => Promise<{ changeControl?: YamlDocument }>;
  /** Where `holidays` windows get their days, when the run remembers them (default: date-holidays). */
  holidays?: HolidayCalendar;
  /** The proposals of this run that have a schedule (the conflicts stage compares them). */
  subjects?: readonly ChangeSubject[];
  /**
   * Scheduled changes outside the run that its proposals may conflict with: the rest of the
   * repository's proposals in a partial run (PATH, --since), and other open pull requests' (--github).
   */
  otherChanges?: readonly ScheduledChange[];
  /**
   * The queries all prepared stages offer, filled in once every stage is prepared.
   * why: a stage may keep this object and ask it during `evaluate`, never during `prepare`.
   */
  queries: GateQueries;
}

/**
 * Facts about one proposal that a stage establishes for the stages after it in `GATE_STAGES`.
 * They start from the proposal itself (declared risk, no bypass).
 */
export interface ProposalFacts {
  /** The risk the change is judged at: the declared risk until change control assesses it. */
  risk: Risk;
  /** An emergency allowed to bypass what holds changes back (production windows). */
  bypassWindows: boolean;
}

/**
 * Questions a prepared stage answers for the other stages, about one proposal. Each answer is
 * memoised by the stage that offers it, so asking twice costs nothing.
 */
export interface GateQueries {
  /** The production windows' verdict at a risk (offered by the windows stage). */
  windowsAt?(subject: ChangeSubject, risk: Risk, bypass: boolean): WindowVerdict;
  /**
   * The first `count` occupied intervals at or after the requested start (and `at`) that satisfy
   * the windows at a risk and overlap none of `busy` (offered by the windows stage).
   */
  slotsAt?(subject: ChangeSubject, risk: Risk, options: { busy: BusyLookup; count: number }): Interval[];
  /**
   * The intervals other changes hold that the proposal may not overlap, for a slot search from
   * `fromMs` (offered by the conflicts stage); the windows' next allowed slot skips them.
   */
  busyFor?(subject: ChangeSubject, fromMs: number): BusyLookup;
}

/**
 * Busy intervals (sorted, merged) that start before `untilMs` and end after the search's start.
 * why: a function, so a search asks only for the range it reaches.
 */
export type BusyLookup = (untilMs: number) => readonly { startMs: number; endMs: number }[];

/** What a stage's `evaluate` sees besides the proposal. */
export interface ProposalContext {
  /** When the change was requested (apply: its first commit); lead times count from here. */
  requestedAt?: Date;
  /** Facts the stages before this one established. */
  facts: Readonly<ProposalFacts>;
  /** The queries prepared stages offer. */
  queries: GateQueries;
}

/** The fields of a proposal's report a stage may fill in: its part of the verdict. */
export type VerdictPart = Partial<
  Omit<
    ProposalReport,
    'file' | 'id' | 'ok' | 'findings' | 'title' | 'type' | 'domain' | 'requester' | 'schedule'
  >
>;

/** One stage's judgement of one proposal. */
export interface StageVerdict {
  /** Findings, each with its `ruleId`; an error fails the proposal. */
  findings: Finding[];
  /** What the stage adds to the proposal's report (change control: risk and approvals; windows: `windows`). */
  report?: VerdictPart;
  /** Facts for the stages after this one. */
  facts?: Partial<ProposalFacts>;
  /**
   * The policy rules that applied to this change and how each came out: the evidence of which
   * controls were exercised. why: a stage knows which of its rules applied (a `when` or scope that
   * matched); a finding alone cannot say that a rule was checked and held.
   */
  evaluated?: EvaluatedRule[];
}

/** A change to the policy files themselves, judged with the policy in force. */
export interface PolicyFilesChange {
  /** The policy files the change touches. */
  files: string[];
  /** The base's change-control policy, when there is one. */
  inForce?: YamlDocument;
}

/** A stage after `prepare`: its policy findings and its pure per-proposal judgement. */
export interface PreparedStage {
  /** Findings about the stage's policy; any error stops the run (exit 2). */
  findings: Finding[];
  /** Findings about the run as a whole (e.g. "nothing is gated"). */
  runFindings?: Finding[];
  /** Queries this stage answers for the others. */
  offers?: GateQueries;
  /** Judges one proposal; absent when the stage has nothing to judge with (no policy file). */
  evaluate?(subject: ChangeSubject, context: ProposalContext): StageVerdict;
  /**
   * Findings about a finished report, added after its findings are sorted (e.g. approvals that
   * are still missing once every stage has spoken).
   */
  conclude?(report: ProposalReport): Finding[];
  /** Judges a change to the policy files as a proposal of its own. */
  reviewPolicyChange?(change: PolicyFilesChange): Promise<ProposalReport>;
}

/** One gate stage: registered once in `GATE_STAGES` (src/gate/registry.ts). */
export interface GateStage {
  /** A short kebab-case name, e.g. `windows`. */
  id: string;
  /**
   * Starts loading the stage's engine modules, when the workspace has the policy that needs them;
   * `prepare` later awaits the same modules. why: a run calls this before it loads the proposals,
   * so the engines compile while it waits on git and Python instead of after (a --since run of one
   * proposal: about 20 ms).
   */
  preload?(workspace: Workspace): void;
  /** Does the stage's I/O once per run: read and compile its policy, query its server. */
  prepare(input: GateInput): Promise<PreparedStage>;
  /**
   * Reads the stage's policy alone, as `prepare` does, and asks no server: its findings. For the
   * commands that check the policy files without running the gate (`plan`, `policy explain`).
   * Absent: `prepare` asks nothing outside and is that check itself.
   */
  checkPolicy?(input: GateInput): Finding[];
  /**
   * Why apply refuses a proposal, in one sentence built from the stage's part of the report (its
   * error findings, its verdict); undefined when this stage does not hold the change back.
   */
  describeRefusal?(entry: ProposalReport): string | undefined;
}
