/**
 * Where holds come from, asked once per question: Alertmanager (through src/alertmanager) and the
 * freezes (the local file, and the netchange-freeze issues when GitHub is reachable). Shared by the
 * gate stage and the watch that re-checks holds between an apply's steps. Failures come back as a
 * sentence naming the source, never its credentials.
 */
import { NetchangeError } from '../../../core/errors.js';
import type { AlertInfo, AlertSource } from '../../../core/ports.js';
import type { UnreadableFreezeIssue } from '../../../freezes/github.js';
import type { Freeze } from '../../../freezes/model.js';
import { githubSettings, type Workspace } from '../../../pipeline/workspace.js';
import { createRedactor } from '../../../redact/index.js';
import type { AlertmanagerSettings } from './policy.js';

type Env = Readonly<Record<string, string | undefined>>;

/** An Alertmanager client with the credentials the policy names, and the secret values to redact. */
export interface ConnectedAlertmanager {
  client: AlertSource;
  /** Credential values, for redacting anything Alertmanager (or a proxy) echoes back. */
  secrets: string[];
}

/** Connects to the policy's Alertmanager; undefined (with the reason) when its URL variable is unset. */
export async function connectAlertmanager(
  manager: AlertmanagerSettings,
  env: Env,
): Promise<ConnectedAlertmanager | { failure: string }> {
  if (manager.url === undefined)
    return {
      failure: `Alertmanager URL ${manager.urlAsWritten} names an environment variable that is not set`,
    };
  const { createAlertmanagerClient } = await import('../../../alertmanager/client.js');
  const { bearerTokenEnv, usernameEnv, passwordEnv } = manager.auth;
  const bearerToken = bearerTokenEnv ? env[bearerTokenEnv] : undefined;
  const username = usernameEnv ? env[usernameEnv] : undefined;
  const password = passwordEnv ? env[passwordEnv] : undefined;
  const client = createAlertmanagerClient({
    url: manager.url,
    ...(bearerToken
      ? { auth: { bearerToken } }
      : username !== undefined && password !== undefined
        ? { auth: { username, password } }
        : {}),
    timeoutMs: manager.timeoutMs,
    retries: manager.retries,
  });
  return { client, secrets: [bearerToken, password].filter((value): value is string => Boolean(value)) };
}

/**
 * The alerts matching the policy's matchers. With `firingOnly`, only those neither silenced nor
 * inhibited; otherwise every active one, with the silences that mute it.
 */
export async function listHoldAlerts(
  manager: AlertmanagerSettings,
  env: Env,
  query: { firingOnly: boolean },
  connected?: ConnectedAlertmanager,
): Promise<{ alerts: AlertInfo[] } | { failure: string }> {
  const connection = connected ?? (await connectAlertmanager(manager, env));
  if ('failure' in connection) return connection;
  try {
    const alerts = await connection.client.listAlerts({ matchers: manager.matchers, ...query });
    // why: Alertmanager already filters by the flags; this guards against a proxy that ignores them.
    return {
      alerts: query.firingOnly
        ? alerts.filter((alert) => alert.silencedBy.length === 0 && alert.inhibitedBy.length === 0)
        : alerts,
    };
  } catch (error) {
    return { failure: describeSourceFailure(error, env, connection.secrets) };
  }
}

/** A failure from Alertmanager as one redacted sentence (its answer may echo a header). */
export function describeSourceFailure(error: unknown, env: Env, secrets: readonly string[]): string {
  if (!(error instanceof NetchangeError)) throw error;
  // why: the message names the URL only, but Alertmanager's answer is quoted in it; a proxy that
  // echoes the Authorization header must not put the credentials in a report.
  return createRedactor({ env, secretValues: [...secrets] }).redactText(error.message);
}

/** A freeze source netchange could not read: a sentence naming it, and what a person can do. */
export interface FreezeSourceFailure {
  message: string;
  hint: string;
}

/**
 * Every freeze: the local freezes file, plus the open freeze issues when GitHub can be asked. The
 * failures are the sources that could not be read: GitHub itself, or a freeze issue whose block does
 * not parse (the holds stage treats both alike, by `onError`).
 */
export async function loadFreezes(
  workspace: Workspace,
  env: Env,
): Promise<{ freezes: Freeze[]; failures: FreezeSourceFailure[] }> {
  const { readLocalFreezes } = await import('../../../freezes/local-file.js');
  const freezes = await readLocalFreezes(workspace.root, workspace.config.paths.freezes);
  // why: freeze issues are read whenever GitHub is reachable with credentials, so a freeze opened
  // from a phone reaches every runner; without credentials there is no GitHub to ask.
  const repository = env.GITHUB_REPOSITORY || workspace.config.github.repository;
  if (!repository || !(env.GITHUB_TOKEN || env.GH_TOKEN)) return { freezes, failures: [] };
  try {
    const { connectGitHub } = await import('../../../github/publish.js');
    const { listFreezeIssues } = await import('../../../freezes/github.js');
    const { github } = await connectGitHub({ env, config: githubSettings(workspace) });
    const issues = await listFreezeIssues(github);
    freezes.push(...issues.freezes);
    return { freezes, failures: issues.unreadable.map(describeUnreadableIssue) };
  } catch (error) {
    if (!(error instanceof NetchangeError)) throw error;
    return {
      freezes,
      failures: [
        {
          message: `the freeze issues could not be read: ${error.message}`,
          hint: 'Check the open issues labelled netchange-freeze by hand.',
        },
      ],
    };
  }
}

/**
 * An open freeze issue netchange cannot read, as a source failure. why: it was opened to freeze
 * something, and nobody can tell what; like an unreachable source, it holds at apply (onError).
 */
function describeUnreadableIssue(issue: UnreadableFreezeIssue): FreezeSourceFailure {
  return {
    message: `freeze issue #${issue.number} cannot be read: ${issue.problem}`,
    hint: `Fix the block in ${issue.url ?? `issue #${issue.number}`} (docs/holds.md shows the form: <!-- netchange-freeze {"sites":[...],"until":"...","reason":"..."} -->), or close the issue if it freezes nothing.`,
  };
}
