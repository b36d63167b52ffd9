/**
 * The GitHubPort over octokit: REST calls with the throttling plugin (honours `retry-after` on
 * secondary rate limits) and the retry plugin (5xx). The one place that talks HTTP to GitHub.
 */
import { App, Octokit, RequestError } from 'octokit';
import { NetchangeError } from '../core/errors.js';
import { checkedApiUrl, withoutUrlCredentials } from './api-url.js';
import type {
  CheckAnnotation,
  CheckConclusion,
  CheckRunInfo,
  CheckRunOutput,
  GitHubPort,
  GitRefInfo,
  IssueInfo,
  PullRequestInfo,
  PullRequestReview,
  ReviewState,
} from './port.js';

/** GitHub accepts at most 50 annotations per check-run request. */
export const ANNOTATIONS_PER_REQUEST = 50;

/** How many times a rate-limited or failing request is retried before the command gives up. */
export const DEFAULT_RETRIES = 3;
/** A request that has not answered after this long is abandoned (and retried like a 5xx). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/**
 * Longest rate-limit wait worth making: a primary limit can reset an hour later, and a CI job should
 * rather fail (exit 3, re-sendable) than sit idle that long.
 */
const MAX_RATE_LIMIT_WAIT_SECONDS = 120;

export type GitHubAuth =
  /** A token: GITHUB_TOKEN in Actions, or a personal access token. */
  | { token: string }
  /** A GitHub App installation. */
  | { app: { appId: string | number; privateKey: string; installationId: number } };

export interface OctokitGitHubOptions {
  auth: GitHubAuth;
  /** API base URL; default https://api.github.com (GitHub Enterprise Server: https://HOST/api/v3). */
  apiUrl?: string;
  /** `owner/name`. */
  repository: string;
  /** Where retries and rate-limit waits are reported (never the token). Default: silent. */
  warn?: (message: string) => void;
  /** Retries of a 5xx or rate-limited request (backoff 1 s, 4 s, 9 s; rate limits wait retry-after). Default 3. */
  retries?: number;
  /** Per-request time limit. Default 30 s. */
  requestTimeoutMs?: number;
}

/** Creates the GitHubPort for one repository. */
export async function createOctokitGitHub(options: OctokitGitHubOptions): Promise<GitHubPort> {
  const [owner, repo] = splitRepository(options.repository);
  const warn = options.warn ?? (() => {});
  const retries = options.retries ?? DEFAULT_RETRIES;
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const timedFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const timeout = AbortSignal.timeout(timeoutMs);
    return fetch(input, {
      ...init,
      signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
    });
  };
  const wantRetry = (
    what: string,
    retryAfter: number,
    request: { method: string; url: string },
    retryCount: number,
  ): boolean => {
    const retry = retryCount < retries && retryAfter <= MAX_RATE_LIMIT_WAIT_SECONDS;
    warn(
      withoutUrlCredentials(
        `GitHub ${what} for ${request.method} ${request.url}; ${retry ? `retrying in ${retryAfter}s` : `giving up (retry after ${retryAfter}s)`}`,
      ),
    );
    return retry;
  };
  const ThrottledOctokit = Octokit.defaults({
    request: { fetch: timedFetch },
    baseUrl: checkedApiUrl(options.apiUrl ?? 'https://api.github.com', 'the GitHub API URL').replace(
      /\/+$/,
      '',
    ),
    userAgent: 'netchange',
    // why: octokit's default logger prints request details to the console; we report retries ourselves.
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    retry: { retries },
    throttle: {
      onRateLimit: (
        retryAfter: number,
        request: { method: string; url: string },
        _client: unknown,
        retryCount: number,
      ) => {
        return wantRetry('rate limit reached', retryAfter, request, retryCount);
      },
      onSecondaryRateLimit: (
        retryAfter: number,
        request: { method: string; url: string },
        _client: unknown,
        retryCount: number,
      ) => {
        return wantRetry('secondary rate limit', retryAfter, request, retryCount);
      },
    },
  });
  let client: Octokit;
  const auth = options.auth;
  if ('token' in auth) {
    client = new ThrottledOctokit({ auth: auth.token });
  } else {
    const app = new App({
      appId: auth.app.appId,
      privateKey: auth.app.privateKey,
      Octokit: ThrottledOctokit,
    });
    client = (await call('authenticate as the GitHub App installation', () =>
      app.getInstallationOctokit(auth.app.installationId),
    )) as Octokit;
  }
  const rest = client.rest;
  const base = { owner, repo };
  // why: the token's own account, asked once and only when a person's comment carries a marker (a
  // machine user's token); the workflow's token and an App's have none (GitHub answers 403).
  let tokenUser: Promise<string | undefined> | undefined;
  const ownLogin = () => {
    tokenUser ??= rest.users.getAuthenticated().then(
      ({ data }) => data.login,
      () => undefined,
    );
    return tokenUser;
  };
  /**
   * Whether netchange wrote a comment: a bot (the workflow's token posts as github-actions[bot], an App
   * as its own bot) or the token's own user. why: anyone who can comment can write a marker, and the
   * report comment carries the plan digests reviewers saw, which apply holds its plan to.
   */
  const writtenByNetchange = async (author: { login?: string; type?: string } | null | undefined) =>
    author?.type === 'Bot' || (author?.login !== undefined && author.login === (await ownLogin()));

  const port: GitHubPort = {
    repository: `${owner}/${repo}`,

    async findComment(pullNumber, marker) {
      // why: page by page, stopping at the first match: one request for any pull request with < 100 comments.
      const pages = client.paginate.iterator(rest.issues.listComments, {
        ...base,
        issue_number: pullNumber,
        per_page: 100,
      });
      return call(`list the comments of pull request #${pullNumber}`, async () => {
        for await (const page of pages) {
          for (const comment of page.data) {
            if (comment.body?.includes(marker) && (await writtenByNetchange(comment.user))) {
              return { id: comment.id, body: comment.body, htmlUrl: comment.html_url };
            }
          }
        }
        return undefined;
      });
    },

    async createComment(issueNumber, body) {
      const { data } = await call(`comment on #${issueNumber}`, () =>
        rest.issues.createComment({ ...base, issue_number: issueNumber, body }),
      );
      return { id: data.id, body: data.body ?? '', htmlUrl: data.html_url };
    },

    async updateComment(commentId, body) {
      const { data } = await call(`edit comment ${commentId}`, () =>
        rest.issues.updateComment({ ...base, comment_id: commentId, body }),
      );
      return { id: data.id, body: data.body ?? '', htmlUrl: data.html_url };
    },

    async createCheckRun(run) {
      const [first = [], ...rest_] = batches(run.output.annotations ?? []);
      const { data } = await call(`create the check run ${run.name}`, () =>
        rest.checks.create({
          ...base,
          name: run.name,
          head_sha: run.headSha,
          status: 'completed',
          conclusion: run.conclusion,
          ...(run.detailsUrl ? { details_url: run.detailsUrl } : {}),
          output: outputBody(run.output, first),
        }),
      );
      for (const batch of rest_) await addAnnotations(data.id, run.conclusion, run.output, batch);
      return { ...toCheckRun(data), annotationsCount: run.output.annotations?.length ?? 0 };
    },

    async updateCheckRun(id, run) {
      const [first = [], ...rest_] = batches(run.output.annotations ?? []);
      await call(`update check run ${id}`, () =>
        rest.checks.update({
          ...base,
          check_run_id: id,
          status: 'completed',
          conclusion: run.conclusion,
          output: outputBody(run.output, first),
        }),
      );
      for (const batch of rest_) await addAnnotations(id, run.conclusion, run.output, batch);
    },

    async getPullRequest(pullNumber) {
      const { data } = await call(`read pull request #${pullNumber}`, () =>
        rest.pulls.get({ ...base, pull_number: pullNumber }),
      );
      return toPullRequest(data);
    },

    async listOpenPullRequests(max) {
      const pulls: PullRequestInfo[] = [];
      let more = false;
      // why: 100 per page (GitHub's maximum), stopping once `max` are read: ⌈open / 100⌉ requests at most.
      const pages = client.paginate.iterator(rest.pulls.list, {
        ...base,
        state: 'open',
        sort: 'created',
        direction: 'asc',
        per_page: 100,
      });
      await call('list the open pull requests', async () => {
        for await (const page of pages) {
          for (const data of page.data) {
            if (pulls.length >= max) {
              more = true;
              return;
            }
            pulls.push(toPullRequest(data as RawPullRequest));
          }
        }
      });
      return { pulls, more };
    },

    async listPullRequestFiles(pullNumber) {
      const files = await call(`list the files of pull request #${pullNumber}`, () =>
        client.paginate(rest.pulls.listFiles, { ...base, pull_number: pullNumber, per_page: 100 }),
      );
      return files.map((file) => ({ path: file.filename, status: file.status }));
    },

    async readFileAt(path, ref) {
      return call(`read ${path} at ${ref.slice(0, 12)}`, async () => {
        try {
          const { data } = await rest.repos.getContent({ ...base, path, ref });
          if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return undefined;
          return Buffer.from(data.content, 'base64').toString('utf8');
        } catch (error) {
          if ((error as { status?: number }).status === 404) return undefined;
          throw error;
        }
      });
    },

    async pullRequestsForCommit(sha) {
      const { data } = await call(`find the pull requests of ${sha.slice(0, 12)}`, () =>
        rest.repos.listPullRequestsAssociatedWithCommit({ ...base, commit_sha: sha, per_page: 100 }),
      );
      return data.map(toPullRequest);
    },

    async listReviews(pullNumber) {
      const reviews = await call(`list the reviews of pull request #${pullNumber}`, () =>
        client.paginate(rest.pulls.listReviews, { ...base, pull_number: pullNumber, per_page: 100 }),
      );
      return reviews.flatMap((review): PullRequestReview[] =>
        review.user
          ? [
              {
                user: review.user.login,
                state: review.state as ReviewState,
                commitId: review.commit_id ?? '',
                ...(review.submitted_at ? { submittedAt: review.submitted_at } : {}),
                ...(review.body ? { body: review.body } : {}),
              },
            ]
          : [],
      );
    },

    async listTeamMembers(team) {
      const [org, slug] = splitRepository(team);
      const members = await call(`list the members of team ${team}`, () =>
        client.paginate(rest.teams.listMembersInOrg, { org, team_slug: slug, per_page: 100 }),
      );
      return members.map((member) => member.login);
    },

    async createCommitStatus(sha, status) {
      await call(`set the commit status of ${sha.slice(0, 12)}`, () =>
        rest.repos.createCommitStatus({
          ...base,
          sha,
          state: status.state,
          context: status.context,
          // why: GitHub truncates nothing here; it rejects descriptions over 140 characters.
          description: status.description.slice(0, 140),
          ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
        }),
      );
    },

    async addLabels(pullNumber, labels) {
      await call(`label pull request #${pullNumber}`, () =>
        rest.issues.addLabels({ ...base, issue_number: pullNumber, labels }),
      );
    },

    async createRef(ref, sha) {
      try {
        await call(`create ${ref}`, () => rest.git.createRef({ ...base, ref, sha }), [422]);
        return 'created';
      } catch (error) {
        if (error instanceof RequestError && error.status === 422) return 'exists';
        throw error;
      }
    },

    async getRef(ref) {
      try {
        const { data } = await call(
          `read ${ref}`,
          () => rest.git.getRef({ ...base, ref: ref.replace(/^refs\//, '') }),
          [404],
        );
        return { ref: data.ref, sha: data.object.sha, type: data.object.type } satisfies GitRefInfo;
      } catch (error) {
        if (error instanceof RequestError && error.status === 404) return undefined;
        throw error;
      }
    },

    async deleteRef(ref) {
      try {
        await call(
          `delete ${ref}`,
          () => rest.git.deleteRef({ ...base, ref: ref.replace(/^refs\//, '') }),
          [404, 422],
        );
        return true;
      } catch (error) {
        if (error instanceof RequestError && (error.status === 404 || error.status === 422)) return false;
        throw error;
      }
    },

    async createTagObject(tag) {
      const { data } = await call(`create tag ${tag.name}`, () =>
        rest.git.createTag({
          ...base,
          tag: tag.name,
          message: tag.message,
          object: tag.object,
          type: 'commit',
        }),
      );
      return data.sha;
    },

    async getTagMessage(sha) {
      try {
        const { data } = await call(
          `read tag ${sha.slice(0, 12)}`,
          () => rest.git.getTag({ ...base, tag_sha: sha }),
          [404],
        );
        return data.message;
      } catch (error) {
        if (error instanceof RequestError && error.status === 404) return undefined;
        throw error;
      }
    },

    async findOpenIssue(label, marker) {
      // why: newest first, so today's issue is on the first page; stop at the first match.
      const pages = client.paginate.iterator(rest.issues.listForRepo, {
        ...base,
        state: 'open',
        labels: label,
        sort: 'created',
        direction: 'desc',
        per_page: 100,
      });
      return call(`list the open issues labelled ${label}`, async () => {
        for await (const page of pages) {
          for (const issue of page.data) {
            if (
              !issue.pull_request &&
              issue.body?.includes(marker) &&
              (await writtenByNetchange(issue.user))
            ) {
              return toIssue(issue);
            }
          }
        }
        return undefined;
      });
    },

    async createIssue(issue) {
      const { data } = await call(`open the issue '${issue.title}'`, () =>
        rest.issues.create({
          ...base,
          title: issue.title,
          body: issue.body,
          ...(issue.labels && issue.labels.length > 0 ? { labels: issue.labels } : {}),
        }),
      );
      return toIssue(data);
    },

    async updateIssue(issueNumber, changes) {
      const what =
        changes.state === 'closed'
          ? `close issue #${issueNumber}`
          : changes.state === 'open'
            ? `reopen issue #${issueNumber}`
            : `edit issue #${issueNumber}`;
      const { data } = await call(what, () =>
        rest.issues.update({
          ...base,
          issue_number: issueNumber,
          ...(changes.body !== undefined ? { body: changes.body } : {}),
          ...(changes.title !== undefined ? { title: changes.title } : {}),
          ...(changes.state !== undefined ? { state: changes.state } : {}),
        }),
      );
      return toIssue(data);
    },

    async listRepositoryComments() {
      const comments = await call('list the comments of the repository', () =>
        client.paginate(rest.issues.listCommentsForRepo, {
          ...base,
          sort: 'created',
          direction: 'asc',
          per_page: 100,
        }),
      );
      return comments.map((comment) => ({
        id: comment.id,
        body: comment.body ?? '',
        htmlUrl: comment.html_url,
      }));
    },

    async listIssuesWithLabel(label) {
      const issues = await call(`list the issues labelled ${label}`, () =>
        client.paginate(rest.issues.listForRepo, {
          ...base,
          state: 'all',
          labels: label,
          sort: 'created',
          direction: 'desc',
          per_page: 100,
        }),
      );
      return issues.filter((issue) => !issue.pull_request).map(toIssue);
    },
  };
  return port;

  async function addAnnotations(
    id: number,
    conclusion: CheckConclusion,
    output: CheckRunOutput,
    batch: CheckAnnotation[],
  ): Promise<void> {
    await call(`add annotations to check run ${id}`, () =>
      rest.checks.update({
        ...base,
        check_run_id: id,
        conclusion,
        output: { title: output.title, summary: output.summary, annotations: batch.map(toAnnotation) },
      }),
    );
  }
}

function outputBody(output: CheckRunOutput, annotations: CheckAnnotation[]) {
  return {
    title: output.title,
    summary: output.summary,
    ...(output.text !== undefined ? { text: output.text } : {}),
    ...(annotations.length > 0 ? { annotations: annotations.map(toAnnotation) } : {}),
  };
}

function toAnnotation(annotation: CheckAnnotation) {
  return {
    path: annotation.path,
    start_line: annotation.startLine,
    end_line: annotation.endLine,
    annotation_level: annotation.level,
    message: annotation.message,
    ...(annotation.title ? { title: annotation.title } : {}),
  };
}

function batches<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += ANNOTATIONS_PER_REQUEST)
    result.push(items.slice(index, index + ANNOTATIONS_PER_REQUEST));
  return result;
}

interface RawCheckRun {
  id: number;
  head_sha: string;
  status: string;
  conclusion: string | null;
  html_url: string | null;
  output: { title: string | null; summary: string | null; text: string | null; annotations_count: number };
}

function toCheckRun(run: RawCheckRun): CheckRunInfo {
  return {
    id: run.id,
    headSha: run.head_sha,
    status: run.status,
    conclusion: run.conclusion,
    ...(run.output.title ? { title: run.output.title } : {}),
    ...(run.output.summary ? { summary: run.output.summary } : {}),
    ...(run.output.text ? { text: run.output.text } : {}),
    annotationsCount: run.output.annotations_count,
    ...(run.html_url ? { htmlUrl: run.html_url } : {}),
  };
}

interface RawPullRequest {
  number: number;
  state: string;
  html_url: string;
  user: { login: string } | null;
  head: { sha: string };
  base?: { ref?: string; repo?: { default_branch?: string } | null };
  merged_at: string | null;
  merged?: boolean;
  merge_commit_sha: string | null;
  labels: { name?: string }[];
  created_at?: string;
}

function toPullRequest(data: RawPullRequest): PullRequestInfo {
  const merged = data.merged ?? data.merged_at !== null;
  const openedMs = data.created_at ? Date.parse(data.created_at) : Number.NaN;
  return {
    number: data.number,
    headSha: data.head.sha,
    author: data.user?.login ?? '',
    ...(data.base?.ref ? { baseRef: data.base.ref } : {}),
    ...(data.base?.repo?.default_branch ? { defaultBranch: data.base.repo.default_branch } : {}),
    state: data.state === 'closed' ? 'closed' : 'open',
    merged,
    ...(merged && data.merge_commit_sha ? { mergeCommitSha: data.merge_commit_sha } : {}),
    labels: data.labels.flatMap((label) => (label.name ? [label.name] : [])),
    htmlUrl: data.html_url,
    ...(Number.isNaN(openedMs) ? {} : { createdAt: new Date(openedMs) }),
  };
}

interface RawIssue {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  html_url: string;
  labels: (string | { name?: string })[];
}

function toIssue(data: RawIssue): IssueInfo {
  return {
    number: data.number,
    title: data.title,
    body: data.body ?? '',
    state: data.state === 'closed' ? 'closed' : 'open',
    labels: data.labels.flatMap((label) =>
      typeof label === 'string' ? [label] : label.name ? [label.name] : [],
    ),
    htmlUrl: data.html_url,
  };
}

function splitRepository(value: string): [string, string] {
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(value);
  if (!match)
    throw new NetchangeError('E_USAGE', `'${value}' is not owner/name`, {
      hint: 'Name the repository like acme/network.',
    });
  return [match[1] as string, match[2] as string];
}

/**
 * Runs one GitHub call; a failure (after the plugins' retries) becomes E_GITHUB with what was being
 * done and GitHub's status, never the request headers. `expected` statuses are passed through.
 */
async function call<T>(
  what: string,
  request: () => Promise<T>,
  expected: readonly number[] = [],
): Promise<T> {
  try {
    return await request();
  } catch (error) {
    // why: octokit wraps a request no server answered (refused, reset, unknown host) as a
    // RequestError with status 500 and no response; there was no 500, so it is a connection failure.
    if (error instanceof RequestError && error.response !== undefined) {
      if (expected.includes(error.status)) throw error;
      const message = (error.response.data as { message?: string } | undefined)?.message ?? error.message;
      // why: a failed fetch's message repeats the request's URL; its user info must not be printed.
      throw new NetchangeError(
        'E_GITHUB',
        withoutUrlCredentials(`GitHub refused to ${what}: ${error.status} ${message}`),
        {
          hint: hintFor(error.status),
          cause: error,
        },
      );
    }
    if (error instanceof NetchangeError) throw error;
    throw new NetchangeError(
      'E_GITHUB',
      withoutUrlCredentials(`could not ${what}: ${error instanceof Error ? error.message : String(error)}`),
      {
        hint: 'Check the network and GITHUB_API_URL.',
        cause: error,
      },
    );
  }
}

function hintFor(status: number): string {
  if (status === 401) return 'The token was rejected: check GITHUB_TOKEN (or the GitHub App credentials).';
  if (status === 403)
    return 'The token lacks a permission: the workflow needs checks, pull-requests, issues, statuses: write and contents: write (locks).';
  if (status === 404)
    return 'Check the repository name, the pull request number and that the token can see them.';
  if (status >= 500) return 'GitHub failed after retries; run the command again later.';
  return 'See the GitHub message above.';
}
