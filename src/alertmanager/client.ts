/**
 * The Alertmanager adapter: the one place netchange talks HTTP to Prometheus Alertmanager (API v2).
 * Every request has a timeout and a bounded number of retries; errors name the URL, never the
 * credentials (they travel only in the Authorization header).
 */
import { NetchangeError } from '../core/errors.js';
import type { AlertInfo, AlertQuery, AlertSource, LabelMatcher, SilenceRequest } from '../core/ports.js';
import { toRfc3339Utc } from '../core/time.js';
import { formatMatcher } from './matchers.js';

/** Credentials for Alertmanager (or the proxy in front of it). */
export type AlertmanagerAuth =
  | { bearerToken: string }
  | { username: string; password: string }
  | Record<string, never>;

export interface AlertmanagerOptions {
  /**
   * Base URL, e.g. http://alertmanager:9093 (a path prefix is kept). User information in it
   * (`http://user:pass@host`, percent-encoded) is sent as Basic auth when `auth` names none.
   */
  url: string;
  auth?: AlertmanagerAuth;
  /** Per-request time limit in milliseconds. Default 5000. */
  timeoutMs?: number;
  /** Retries after a failed request (network error, timeout, 5xx). Default 2. */
  retries?: number;
  /** Milliseconds before the first retry; doubles each time. Default 200. */
  retryDelayMs?: number;
}

/** Creates the Alertmanager adapter; it makes no request until asked. */
export function createAlertmanagerClient(options: AlertmanagerOptions): AlertSource {
  const { base, origin, userinfo } = splitCredentials(options.url);
  const timeoutMs = options.timeoutMs ?? 5000;
  const retries = options.retries ?? 2;
  const retryDelayMs = options.retryDelayMs ?? 200;
  const headers: Record<string, string> = { accept: 'application/json' };
  const authorization = authorizationHeader(options.auth ?? {}, userinfo);
  if (authorization) headers.authorization = authorization;

  async function request(method: string, path: string, body?: unknown): Promise<unknown> {
    let lastProblem = '';
    let lastStatus: number | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(retryDelayMs * 2 ** (attempt - 1));
      try {
        const response = await fetch(`${base}${path}`, {
          method,
          headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await response.text();
        if (response.ok) return text === '' ? undefined : (JSON.parse(text) as unknown);
        lastStatus = response.status;
        lastProblem = `HTTP ${response.status}${text ? `: ${text.slice(0, 200).trim()}` : ''}`;
        // why: a 4xx will not change on retry (bad matcher, bad credentials); a 5xx may.
        if (response.status < 500) break;
      } catch (error) {
        lastStatus = undefined;
        lastProblem = describeFailure(error, timeoutMs);
      }
    }
    if (lastStatus === 400 && method === 'GET' && path.startsWith('/api/v2/alerts'))
      throw refusedQuery(origin, lastProblem);
    throw new NetchangeError(
      'E_ALERTS',
      `Alertmanager at ${origin} did not answer ${method} ${path.split('?')[0]}: ${lastProblem}`,
      {
        hint: `Check that Alertmanager runs at ${origin} and that its credentials are set.`,
      },
    );
  }

  return {
    origin,
    async listAlerts(query: AlertQuery): Promise<AlertInfo[]> {
      const parameters = new URLSearchParams();
      for (const matcher of query.matchers) parameters.append('filter', formatMatcher(matcher));
      // why: firing only means neither silenced nor inhibited; unprocessed alerts are not yet routed.
      parameters.set('active', 'true');
      parameters.set('silenced', String(!query.firingOnly));
      parameters.set('inhibited', String(!query.firingOnly));
      parameters.set('unprocessed', 'true');
      const answer = await request('GET', `/api/v2/alerts?${parameters}`);
      if (!Array.isArray(answer)) throw unexpected(origin, 'a list of alerts');
      return answer.map(toAlertInfo);
    },
    async createSilence(silence: SilenceRequest): Promise<string> {
      const answer = await request('POST', '/api/v2/silences', {
        ...(silence.id ? { id: silence.id } : {}),
        matchers: silence.matchers.map((matcher: LabelMatcher) => ({ ...matcher })),
        startsAt: toRfc3339Utc(silence.startsAt.getTime()),
        endsAt: toRfc3339Utc(silence.endsAt.getTime()),
        createdBy: silence.createdBy,
        comment: silence.comment,
      });
      const id = (answer as { silenceID?: unknown } | undefined)?.silenceID;
      if (typeof id !== 'string') throw unexpected(origin, 'a silenceID');
      return id;
    },
    async expireSilence(id: string): Promise<void> {
      await request('DELETE', `/api/v2/silence/${encodeURIComponent(id)}`);
    },
  };
}

/** Alertmanager answered the alerts query with 400: it read the matchers and refused them. */
function refusedQuery(origin: string, problem: string): NetchangeError {
  // why: "did not answer" sent people to check the server; a 400 is the policy's matchers (RE2 syntax).
  return new NetchangeError(
    'E_ALERTS',
    `Alertmanager at ${origin} refused the query (${problem}): check the matchers`,
    {
      hint: "Check holds.alertmanager.matchers in the change-control policy: Alertmanager reads regex matchers as Go's RE2.",
    },
  );
}

function toAlertInfo(raw: unknown): AlertInfo {
  const alert = (raw ?? {}) as {
    labels?: Record<string, string>;
    fingerprint?: string;
    startsAt?: string;
    endsAt?: string;
    status?: { state?: string; silencedBy?: string[]; inhibitedBy?: string[] };
  };
  return {
    labels: { ...(alert.labels ?? {}) },
    startsAt: alert.startsAt ?? '',
    endsAt: alert.endsAt ?? '',
    state: alert.status?.state ?? 'unprocessed',
    silencedBy: [...(alert.status?.silencedBy ?? [])],
    inhibitedBy: [...(alert.status?.inhibitedBy ?? [])],
    ...(typeof alert.fingerprint === 'string' ? { fingerprint: alert.fingerprint } : {}),
  };
}

/** A configured URL taken apart: where requests go, what messages name, and the credentials in it. */
interface Endpoint {
  /** The URL requests are made under, without user information or trailing slash. */
  base: string;
  /** The URL without user information, query or fragment: safe to print. */
  origin: string;
  /** The user information the URL carried, percent-decoded; absent when it had none. */
  userinfo?: { username: string; password: string };
}

/**
 * Takes the user information out of `url`. why: fetch (undici) refuses a URL with credentials in
 * it and quotes the whole URL, password included, in its error; docs/holds.md allows
 * `http://${AM_USER}:${AM_PASSWORD}@host`, so the credentials go into the Authorization header.
 */
function splitCredentials(url: string): Endpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw notAUrl(url);
  }
  const userinfo =
    parsed.username === '' && parsed.password === ''
      ? undefined
      : { username: percentDecoded(parsed.username), password: percentDecoded(parsed.password) };
  parsed.username = '';
  parsed.password = '';
  const base = parsed.toString().replace(/\/+$/, '');
  parsed.search = '';
  parsed.hash = '';
  return { base, origin: parsed.toString().replace(/\/+$/, ''), ...(userinfo ? { userinfo } : {}) };
}

/** The URL keeps user information percent-encoded; the Authorization header carries it as typed. */
function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // why: a lone "%" that starts no escape was meant literally.
    return text;
  }
}

/**
 * The Authorization header: the policy's `auth` when it names credentials, else the URL's user
 * information. why: `auth` is the documented, explicit form; the URL's is the fallback that
 * docs/holds.md also allows.
 */
function authorizationHeader(auth: AlertmanagerAuth, userinfo: Endpoint['userinfo']): string | undefined {
  if ('bearerToken' in auth) return `Bearer ${auth.bearerToken}`;
  const basic = 'username' in auth ? auth : userinfo;
  if (!basic) return undefined;
  return `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`;
}

function notAUrl(url: string): NetchangeError {
  // why: greedy up to the last "@", so a password that itself holds "@" or "/" is left out whole.
  const shown = url.replace(/\/\/.*@/, '//');
  return new NetchangeError('E_CONFIG', `the Alertmanager URL "${shown}" is not a URL`, {
    hint:
      'Set holds.alertmanager.url to http(s)://host:port, or to $' +
      '{NAME} to read it from the environment.',
  });
}

/**
 * Why a request got no answer, in words that never quote the URL. why: the fetch library's own
 * message may quote the request's URL whole; the caller's message already names the safe origin.
 */
function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : '';
  const message = cause || (error instanceof Error ? error.message : String(error));
  return message.replace(/\b[a-z][a-z\d+.-]*:\/\/\S*/gi, 'the URL');
}

function unexpected(origin: string, what: string): NetchangeError {
  return new NetchangeError('E_ALERTS', `Alertmanager at ${origin} did not return ${what}`, {
    hint: 'Check that the URL points at Alertmanager (API v2).',
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
