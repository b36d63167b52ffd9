/**
 * Side effects arrive through these small interfaces, so the stages stay pure and testable.
 * Adapters implement them with simple-git, execa and octokit.
 */

/** The current time. The CLI passes `--at` or the system clock. */
export interface Clock {
  now(): Date;
}

/** A local git repository (simple-git adapter in src/proposals/git-repository.ts). */
export interface GitRepository {
  /** Absolute path of the working tree root. */
  readonly root: string;
  /** Full sha of a ref; throws E_GIT naming the ref when it does not exist. */
  resolveRef(ref: string): Promise<string>;
  /**
   * Files changed between `base` and HEAD, repository-relative: a change elsewhere in a larger work
   * tree is named from the root (`../shared/mod/main.tf`), and a submodule's moved commit counts.
   */
  changedFiles(base: string): Promise<ChangedFile[]>;
  /** Whether `commit` is `of` or in its history; false when either is unknown. */
  isAncestor(commit: string, of: string): Promise<boolean>;
  /** The blob sha of each tracked file at HEAD, keyed by repository-relative path. */
  blobShas(paths: readonly string[]): Promise<Map<string, string>>;
  /**
   * Every tracked file under the root with its blob sha in the index, and the files whose working
   * copy is not that blob (modified, deleted or untracked; ignored files excluded). One git call.
   */
  workTreeState(): Promise<WorkTreeState>;
  /** Absolute path of the git directory (`.git`, or a linked worktree's own). */
  gitDirectory(): Promise<string>;
  /** Content of a file at a ref, or undefined when it does not exist there. */
  fileAt(ref: string, path: string): Promise<string | undefined>;
  /**
   * The commits on HEAD's history that changed `path`, newest first, each with its committer date
   * (empty when none did, or git fails).
   */
  commitsOf(path: string): Promise<{ commit: string; at: Date }[]>;
  /**
   * The newest commit on HEAD's first-parent history (on the default branch: the merge commits,
   * dated when they were merged) that touched any of `paths` (files, directories or globs with `*`
   * and `**`), with its committer date, committed at or before `before` when given; undefined when
   * none did.
   */
  lastCommitted(
    paths: readonly string[],
    options?: { before?: Date },
  ): Promise<{ commit: string; at: Date } | undefined>;
  /**
   * How many commits on HEAD's history touched each file under `directory` (one git call), keyed
   * by repository-relative path. A calendar event's SEQUENCE: it grows with every edit.
   */
  revisions(directory: string): Promise<Map<string, number>>;
  /**
   * Files under `paths` that differ from HEAD: modified, staged, deleted or untracked (ignored
   * files excluded), named from the root. Empty when the paths are clean.
   */
  uncommittedChanges(paths: readonly string[]): Promise<string[]>;
  /**
   * Tracked files anywhere in the work tree (inside the root or not) that differ from HEAD:
   * modified, staged or deleted, named from the root (`../shared/x.yaml`).
   */
  changedTrackedFiles(): Promise<string[]>;
  /**
   * Files under `paths` that git ignores (untracked and matched by .gitignore, info/exclude or the
   * global excludes), each file listed even inside an ignored directory. Empty when there are none.
   */
  ignoredFiles(paths: readonly string[]): Promise<string[]>;
}

export interface WorkTreeState {
  /** Repository-relative path → blob sha in the index. */
  blobs: Map<string, string>;
  /** Repository-relative paths whose working copy differs from the index, or that git does not track. */
  changed: Set<string>;
}

export interface ChangedFile {
  status: 'added' | 'modified' | 'renamed' | 'deleted';
  /** Path at HEAD (for deleted files, the path at the base). */
  path: string;
  /** For renames, the path at the base. */
  previousPath?: string;
  /** What the path is at HEAD when it is not a file: a symbolic link, or a submodule's commit. */
  kind?: 'symlink' | 'submodule';
}

/** One label matcher (Alertmanager's `{name, value, isRegex, isEqual}`). */
export interface LabelMatcher {
  name: string;
  value: string;
  /** The value is a regular expression, anchored at both ends. */
  isRegex: boolean;
  /** True for `=`/`=~`, false for `!=`/`!~`. */
  isEqual: boolean;
}

/** An alert as the alert source reports it. */
export interface AlertInfo {
  /** Its labels (`alertname`, `severity`, `site`, `instance`, ...). */
  labels: Record<string, string>;
  /** When it started firing (RFC 3339). */
  startsAt: string;
  /** When it ends or ended (RFC 3339). */
  endsAt: string;
  /** `active`, `suppressed` (silenced or inhibited) or `unprocessed`. */
  state: string;
  /** Silences that mute it. */
  silencedBy: string[];
  /** Alerts that inhibit it. */
  inhibitedBy: string[];
  /** Alertmanager's fingerprint of its labels: the same alert keeps it while it fires. */
  fingerprint?: string;
}

/** What `listAlerts` asks for. */
export interface AlertQuery {
  /** Every matcher must match. */
  matchers: readonly LabelMatcher[];
  /** Only alerts neither silenced nor inhibited. */
  firingOnly: boolean;
}

/** A silence to create, or (with `id`) to update; Alertmanager may answer with a new id. */
export interface SilenceRequest {
  /** The silence to update. */
  id?: string;
  matchers: readonly LabelMatcher[];
  startsAt: Date;
  endsAt: Date;
  createdBy: string;
  comment: string;
}

/**
 * The monitoring system that knows what is on fire (Prometheus Alertmanager; adapter in
 * src/alertmanager). Each call throws E_ALERTS naming the server, never its credentials.
 */
export interface AlertSource {
  /** Where the alerts come from, for messages (the URL, credentials never included). */
  readonly origin: string;
  /** Alerts matching every matcher. */
  listAlerts(query: AlertQuery): Promise<AlertInfo[]>;
  /** Creates a silence; returns its id (it changes whenever the silence is edited). */
  createSilence(silence: SilenceRequest): Promise<string>;
  /** Expires a silence at once. */
  expireSilence(id: string): Promise<void>;
}
