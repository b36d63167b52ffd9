/**
 * Everything netchange asks of GitHub, as one interface named by role. The rest of the code never
 * sees octokit: the adapter (octokit-github.ts) implements this over HTTP, tests point it at the
 * local stand-in.
 */

/** A comment on a pull request. */
export interface IssueComment {
  /** GitHub's comment id (used to edit it). */
  id: number;
  /** Markdown body as stored. */
  body: string;
  /** Link a person can open. */
  htmlUrl?: string;
}

export type AnnotationLevel = 'notice' | 'warning' | 'failure';

/** One check-run annotation: a message on lines of a file in the pull request. */
export interface CheckAnnotation {
  /** Repository-relative path. */
  path: string;
  startLine: number;
  endLine: number;
  level: AnnotationLevel;
  message: string;
  title?: string;
}

export type CheckConclusion = 'success' | 'failure' | 'action_required' | 'neutral';

/** What a check run shows: title, summary, text (each within GitHub's limits) and annotations. */
export interface CheckRunOutput {
  title: string;
  /** Markdown, at most 65,535 characters. */
  summary: string;
  /** Markdown, at most 65,535 characters. */
  text?: string;
  /** Any number; the adapter sends them 50 per request. */
  annotations?: CheckAnnotation[];
}

/** A check run as GitHub returns it (enough to decide whether it changed). */
export interface CheckRunInfo {
  id: number;
  headSha: string;
  status: string;
  conclusion: string | null;
  title?: string;
  summary?: string;
  text?: string;
  annotationsCount: number;
  htmlUrl?: string;
}

/** A pull request's identity and state. */
export interface PullRequestInfo {
  number: number;
  /** The commit at the head of the pull request now. */
  headSha: string;
  /** Login of the author. */
  author: string;
  /** The branch the pull request merges into (e.g. main). */
  baseRef?: string;
  /** The repository's default branch, as GitHub reports it with the pull request's base. */
  defaultBranch?: string;
  state: 'open' | 'closed';
  merged: boolean;
  /** The merge commit, when merged. */
  mergeCommitSha?: string;
  labels: string[];
  htmlUrl?: string;
  /**
   * When the pull request was opened, on GitHub's clock. why: commit dates are the author's to set;
   * apply never counts a change's notice from before its pull request existed.
   */
  createdAt?: Date;
}

/** One file a pull request changes. */
export interface PullRequestFile {
  /** Repository-relative path at the head. */
  path: string;
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

/** One submitted review. */
export interface PullRequestReview {
  /** Login of the reviewer. */
  user: string;
  state: ReviewState;
  /** The commit the review was given on. */
  commitId: string;
  /** RFC 3339, when submitted. */
  submittedAt?: string;
  /** The review's text ('' when none): `/netchange approve|hold ID` lines scope it to proposals. */
  body?: string;
}

/** A git ref in the repository on GitHub. */
export interface GitRefInfo {
  /** Full name, `refs/netchange/locks/sw-plant-a-01`. */
  ref: string;
  /** The object it points at. */
  sha: string;
  type: string;
}

/** An issue (not a pull request) as GitHub returns it. */
export interface IssueInfo {
  number: number;
  title: string;
  /** Markdown body as stored ('' when empty). */
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  /** Link a person can open. */
  htmlUrl?: string;
}

export type CommitState = 'pending' | 'success' | 'failure' | 'error';

export interface GitHubPort {
  /** `owner/name` of the repository every call addresses. */
  readonly repository: string;
  /**
   * The first comment on the pull request whose body contains `marker` and that netchange wrote (a
   * bot, or the token's own user); a person's comment carrying the marker is never it.
   */
  findComment(pullNumber: number, marker: string): Promise<IssueComment | undefined>;
  /** Comments on a pull request or an issue (GitHub numbers both alike). */
  createComment(issueNumber: number, body: string): Promise<IssueComment>;
  updateComment(commentId: number, body: string): Promise<IssueComment>;
  /** Creates a completed check run; annotations beyond 50 follow in updates of 50. */
  createCheckRun(run: {
    name: string;
    headSha: string;
    conclusion: CheckConclusion;
    output: CheckRunOutput;
    detailsUrl?: string;
  }): Promise<CheckRunInfo>;
  /** Replaces a check run's conclusion and output (annotations add to the existing ones, 50 per request). */
  updateCheckRun(id: number, run: { conclusion: CheckConclusion; output: CheckRunOutput }): Promise<void>;
  getPullRequest(pullNumber: number): Promise<PullRequestInfo>;
  /**
   * Open pull requests, 100 per request, oldest first, at most `max` of them; `more` tells whether
   * others were left out.
   */
  listOpenPullRequests(max: number): Promise<{ pulls: PullRequestInfo[]; more: boolean }>;
  /** The files a pull request changes (100 per request; GitHub lists at most 3,000). */
  listPullRequestFiles(pullNumber: number): Promise<PullRequestFile[]>;
  /** A file's text at a commit; undefined when it does not exist there. */
  readFileAt(path: string, ref: string): Promise<string | undefined>;
  /** Pull requests whose head or merge commit is `sha`. */
  pullRequestsForCommit(sha: string): Promise<PullRequestInfo[]>;
  /** Every submitted review, oldest first. */
  listReviews(pullNumber: number): Promise<PullRequestReview[]>;
  /** Logins of a team's members; `team` is `org/slug`. */
  listTeamMembers(team: string): Promise<string[]>;
  createCommitStatus(
    sha: string,
    status: { state: CommitState; context: string; description: string; targetUrl?: string },
  ): Promise<void>;
  addLabels(pullNumber: number, labels: string[]): Promise<void>;
  /** Atomic: `created` when the ref did not exist, `exists` when someone else holds it. */
  createRef(ref: string, sha: string): Promise<'created' | 'exists'>;
  /** The ref, or undefined when it does not exist. `ref` is the full name (`refs/...`). */
  getRef(ref: string): Promise<GitRefInfo | undefined>;
  /** True when the ref was deleted, false when it did not exist. */
  deleteRef(ref: string): Promise<boolean>;
  /** Creates an annotated tag object (no ref) and returns its sha. */
  createTagObject(tag: { name: string; message: string; object: string }): Promise<string>;
  /** The message of a tag object, or undefined when it does not exist. */
  getTagMessage(sha: string): Promise<string | undefined>;
  /**
   * The open issue labelled `label` whose body contains `marker` and that netchange opened (a bot, or
   * the token's own user; pull requests are skipped). Newest first, page by page, stopping at the
   * first match: one request while fewer than 100 issues carry the label.
   */
  findOpenIssue(label: string, marker: string): Promise<IssueInfo | undefined>;
  /** Opens an issue; GitHub creates labels that do not exist yet. The body must fit GITHUB_LIMITS.body. */
  createIssue(issue: { title: string; body: string; labels?: string[] }): Promise<IssueInfo>;
  /**
   * Edits an issue in one request: its body, title and state, each when given (closing or reopening
   * is a change of `state`).
   */
  updateIssue(
    issueNumber: number,
    changes: { body?: string; title?: string; state?: 'open' | 'closed' },
  ): Promise<IssueInfo>;
  /** Every comment on the repository's issues and pull requests, oldest first (evidence anchors). */
  listRepositoryComments(): Promise<IssueComment[]>;
  /** Every issue labelled `label`, open or closed, newest first (pull requests are skipped). */
  listIssuesWithLabel(label: string): Promise<IssueInfo[]>;
}
