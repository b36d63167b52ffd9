/**
 * A local GitHub REST API stand-in for tests: a real HTTP server on 127.0.0.1 that checks every
 * request against GitHub's OpenAPI description, keeps state (comments, check runs, reviews, teams,
 * statuses, labels, refs, pull requests, issues) and injects faults on demand (5xx, secondary rate limit,
 * slow answers). Any request the description does not describe is answered 4xx and recorded as a
 * violation; tests assert `violations` is empty.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openApiChecker } from './openapi.js';

export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  operationId?: string;
  body?: unknown;
  status: number;
}

export interface StoredComment {
  id: number;
  issue: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface StoredAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: string;
  message: string;
  title?: string;
}

export interface StoredCheckRun {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  title?: string;
  summary?: string;
  text?: string;
  annotations: StoredAnnotation[];
  detailsUrl?: string;
}

export interface StoredReview {
  id: number;
  user: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
  commitId: string;
  submittedAt: string;
  /** The review's text ('' when none), where `/netchange approve|hold` lines are written. */
  body: string;
}

export interface StoredPullRequest {
  number: number;
  headSha: string;
  headRef: string;
  baseRef: string;
  author: string;
  merged: boolean;
  mergeCommitSha?: string;
  state: 'open' | 'closed';
  title: string;
  labels: string[];
  reviews: StoredReview[];
  /** The files the pull request changes, with their text at the head (`pulls/list-files`, `repos/get-content`). */
  files: StoredPullFile[];
  /** When it was opened (RFC 3339); the epoch unless a test sets it, so no test reads today's date. */
  createdAt: string;
}

export interface StoredPullFile {
  path: string;
  status: 'added' | 'modified' | 'removed';
  /** The text at the pull request's head (absent for a removed file). */
  content?: string;
}

export interface StoredStatus {
  sha: string;
  state: string;
  context: string;
  description?: string;
  targetUrl?: string;
}

export interface StoredRef {
  ref: string;
  sha: string;
  type: 'commit' | 'tag';
}

export interface StoredTag {
  sha: string;
  tag: string;
  message: string;
  object: string;
  tagger?: { name: string; email: string; date?: string };
}

export interface StoredIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface RepositoryState {
  owner: string;
  name: string;
  pulls: Map<number, StoredPullRequest>;
  comments: StoredComment[];
  checkRuns: StoredCheckRun[];
  statuses: StoredStatus[];
  refs: Map<string, StoredRef>;
  tags: Map<string, StoredTag>;
  /** Issues (not pull requests); numbers are shared with pull requests as on GitHub. */
  issues: Map<number, StoredIssue>;
}

export interface GitHubStandIn {
  /** `http://127.0.0.1:<port>`: what GITHUB_API_URL points at. */
  readonly url: string;
  /** The token the stand-in accepts (Authorization: token/bearer). */
  readonly token: string;
  /** Every request answered, in order (faults included). */
  readonly requests: LoggedRequest[];
  /** Requests the OpenAPI description does not describe, or that were invalid. */
  readonly violations: string[];
  /** Creates a repository (owner/name) and returns its state. */
  createRepository(fullName: string): RepositoryState;
  repository(fullName: string): RepositoryState;
  /** Opens a pull request with a head commit. */
  createPullRequest(
    fullName: string,
    pull: {
      number: number;
      headSha: string;
      author: string;
      title?: string;
      headRef?: string;
      /** The branch it merges into (default main, the repository's default branch). */
      baseRef?: string;
      files?: StoredPullFile[];
      createdAt?: string;
    },
  ): StoredPullRequest;
  /** Submits a review on a pull request (at the given commit; default: the current head). */
  addReview(
    fullName: string,
    number: number,
    review: {
      user: string;
      state: StoredReview['state'];
      commitId?: string;
      submittedAt?: string;
      body?: string;
    },
  ): StoredReview;
  /** Pushes a new head commit to a pull request (older approvals become stale). */
  pushCommit(fullName: string, number: number, headSha: string): void;
  /** Marks a pull request merged. */
  merge(fullName: string, number: number, mergeCommitSha: string): void;
  /** Plants a netchange lock ref whose tag message is `lease` (as another runner would). */
  seedLock(fullName: string, name: string, lease: Record<string, unknown>): void;
  /** Sets an organisation team's members (`org/slug`). */
  setTeamMembers(team: string, logins: string[]): void;
  /**
   * Opens an issue as a person would (numbered after every pull request and issue); by `user`, or by
   * github-actions[bot] as a workflow would.
   */
  createIssue(
    fullName: string,
    issue: { title: string; body?: string; labels?: string[]; state?: 'open' | 'closed'; user?: string },
  ): StoredIssue;
  /** Comments on a pull request or an issue as `user` would, in the browser. */
  addComment(fullName: string, number: number, comment: { user: string; body: string }): StoredComment;
  /** The comments on a pull request or an issue, oldest first. */
  comments(fullName: string, number: number): StoredComment[];
  /** Fault: the next `count` requests (only writes with `writesOnly`) answer `status` (default 502). */
  failNext(count: number, status?: number, options?: { writesOnly?: boolean }): void;
  /** Fault: the next `count` requests hit a secondary rate limit with `retry-after: seconds`. */
  rateLimitNext(count: number, retryAfterSeconds: number): void;
  /** Fault: the next `count` requests answer after `delayMs`. */
  slowNext(count: number, delayMs: number): void;
  /** Forgets the request log (not the state). */
  resetLog(): void;
  close(): Promise<void>;
}

interface Fault {
  kind: 'fail' | 'rate-limit' | 'slow';
  remaining: number;
  status?: number;
  seconds?: number;
  delayMs?: number;
  writesOnly?: boolean;
}

class HttpAnswer extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Starts the stand-in on 127.0.0.1 with a random port. */
export async function startGitHubStandIn(
  options: {
    token?: string;
    /** A GitHub App whose JWTs (RS256, signed with the private key of `publicKey`) get installation tokens. */
    app?: { appId: string; publicKey: string; installationId: number };
    /**
     * The account `token` belongs to (a machine user's personal access token): it writes the
     * comments and issues, and `GET /user` names it. Default: none, like the workflow's token, whose
     * comments github-actions[bot] writes and which `GET /user` refuses (403).
     */
    tokenUser?: string;
  } = {},
): Promise<GitHubStandIn> {
  const checker = openApiChecker();
  const token =
    options.token ?? `ghs_${createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 36)}`;
  const writer = options.tokenUser ?? 'github-actions[bot]';
  const repositories = new Map<string, RepositoryState>();
  const teams = new Map<string, string[]>();
  const requests: LoggedRequest[] = [];
  const violations: string[] = [];
  const faults: Fault[] = [];
  let nextId = 1000;
  let baseUrl = '';
  // why: pagination links need the request path; requests are handled one at a time per tick.
  let currentPath = '';

  const repository = (fullName: string): RepositoryState => {
    const found = repositories.get(fullName.toLowerCase());
    if (!found) throw new HttpAnswer(404, `repository ${fullName} not found`);
    return found;
  };
  const pull = (state: RepositoryState, number: number): StoredPullRequest => {
    const found = state.pulls.get(number);
    if (!found) throw new HttpAnswer(404, `pull request #${number} not found`);
    return found;
  };
  // why: on GitHub an issue number names a pull request or an issue; comments go on either.
  const pullOrIssue = (state: RepositoryState, number: number): void => {
    if (!state.pulls.has(number) && !state.issues.has(number))
      throw new HttpAnswer(404, `issue #${number} not found`);
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      send(response, 500, { message: error instanceof Error ? error.message : String(error) });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const raw = await readBody(request);
    const method = request.method ?? 'GET';
    const entry: LoggedRequest = { method, path: url.pathname, query: url.search, status: 0 };
    requests.push(entry);
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      entry.status = status;
      send(response, status, body, headers);
    };

    const faultIndex = faults.findIndex((candidate) => !candidate.writesOnly || method !== 'GET');
    const fault = faults[faultIndex];
    if (fault) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) faults.splice(faultIndex, 1);
      if (fault.kind === 'fail') return answer(fault.status ?? 502, { message: 'Server Error (injected)' });
      if (fault.kind === 'rate-limit') {
        return answer(
          403,
          {
            message:
              'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
            documentation_url:
              'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
          },
          { 'retry-after': String(fault.seconds ?? 1) },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 0));
    }

    const authorization = request.headers.authorization ?? '';
    const installation = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(url.pathname);
    if (installation && method === 'POST') {
      // why: GitHub Apps authenticate with a JWT to get an installation token; check it like GitHub.
      const problem = checkAppJwt(authorization, Number(installation[1]));
      if (problem) return answer(401, { message: problem });
      const check = checker.check(
        method,
        url.pathname,
        url.searchParams,
        raw.length > 0 ? JSON.parse(raw) : undefined,
      );
      if (check.problems.length > 0) {
        violations.push(...check.problems);
        return answer(422, { message: check.problems.join('; ') });
      }
      entry.operationId = check.operationId as string;
      return answer(201, {
        token,
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        permissions: {
          checks: 'write',
          pull_requests: 'write',
          issues: 'write',
          statuses: 'write',
          contents: 'write',
        },
        repository_selection: 'all',
      });
    }
    if (
      authorization !== `token ${token}` &&
      authorization !== `bearer ${token}` &&
      authorization !== `Bearer ${token}`
    ) {
      return answer(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    }

    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        violations.push(`${method} ${url.pathname}: body is not JSON`);
        return answer(400, { message: 'Problems parsing JSON' });
      }
    }
    entry.body = body;
    const check = checker.check(method, url.pathname, url.searchParams, body);
    if (check.operationId) entry.operationId = check.operationId;
    if (check.problems.length > 0) {
      violations.push(
        ...check.problems.map((problem) => `${method} ${url.pathname}${url.search}: ${problem}`),
      );
      return answer(check.status, {
        message: check.problems.join('; '),
        documentation_url: 'https://docs.github.com/rest',
      });
    }
    try {
      currentPath = url.pathname;
      const [status, payload, headers] = route(
        check.operationId ?? '',
        check.pathParameters,
        url.searchParams,
        body,
      );
      answer(status, payload, headers);
    } catch (error) {
      if (error instanceof HttpAnswer) return answer(error.status, { message: error.message });
      throw error;
    }
  }

  function checkAppJwt(authorization: string, installationId: number): string | undefined {
    const app = options.app;
    if (!app) return 'this stand-in has no GitHub App';
    if (installationId !== app.installationId) return `installation ${installationId} not found`;
    const jwt = /^[Bb]earer (.+)$/.exec(authorization)?.[1];
    const [header, payload, signature] = jwt?.split('.') ?? [];
    if (!header || !payload || !signature) return 'A JSON web token could not be decoded';
    const valid = verify(
      'RSA-SHA256',
      Buffer.from(`${header}.${payload}`),
      createPublicKey(app.publicKey),
      Buffer.from(signature, 'base64url'),
    );
    if (!valid) return 'A JSON web token could not be decoded';
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      iss?: unknown;
      exp?: unknown;
    };
    if (String(claims.iss) !== app.appId) return "'Issuer' claim ('iss') must be an Integer";
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now())
      return "'Expiration time' claim ('exp') is too far in the future or expired";
    return undefined;
  }

  type Result = [number, unknown, Record<string, string>?];
  type Parameters = Record<string, string>;

  function route(
    operationId: string,
    parameters: Parameters,
    query: URLSearchParams,
    input: unknown,
  ): Result {
    const body = (input ?? {}) as Record<string, unknown>;
    if (operationId === 'users/get-authenticated') {
      if (!options.tokenUser) throw new HttpAnswer(403, 'Resource not accessible by integration');
      return [200, user(options.tokenUser)];
    }
    if (operationId === 'teams/list-members-in-org') {
      const members = teams.get(`${parameters.org}/${parameters.team_slug}`.toLowerCase());
      if (!members) throw new HttpAnswer(404, 'team not found');
      return page(
        members.map((login) => user(login)),
        query,
      );
    }
    const state = repository(`${parameters.owner}/${parameters.repo}`);
    switch (operationId) {
      case 'issues/list-comments': {
        pullOrIssue(state, Number(parameters.issue_number));
        const comments = state.comments.filter(
          (comment) => comment.issue === Number(parameters.issue_number),
        );
        return page(
          comments.map((comment) => commentJson(state, comment)),
          query,
        );
      }
      case 'issues/list-comments-for-repo': {
        const comments = [...state.comments].sort((a, b) => a.id - b.id);
        if (query.get('direction') === 'desc') comments.reverse();
        return page(
          comments.map((comment) => commentJson(state, comment)),
          query,
        );
      }
      case 'issues/create-comment': {
        pullOrIssue(state, Number(parameters.issue_number));
        const now = new Date().toISOString();
        const comment: StoredComment = {
          id: nextId++,
          issue: Number(parameters.issue_number),
          body: String(body.body),
          user: writer,
          createdAt: now,
          updatedAt: now,
        };
        checkCommentSize(comment.body);
        state.comments.push(comment);
        return [201, commentJson(state, comment)];
      }
      case 'issues/update-comment': {
        const comment = state.comments.find((candidate) => candidate.id === Number(parameters.comment_id));
        if (!comment) throw new HttpAnswer(404, 'comment not found');
        checkCommentSize(String(body.body));
        comment.body = String(body.body);
        comment.updatedAt = new Date().toISOString();
        return [200, commentJson(state, comment)];
      }
      case 'issues/list-for-repo': {
        const wanted = query.get('state') ?? 'open';
        const labels = (query.get('labels') ?? '')
          .split(',')
          .map((label) => label.trim().toLowerCase())
          .filter(Boolean);
        const matches = (state_: string, names: string[]) =>
          (wanted === 'all' || state_ === wanted) &&
          labels.every((label) => names.some((name) => name.toLowerCase() === label));
        // why: like GitHub, the issues list holds pull requests too (marked by `pull_request`).
        const items = [
          ...[...state.issues.values()]
            .filter((issue) => matches(issue.state, issue.labels))
            .map((issue) => ({
              number: issue.number,
              createdAt: issue.createdAt,
              json: issueJson(state, issue),
            })),
          ...[...state.pulls.values()]
            .filter((found) => matches(found.state, found.labels))
            .map((found) => ({ number: found.number, createdAt: '', json: pullAsIssueJson(state, found) })),
        ];
        const direction = query.get('direction') ?? 'desc';
        // why: creation order is number order here (numbers are allocated in sequence).
        items.sort((a, b) => (direction === 'asc' ? a.number - b.number : b.number - a.number));
        return page(
          items.map((item) => item.json),
          query,
        );
      }
      case 'issues/create': {
        const title = String(body.title ?? '');
        if (!title) throw new HttpAnswer(422, 'Validation Failed: title is missing');
        const issue = openIssue(state, {
          title,
          body: typeof body.body === 'string' ? body.body : '',
          labels: labelNames(body.labels ?? []),
          user: writer,
        });
        return [201, issueJson(state, issue)];
      }
      case 'issues/update': {
        const issue = state.issues.get(Number(parameters.issue_number));
        if (!issue) throw new HttpAnswer(404, `issue #${parameters.issue_number} not found`);
        if (typeof body.body === 'string') {
          checkCommentSize(body.body);
          issue.body = body.body;
        }
        if (typeof body.title === 'string') issue.title = body.title;
        if (body.state === 'open' || body.state === 'closed') issue.state = body.state;
        if (Array.isArray(body.labels)) issue.labels = labelNames(body.labels);
        issue.updatedAt = new Date().toISOString();
        return [200, issueJson(state, issue)];
      }
      case 'checks/create': {
        const output = body.output as Record<string, unknown> | undefined;
        checkOutput(output);
        const run: StoredCheckRun = {
          id: nextId++,
          name: String(body.name),
          headSha: String(body.head_sha),
          status: String(body.status ?? (body.conclusion ? 'completed' : 'queued')),
          conclusion: (body.conclusion as string | undefined) ?? null,
          annotations: [],
          ...(typeof body.details_url === 'string' ? { detailsUrl: body.details_url } : {}),
        };
        applyOutput(run, output);
        state.checkRuns.push(run);
        return [201, checkRunJson(state, run)];
      }
      case 'checks/update': {
        const run = state.checkRuns.find((candidate) => candidate.id === Number(parameters.check_run_id));
        if (!run) throw new HttpAnswer(404, 'check run not found');
        const output = body.output as Record<string, unknown> | undefined;
        checkOutput(output);
        if (typeof body.status === 'string') run.status = body.status;
        if (typeof body.conclusion === 'string') {
          run.conclusion = body.conclusion;
          run.status = 'completed';
        }
        applyOutput(run, output);
        return [200, checkRunJson(state, run)];
      }
      case 'checks/list-annotations': {
        const run = state.checkRuns.find((candidate) => candidate.id === Number(parameters.check_run_id));
        if (!run) throw new HttpAnswer(404, 'check run not found');
        return page(
          run.annotations.map((annotation) => ({
            ...annotation,
            blob_href: '',
            start_column: null,
            end_column: null,
            raw_details: null,
          })),
          query,
        );
      }
      case 'pulls/get':
        return [200, pullJson(state, pull(state, Number(parameters.pull_number)))];
      case 'pulls/list': {
        const wanted = query.get('state') ?? 'open';
        const pulls = [...state.pulls.values()].filter(
          (candidate) => wanted === 'all' || candidate.state === wanted,
        );
        return page(
          pulls.map((candidate) => pullJson(state, candidate)),
          query,
        );
      }
      case 'pulls/list-files': {
        const found = pull(state, Number(parameters.pull_number));
        return page(
          found.files.map((file, index) => ({
            sha: createHash('sha1')
              .update(file.content ?? '')
              .digest('hex'),
            filename: file.path,
            status: file.status,
            additions: (file.content ?? '').split('\n').length,
            deletions: 0,
            changes: (file.content ?? '').split('\n').length,
            blob_url: `${baseUrl}/${state.owner}/${state.name}/blob/${found.headSha}/${file.path}`,
            raw_url: `${baseUrl}/${state.owner}/${state.name}/raw/${found.headSha}/${file.path}`,
            contents_url: `${baseUrl}/repos/${state.owner}/${state.name}/contents/${file.path}?ref=${found.headSha}#${index}`,
          })),
          query,
        );
      }
      case 'repos/get-content': {
        // why: only what open pull requests hold at their heads; everything else is not found.
        const ref = query.get('ref');
        const wanted = String(parameters.path);
        for (const candidate of state.pulls.values()) {
          if (candidate.headSha !== ref) continue;
          const file = candidate.files.find((entry) => entry.path === wanted && entry.content !== undefined);
          if (!file?.content) continue;
          const content = Buffer.from(file.content).toString('base64');
          return [
            200,
            {
              type: 'file',
              encoding: 'base64',
              size: Buffer.byteLength(file.content),
              name: wanted.split('/').pop(),
              path: wanted,
              content,
              sha: createHash('sha1').update(file.content).digest('hex'),
              url: `${baseUrl}/repos/${state.owner}/${state.name}/contents/${wanted}?ref=${ref}`,
              git_url: null,
              html_url: null,
              download_url: null,
              _links: {
                self: `${baseUrl}/repos/${state.owner}/${state.name}/contents/${wanted}`,
                git: null,
                html: null,
              },
            },
          ];
        }
        throw new HttpAnswer(404, 'Not Found');
      }
      case 'pulls/list-reviews': {
        const found = pull(state, Number(parameters.pull_number));
        return page(
          found.reviews.map((review) => reviewJson(state, found, review)),
          query,
        );
      }
      case 'repos/list-pull-requests-associated-with-commit': {
        const sha = parameters.commit_sha;
        const pulls = [...state.pulls.values()].filter(
          (candidate) => candidate.headSha === sha || candidate.mergeCommitSha === sha,
        );
        return page(
          pulls.map((candidate) => pullJson(state, candidate)),
          query,
        );
      }
      case 'repos/create-commit-status': {
        const status: StoredStatus = {
          sha: String(parameters.sha),
          state: String(body.state),
          context: String(body.context ?? 'default'),
          ...(typeof body.description === 'string' ? { description: body.description } : {}),
          ...(typeof body.target_url === 'string' ? { targetUrl: body.target_url } : {}),
        };
        state.statuses.push(status);
        return [
          201,
          {
            id: nextId++,
            url: `${baseUrl}/repos/${state.owner}/${state.name}/statuses/${status.sha}`,
            state: status.state,
            context: status.context,
            description: status.description ?? null,
            target_url: status.targetUrl ?? null,
            created_at: new Date().toISOString(),
            updated_at: new Date().toISOString(),
            creator: user('github-actions[bot]'),
          },
        ];
      }
      case 'issues/add-labels': {
        const found = pull(state, Number(parameters.issue_number));
        const names = labelNames(input);
        for (const name of names) if (!found.labels.includes(name)) found.labels.push(name);
        return [200, found.labels.map((name) => labelJson(name))];
      }
      case 'issues/list-labels-on-issue':
        return page(
          pull(state, Number(parameters.issue_number)).labels.map((name) => labelJson(name)),
          query,
        );
      case 'git/create-tag': {
        const tagger = body.tagger as StoredTag['tagger'];
        const tag: StoredTag = {
          sha: sha1(`tag ${nextId++} ${JSON.stringify(body)}`),
          tag: String(body.tag),
          message: String(body.message),
          object: String(body.object),
          ...(tagger ? { tagger } : {}),
        };
        state.tags.set(tag.sha, tag);
        return [201, tagJson(state, tag)];
      }
      case 'git/get-tag': {
        const tag = state.tags.get(String(parameters.tag_sha));
        if (!tag) throw new HttpAnswer(404, 'Not Found');
        return [200, tagJson(state, tag)];
      }
      case 'git/create-ref': {
        const name = String(body.ref);
        const target = String(body.sha);
        if (!/^refs\/.+\/.+/.test(name))
          throw new HttpAnswer(422, 'Reference name must start with refs/ and have at least two slashes');
        // why: GitHub answers 422 "Reference already exists"; this atomicity is what the locks rely on.
        if (state.refs.has(name)) throw new HttpAnswer(422, 'Reference already exists');
        const stored: StoredRef = { ref: name, sha: target, type: state.tags.has(target) ? 'tag' : 'commit' };
        state.refs.set(name, stored);
        return [201, refJson(state, stored)];
      }
      case 'git/get-ref': {
        const stored = state.refs.get(`refs/${parameters.ref}`);
        if (!stored) throw new HttpAnswer(404, 'Not Found');
        return [200, refJson(state, stored)];
      }
      case 'git/delete-ref': {
        if (!state.refs.delete(`refs/${parameters.ref}`))
          throw new HttpAnswer(422, 'Reference does not exist');
        return [204, undefined];
      }
      default:
        violations.push(`${operationId}: described by GitHub but not served by the stand-in`);
        throw new HttpAnswer(501, `${operationId} is not implemented by the stand-in`);
    }
  }

  function page(items: unknown[], query: URLSearchParams): Result {
    const perPage = Number(query.get('per_page') ?? 30);
    const number = Number(query.get('page') ?? 1);
    const slice = items.slice((number - 1) * perPage, number * perPage);
    const headers: Record<string, string> = {};
    if (number * perPage < items.length) {
      const next = new URLSearchParams(query);
      next.set('page', String(number + 1));
      headers.link = `<${baseUrl}${currentPath}?${next}>; rel="next"`;
    }
    return [200, slice, headers];
  }

  function openIssue(
    state: RepositoryState,
    input: { title: string; body: string; labels: string[]; state?: 'open' | 'closed'; user: string },
  ): StoredIssue {
    // why: GitHub rejects issue bodies over 65,536 characters, like comment bodies.
    checkCommentSize(input.body);
    const number = Math.max(0, ...state.pulls.keys(), ...state.issues.keys()) + 1;
    const now = new Date().toISOString();
    const issue: StoredIssue = {
      number,
      title: input.title,
      body: input.body,
      state: input.state ?? 'open',
      labels: [...input.labels],
      user: input.user,
      createdAt: now,
      updatedAt: now,
    };
    state.issues.set(number, issue);
    return issue;
  }

  function issueJson(state: RepositoryState, issue: StoredIssue) {
    const base = `${baseUrl}/repos/${state.owner}/${state.name}`;
    return {
      id: issue.number + 700_000,
      node_id: `I_${issue.number}`,
      url: `${base}/issues/${issue.number}`,
      repository_url: base,
      labels_url: `${base}/issues/${issue.number}/labels{/name}`,
      comments_url: `${base}/issues/${issue.number}/comments`,
      events_url: `${base}/issues/${issue.number}/events`,
      html_url: `https://github.com/${state.owner}/${state.name}/issues/${issue.number}`,
      number: issue.number,
      state: issue.state,
      title: issue.title,
      body: issue.body,
      user: user(issue.user),
      labels: issue.labels.map((name) => labelJson(name)),
      assignee: null,
      assignees: [],
      milestone: null,
      locked: false,
      comments: state.comments.filter((comment) => comment.issue === issue.number).length,
      closed_at: issue.state === 'closed' ? issue.updatedAt : null,
      created_at: issue.createdAt,
      updated_at: issue.updatedAt,
      author_association: 'NONE',
    };
  }

  function pullAsIssueJson(state: RepositoryState, found: StoredPullRequest) {
    const base = `${baseUrl}/repos/${state.owner}/${state.name}`;
    return {
      ...issueJson(state, {
        number: found.number,
        title: found.title,
        body: '',
        state: found.state,
        labels: found.labels,
        user: found.author,
        createdAt: found.createdAt,
        updatedAt: found.createdAt,
      }),
      html_url: `https://github.com/${state.owner}/${state.name}/pull/${found.number}`,
      pull_request: {
        url: `${base}/pulls/${found.number}`,
        html_url: `https://github.com/${state.owner}/${state.name}/pull/${found.number}`,
        diff_url: null,
        patch_url: null,
      },
    };
  }

  function commentJson(state: RepositoryState, comment: StoredComment) {
    const base = `${baseUrl}/repos/${state.owner}/${state.name}`;
    return {
      id: comment.id,
      node_id: `IC_${comment.id}`,
      url: `${base}/issues/comments/${comment.id}`,
      html_url: `https://github.com/${state.owner}/${state.name}/pull/${comment.issue}#issuecomment-${comment.id}`,
      issue_url: `${base}/issues/${comment.issue}`,
      body: comment.body,
      user: user(comment.user),
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
      author_association: 'NONE',
    };
  }

  function checkRunJson(state: RepositoryState, run: StoredCheckRun) {
    return {
      id: run.id,
      node_id: `CR_${run.id}`,
      head_sha: run.headSha,
      external_id: '',
      url: `${baseUrl}/repos/${state.owner}/${state.name}/check-runs/${run.id}`,
      html_url: `https://github.com/${state.owner}/${state.name}/runs/${run.id}`,
      details_url: run.detailsUrl ?? null,
      status: run.status,
      conclusion: run.conclusion,
      started_at: new Date().toISOString(),
      completed_at: run.conclusion ? new Date().toISOString() : null,
      output: {
        title: run.title ?? null,
        summary: run.summary ?? null,
        text: run.text ?? null,
        annotations_count: run.annotations.length,
        annotations_url: `${baseUrl}/repos/${state.owner}/${state.name}/check-runs/${run.id}/annotations`,
      },
      name: run.name,
      check_suite: { id: 1 },
      app: null,
      pull_requests: [],
    };
  }

  function pullJson(state: RepositoryState, found: StoredPullRequest) {
    return {
      id: found.number + 500_000,
      node_id: `PR_${found.number}`,
      number: found.number,
      url: `${baseUrl}/repos/${state.owner}/${state.name}/pulls/${found.number}`,
      html_url: `https://github.com/${state.owner}/${state.name}/pull/${found.number}`,
      state: found.state,
      title: found.title,
      user: user(found.author),
      labels: found.labels.map((name) => labelJson(name)),
      merged: found.merged,
      created_at: found.createdAt,
      updated_at: found.createdAt,
      merged_at: found.merged ? new Date().toISOString() : null,
      merge_commit_sha: found.mergeCommitSha ?? null,
      head: {
        ref: found.headRef,
        sha: found.headSha,
        label: `${state.owner}:${found.headRef}`,
        repo: { full_name: `${state.owner}/${state.name}` },
      },
      base: {
        ref: found.baseRef,
        sha: '0'.repeat(40),
        label: `${state.owner}:${found.baseRef}`,
        repo: { full_name: `${state.owner}/${state.name}`, default_branch: 'main' },
      },
      draft: false,
    };
  }

  function reviewJson(state: RepositoryState, found: StoredPullRequest, review: StoredReview) {
    return {
      id: review.id,
      node_id: `PRR_${review.id}`,
      user: user(review.user),
      body: review.body,
      state: review.state,
      html_url: `https://github.com/${state.owner}/${state.name}/pull/${found.number}#pullrequestreview-${review.id}`,
      pull_request_url: `${baseUrl}/repos/${state.owner}/${state.name}/pulls/${found.number}`,
      commit_id: review.commitId,
      submitted_at: review.submittedAt,
      author_association: 'MEMBER',
    };
  }

  function refJson(state: RepositoryState, stored: StoredRef) {
    return {
      ref: stored.ref,
      node_id: `REF_${stored.ref}`,
      url: `${baseUrl}/repos/${state.owner}/${state.name}/git/${stored.ref}`,
      object: {
        type: stored.type,
        sha: stored.sha,
        url: `${baseUrl}/repos/${state.owner}/${state.name}/git/${stored.type}s/${stored.sha}`,
      },
    };
  }

  function tagJson(state: RepositoryState, tag: StoredTag) {
    return {
      node_id: `TAG_${tag.sha}`,
      tag: tag.tag,
      sha: tag.sha,
      url: `${baseUrl}/repos/${state.owner}/${state.name}/git/tags/${tag.sha}`,
      message: tag.message,
      tagger: tag.tagger ?? { name: 'netchange', email: 'netchange@invalid', date: new Date().toISOString() },
      object: {
        type: 'commit',
        sha: tag.object,
        url: `${baseUrl}/repos/${state.owner}/${state.name}/git/commits/${tag.object}`,
      },
      verification: {
        verified: false,
        reason: 'unsigned',
        signature: null,
        payload: null,
        verified_at: null,
      },
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const standIn: GitHubStandIn = {
    url: baseUrl,
    token,
    requests,
    violations,
    createRepository(fullName) {
      const [owner, name] = fullName.split('/') as [string, string];
      const state: RepositoryState = {
        owner,
        name,
        pulls: new Map(),
        comments: [],
        checkRuns: [],
        statuses: [],
        refs: new Map(),
        tags: new Map(),
        issues: new Map(),
      };
      repositories.set(fullName.toLowerCase(), state);
      return state;
    },
    repository(fullName) {
      return repository(fullName);
    },
    createPullRequest(fullName, options) {
      const created: StoredPullRequest = {
        number: options.number,
        headSha: options.headSha,
        headRef: options.headRef ?? `change-${options.number}`,
        baseRef: options.baseRef ?? 'main',
        author: options.author,
        merged: false,
        state: 'open',
        title: options.title ?? `Change ${options.number}`,
        labels: [],
        reviews: [],
        files: options.files ?? [],
        createdAt: options.createdAt ?? new Date(0).toISOString(),
      };
      repository(fullName).pulls.set(options.number, created);
      return created;
    },
    addReview(fullName, number, options) {
      const found = pull(repository(fullName), number);
      const review: StoredReview = {
        id: nextId++,
        user: options.user,
        state: options.state,
        commitId: options.commitId ?? found.headSha,
        submittedAt: options.submittedAt ?? new Date().toISOString(),
        body: options.body ?? '',
      };
      found.reviews.push(review);
      return review;
    },
    pushCommit(fullName, number, headSha) {
      pull(repository(fullName), number).headSha = headSha;
    },
    merge(fullName, number, mergeCommitSha) {
      const found = pull(repository(fullName), number);
      found.merged = true;
      found.state = 'closed';
      found.mergeCommitSha = mergeCommitSha;
    },
    seedLock(fullName, name, lease) {
      const state = repository(fullName);
      const tag: StoredTag = {
        sha: sha1(`seed ${name} ${nextId++}`),
        tag: `netchange-lock-${name}`,
        message: JSON.stringify(lease),
        object: '0'.repeat(40),
      };
      state.tags.set(tag.sha, tag);
      state.refs.set(`refs/netchange/locks/${name}`, {
        ref: `refs/netchange/locks/${name}`,
        sha: tag.sha,
        type: 'tag',
      });
    },
    setTeamMembers(team, logins) {
      teams.set(team.toLowerCase(), [...logins]);
    },
    createIssue(fullName, issue) {
      return openIssue(repository(fullName), {
        title: issue.title,
        body: issue.body ?? '',
        labels: issue.labels ?? [],
        ...(issue.state ? { state: issue.state } : {}),
        user: issue.user ?? 'github-actions[bot]',
      });
    },
    addComment(fullName, number, comment) {
      const state = repository(fullName);
      pullOrIssue(state, number);
      const at = new Date().toISOString();
      const stored: StoredComment = {
        id: nextId++,
        issue: number,
        body: comment.body,
        user: comment.user,
        createdAt: at,
        updatedAt: at,
      };
      state.comments.push(stored);
      return stored;
    },
    comments(fullName, number) {
      return repository(fullName).comments.filter((comment) => comment.issue === number);
    },
    failNext(count, status = 502, options = {}) {
      faults.push({
        kind: 'fail',
        remaining: count,
        status,
        ...(options.writesOnly ? { writesOnly: true } : {}),
      });
    },
    rateLimitNext(count, retryAfterSeconds) {
      faults.push({ kind: 'rate-limit', remaining: count, seconds: retryAfterSeconds });
    },
    slowNext(count, delayMs) {
      faults.push({ kind: 'slow', remaining: count, delayMs });
    },
    resetLog() {
      requests.length = 0;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
  return standIn;

  function user(login: string) {
    return {
      login,
      id: Number.parseInt(createHash('sha256').update(login).digest('hex').slice(0, 8), 16),
      node_id: `U_${login}`,
      type: login.endsWith('[bot]') ? 'Bot' : 'User',
      site_admin: false,
      url: `${baseUrl}/users/${encodeURIComponent(login)}`,
      html_url: `https://github.com/${login}`,
    };
  }
}

function checkCommentSize(body: string): void {
  // why: GitHub rejects comment bodies over 65,536 characters with 422.
  if (body.length > 65_536)
    throw new HttpAnswer(422, 'Validation Failed: body is too long (maximum is 65536 characters)');
}

function checkOutput(output: Record<string, unknown> | undefined): void {
  if (!output) return;
  for (const key of ['summary', 'text'] as const) {
    const value = output[key];
    if (typeof value === 'string' && value.length > 65_535)
      throw new HttpAnswer(422, `Validation Failed: output.${key} is too long (maximum is 65535 characters)`);
  }
  const annotations = output.annotations;
  // why: GitHub accepts at most 50 annotations per request.
  if (Array.isArray(annotations) && annotations.length > 50)
    throw new HttpAnswer(422, 'Validation Failed: more than 50 annotations');
}

function applyOutput(run: StoredCheckRun, output: Record<string, unknown> | undefined): void {
  if (!output) return;
  if (typeof output.title === 'string') run.title = output.title;
  if (typeof output.summary === 'string') run.summary = output.summary;
  if (typeof output.text === 'string') run.text = output.text;
  // why: like GitHub, annotations of successive updates accumulate.
  if (Array.isArray(output.annotations)) run.annotations.push(...(output.annotations as StoredAnnotation[]));
}

function labelNames(input: unknown): string[] {
  const list = Array.isArray(input) ? input : ((input as { labels?: unknown[] } | undefined)?.labels ?? []);
  return list.map((item) => (typeof item === 'string' ? item : String((item as { name?: unknown }).name)));
}

function labelJson(name: string) {
  return {
    id: name.length,
    node_id: `LA_${name}`,
    url: '',
    name,
    color: 'ededed',
    default: false,
    description: null,
  };
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'x-github-media-type': 'github.v3',
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
    ...headers,
  });
  response.end(text);
}
