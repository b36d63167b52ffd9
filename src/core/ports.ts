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
  /** Files changed between `base` and HEAD, repository-relative. */
  changedFiles(base: string): Promise<ChangedFile[]>;
  /** The blob sha of each tracked file at HEAD, keyed by repository-relative path. */
  blobShas(paths: readonly string[]): Promise<Map<string, string>>;
  /** Content of a file at a ref, or undefined when it does not exist there. */
  fileAt(ref: string, path: string): Promise<string | undefined>;
  /** When `path` was first committed (its oldest commit on HEAD's history), or undefined. */
  firstCommitted(path: string): Promise<Date | undefined>;
  /**
   * How many commits on HEAD's history touched each file under `directory` (one git call), keyed
   * by repository-relative path. A calendar event's SEQUENCE: it grows with every edit.
   */
  revisions(directory: string): Promise<Map<string, number>>;
  /**
   * Files under `paths` that differ from HEAD: modified, staged, deleted or untracked (ignored
   * files excluded), as git prints them. Empty when the paths are clean.
   */
  uncommittedChanges(paths: readonly string[]): Promise<string[]>;
}

export interface ChangedFile {
  status: 'added' | 'modified' | 'renamed' | 'deleted';
  /** Path at HEAD (for deleted files, the path at the base). */
  path: string;
  /** For renames, the path at the base. */
  previousPath?: string;
}
