/**
 * Where netchange talks to: the repository, the pull request, its head commit and the credentials,
 * taken from the GitHub Actions environment (GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_API_URL,
 * GITHUB_TOKEN) or from flags and netchange.yaml.
 */
import { readFile } from 'node:fs/promises';
import { configError, NetchangeError, usageError } from '../core/errors.js';
import { remoteUrls } from '../git/simple-git.js';
import { checkedApiUrl } from './api-url.js';
import type { GitHubAuth } from './octokit-github.js';

/** The pull request (or commit) a command reports on. */
export interface GitHubTarget {
  /** `owner/name`. */
  repository: string;
  /** API base URL. */
  apiUrl: string;
  pullNumber?: number;
  /** The pull request's head commit, when the event payload names it. */
  headSha?: string;
  /** The branch it merges into, when the event payload names it. */
  baseRef?: string;
  /** The pull request's author, when known (their `/netchange approve` never counts). */
  author?: string;
  /**
   * True when the event payload says the pull request comes from another repository (a fork), whose
   * plan job the workflow templates skip; undefined when the payload does not say.
   */
  fromFork?: boolean;
  /** Who triggered the run (GITHUB_ACTOR). */
  actor?: string;
  /** Link to the workflow run, for check runs and statuses. */
  runUrl?: string;
}

export interface ResolveTargetOptions {
  env: NodeJS.ProcessEnv;
  /** `--pr N`. */
  pullNumber?: number;
  /** netchange.yaml's `github`, checked against the clone's remotes. */
  config?: GitHubSettings;
  /** The repository a saved report names (netchange's own record, not netchange.yaml). */
  savedRepository?: string;
}

/**
 * netchange.yaml's `github` (from `githubSettings(workspace)`), with the clone it was read from:
 * its remotes, local configuration no pull request writes, vouch for `apiUrl` and `repository`.
 */
export interface GitHubSettings {
  repository?: string;
  apiUrl?: string;
  clone: string;
  /** Where a key is written in netchange.yaml, for the finding that refuses it. */
  locate: (key: GitHubKey) => { line: number; column: number };
}

type GitHubKey = 'repository' | 'apiUrl';

/**
 * Resolves the target: flags win over the Actions environment, which wins over a saved report's
 * repository and netchange.yaml.
 */
export async function resolveGitHubTarget(options: ResolveTargetOptions): Promise<GitHubTarget> {
  const env = options.env;
  const event = await readEvent(env.GITHUB_EVENT_PATH);
  const config = options.config;
  const fromConfig = {
    repository: env.GITHUB_REPOSITORY || options.savedRepository ? undefined : config?.repository,
    apiUrl: env.GITHUB_API_URL ? undefined : config?.apiUrl,
  };
  // why: one git process for both checks, and none when the environment names both.
  const remotes =
    config && (fromConfig.repository || fromConfig.apiUrl)
      ? await remoteUrls(config.clone)
      : new Map<string, string>();
  const repository =
    env.GITHUB_REPOSITORY ||
    options.savedRepository ||
    (config && fromConfig.repository
      ? configuredRepository(fromConfig.repository, remotes, config)
      : undefined);
  if (!repository) {
    throw usageError(
      'no GitHub repository to report to',
      'Run inside GitHub Actions (GITHUB_REPOSITORY), or set github.repository in netchange.yaml.',
    );
  }
  const pullNumber = options.pullNumber ?? event.pullNumber;
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  return {
    repository,
    apiUrl: env.GITHUB_API_URL
      ? checkedApiUrl(env.GITHUB_API_URL, 'GITHUB_API_URL')
      : config && fromConfig.apiUrl
        ? configuredApiUrl(fromConfig.apiUrl, remotes, config)
        : DEFAULT_API_URL,
    ...(pullNumber !== undefined ? { pullNumber } : {}),
    // why: the payload's head sha only describes the payload's pull request.
    ...(event.headSha && (options.pullNumber === undefined || options.pullNumber === event.pullNumber)
      ? {
          headSha: event.headSha,
          ...(event.baseRef ? { baseRef: event.baseRef } : {}),
          ...(event.author ? { author: event.author } : {}),
          ...(event.headRepository !== undefined
            ? { fromFork: isFork(event.headRepository, repository) }
            : {}),
        }
      : {}),
    ...(env.GITHUB_ACTOR ? { actor: env.GITHUB_ACTOR } : {}),
    ...(env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY
      ? { runUrl: `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` }
      : {}),
  };
}

const DEFAULT_API_URL = 'https://api.github.com';

/**
 * netchange.yaml's `github.apiUrl`, taken only when it is on the server the clone came from (its
 * origin's host, or `api.` before it as for github.com).
 * why: netchange.yaml is a file of the pull request (DESIGN.md, "Trust model"). Where the
 * environment does not name the API (a developer's `--github` run on a pull request's branch; GitHub
 * Actions always sets GITHUB_API_URL), a setting naming another server would get the token.
 */
function configuredApiUrl(apiUrl: string, remotes: Map<string, string>, config: GitHubSettings): string {
  const hint =
    'Set GITHUB_API_URL to the API you mean (GitHub Actions sets it), or make github.apiUrl name the host of `git remote get-url origin`.';
  let apiHost: string;
  try {
    apiHost = new URL(checkedApiUrl(apiUrl, 'github.apiUrl')).hostname.toLowerCase();
  } catch (error) {
    throw refusal(error instanceof Error ? error.message : String(error), hint, 'apiUrl', config);
  }
  const origin = remotes.get('origin');
  const originHost = origin ? parseRemote(origin)?.host : undefined;
  if (originHost && (apiHost === originHost || apiHost === `api.${originHost}`)) return apiUrl;
  throw refusal(
    `github.apiUrl points at ${apiHost}, not at the server this clone came from (${originHost ? `origin is on ${originHost}` : 'it has no origin remote on a server'}); the token is not sent there`,
    hint,
    'apiUrl',
    config,
  );
}

/**
 * netchange.yaml's `github.repository`, taken only when one of the clone's remotes is that
 * repository (`origin`, or `upstream` in a fork's clone).
 * why: as for `apiUrl`: a pull request's branch naming another repository would have a developer's
 * run post its plan there, and read that repository's reviews as approvals.
 */
function configuredRepository(
  repository: string,
  remotes: Map<string, string>,
  config: GitHubSettings,
): string {
  const known = [...remotes.values()]
    .map((url) => parseRemote(url)?.path)
    .filter((remote): remote is string => remote !== undefined);
  if (known.some((remote) => remote.toLowerCase() === repository.toLowerCase())) return repository;
  throw refusal(
    `github.repository names ${repository}, which is none of this clone's remotes (${known.length > 0 ? known.join(', ') : 'it has none on a server'}); nothing is sent to it`,
    'Set GITHUB_REPOSITORY to the repository you mean (GitHub Actions sets it), or make github.repository the owner/name of a remote.',
    'repository',
    config,
  );
}

/** The configuration error refusing a `github` key of netchange.yaml, pointing at its line. */
function refusal(message: string, hint: string, key: GitHubKey, config: GitHubSettings): NetchangeError {
  return configError(`netchange.yaml: github.${key} is not used`, {
    findings: [
      {
        ruleId: 'reference',
        severity: 'error',
        message,
        hint,
        file: 'netchange.yaml',
        ...config.locate(key),
      },
    ],
  });
}

/**
 * The host and `owner/name` path of a git remote: `https://host/owner/name.git`,
 * `ssh://user@host:port/owner/name` or `user@host:owner/name.git`.
 */
function parseRemote(remote: string): { host: string; path: string } | undefined {
  let host: string | undefined;
  let location: string | undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(remote)) {
    try {
      const url = new URL(remote);
      host = url.hostname;
      location = url.pathname;
    } catch {
      return undefined;
    }
  } else {
    const scp = /^(?:[^@/]+@)?([^:/]+):(.*)$/.exec(remote);
    host = scp?.[1];
    location = scp?.[2];
  }
  if (!host || location === undefined) return undefined;
  return { host: host.toLowerCase(), path: location.replace(/^\/+|\/+$/g, '').replace(/\.git$/, '') };
}

/**
 * Credentials: GITHUB_TOKEN (or GH_TOKEN), else a GitHub App (NETCHANGE_GITHUB_APP_ID,
 * NETCHANGE_GITHUB_APP_PRIVATE_KEY, NETCHANGE_GITHUB_APP_INSTALLATION_ID).
 */
export function authFromEnvironment(env: NodeJS.ProcessEnv): GitHubAuth {
  const token = env.GITHUB_TOKEN || env.GH_TOKEN;
  if (token) return { token };
  const appId = env.NETCHANGE_GITHUB_APP_ID;
  const privateKey = env.NETCHANGE_GITHUB_APP_PRIVATE_KEY;
  const installationId = Number(env.NETCHANGE_GITHUB_APP_INSTALLATION_ID);
  if (appId && privateKey && Number.isInteger(installationId) && installationId > 0) {
    return { app: { appId, privateKey: privateKey.replace(/\\n/g, '\n'), installationId } };
  }
  throw new NetchangeError('E_USAGE', 'no GitHub credentials', {
    hint: 'Set GITHUB_TOKEN (in a workflow, from secrets.GITHUB_TOKEN), or NETCHANGE_GITHUB_APP_ID, NETCHANGE_GITHUB_APP_PRIVATE_KEY and NETCHANGE_GITHUB_APP_INSTALLATION_ID.',
  });
}

/** The secret values of the credentials, for the redactor. */
export function credentialSecrets(auth: GitHubAuth): string[] {
  return 'token' in auth ? [auth.token] : [auth.app.privateKey];
}

/**
 * Whether the pull request's head lives in another repository.
 * why: the same test as the plan job's `if:` in the templates
 * (`github.event.pull_request.head.repo.full_name == github.repository`, which GitHub compares
 * ignoring case), so a plan skipped for a fork is told apart from a plan that failed. A deleted
 * fork's head repository is null, and the plan job is skipped for it too.
 */
function isFork(headRepository: string | null, repository: string): boolean {
  return headRepository === null || headRepository.toLowerCase() !== repository.toLowerCase();
}

/** The event payload's pull request: `headRepository` is null when GitHub sends `head.repo: null`. */
interface EventPullRequest {
  pullNumber?: number;
  headSha?: string;
  baseRef?: string;
  author?: string;
  headRepository?: string | null;
}

async function readEvent(file: string | undefined): Promise<EventPullRequest> {
  if (!file) return {};
  let payload: unknown;
  try {
    payload = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    // why: a missing or broken payload only loses defaults; --pr still works.
    return {};
  }
  const pull = (
    payload as {
      pull_request?: {
        number?: unknown;
        head?: { sha?: unknown; repo?: { full_name?: unknown } | null };
        base?: { ref?: unknown };
        user?: { login?: unknown };
      };
    } | null
  )?.pull_request;
  const headRepository = pull?.head?.repo;
  return {
    ...(typeof pull?.number === 'number' ? { pullNumber: pull.number } : {}),
    ...(typeof pull?.head?.sha === 'string' ? { headSha: pull.head.sha } : {}),
    ...(typeof pull?.base?.ref === 'string' ? { baseRef: pull.base.ref } : {}),
    ...(typeof pull?.user?.login === 'string' ? { author: pull.user.login } : {}),
    ...(headRepository === null ? { headRepository: null } : {}),
    ...(typeof headRepository?.full_name === 'string' ? { headRepository: headRepository.full_name } : {}),
  };
}
