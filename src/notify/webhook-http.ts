/**
 * The one place netchange posts to chat webhooks (the HTTP edge of src/notify). Slack goes through
 * the official client (`@slack/webhook`'s IncomingWebhook); Teams, which has no client for incoming
 * webhooks, through fetch. Both share the retry decisions of retry.ts, so a 429 or a 5xx is treated
 * the same way whichever chat answered.
 *
 * why the client's own retries are off: it retries 5xx only and never honours Retry-After; one loop
 * here does both and counts attempts once.
 *
 * The webhook URL is a secret (its path is the credential): nothing this module throws or reports
 * contains it; callers still pass every message through the redactor, which knows the URL.
 */
import {
  type FetchFunction,
  IncomingWebhook,
  IncomingWebhookHTTPError,
  IncomingWebhookRequestError,
  type IncomingWebhookSendArguments,
} from '@slack/webhook';
import type { ChatName } from './model.js';
import { DEFAULT_RETRY_POLICY, decideRetry, type RetryDecision, type RetryPolicy } from './retry.js';

/** How one post ended. */
export interface PostReport {
  /** Attempts made, the first included. */
  attempts: number;
}

/** A post that failed for good: the last answer, without the URL. */
export class WebhookPostError extends Error {
  readonly attempts: number;
  /** The last HTTP status; undefined when the webhook never answered. */
  readonly status: number | undefined;
  /** Why it stopped trying. */
  readonly reason: Extract<RetryDecision, { retry: false }>['reason'];

  constructor(
    message: string,
    details: { attempts: number; status: number | undefined; reason: WebhookPostError['reason'] },
  ) {
    super(message);
    this.name = 'WebhookPostError';
    this.attempts = details.attempts;
    this.status = details.status;
    this.reason = details.reason;
  }
}

export interface WebhookPoster {
  /** Posts `payload` (already built for `chat`) to `url`, retrying as retry.ts decides. */
  post(chat: ChatName, url: string, payload: unknown): Promise<PostReport>;
}

export interface WebhookPosterOptions {
  policy?: RetryPolicy;
  /** Milliseconds since the epoch, for HTTP-date Retry-After values (the caller's clock). */
  now: () => number;
  /** Waits between attempts; tests may shorten it. */
  sleep?: (ms: number) => Promise<void>;
  /** Time limit of one attempt. Default 10 s. */
  timeoutMs?: number;
  /** Told before each retry, e.g. `Slack answered 429; trying again in 1 s (attempt 2 of 4)`. */
  onRetry?: (message: string) => void;
}

/** One attempt's answer. */
interface AttemptResult {
  ok: boolean;
  status?: number;
  retryAfter?: string | null;
  /** The answer's body or the network error, short. */
  detail?: string;
}

const CHAT_LABEL: Record<ChatName, string> = { slack: 'Slack', teams: 'Teams' };

export function createWebhookPoster(options: WebhookPosterOptions): WebhookPoster {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async post(chat, url, payload) {
      const attemptOnce = chat === 'slack' ? postToSlack : postToTeams;
      for (let attempt = 1; ; attempt += 1) {
        const result = await attemptOnce(url, payload, timeoutMs);
        if (result.ok) return { attempts: attempt };
        const decision = decideRetry(
          {
            attempt,
            ...(result.status !== undefined ? { status: result.status } : {}),
            retryAfter: result.retryAfter ?? null,
          },
          policy,
          options.now(),
        );
        const answer =
          result.status !== undefined
            ? `answered ${result.status}`
            : `did not answer (${result.detail ?? 'no response'})`;
        if (decision.retry) {
          options.onRetry?.(
            `${CHAT_LABEL[chat]} ${answer}; trying again in ${formatDelay(decision.delayMs)} (attempt ${attempt + 1} of ${policy.maxAttempts})`,
          );
          await sleep(decision.delayMs);
          continue;
        }
        throw new WebhookPostError(failureMessage(chat, answer, result, decision.reason, attempt), {
          attempts: attempt,
          status: result.status,
          reason: decision.reason,
        });
      }
    },
  };
}

async function postToSlack(url: string, payload: unknown, timeoutMs: number): Promise<AttemptResult> {
  let retryAfter: string | null = null;
  // why: the client does not expose the answer's headers; this fetch sees them for Retry-After.
  const recordingFetch: FetchFunction = async (input, init) => {
    const response = await fetch(input, init);
    retryAfter = response.headers.get('retry-after');
    return response;
  };
  const webhook = new IncomingWebhook(url, {
    fetch: recordingFetch,
    timeout: timeoutMs,
    retryConfig: { retries: 0 },
  });
  try {
    await webhook.send(payload as IncomingWebhookSendArguments);
    return { ok: true };
  } catch (error) {
    if (error instanceof IncomingWebhookHTTPError) {
      return { ok: false, status: error.statusCode, retryAfter, detail: shortBody(error.body) };
    }
    if (error instanceof IncomingWebhookRequestError)
      return { ok: false, detail: networkReason(error.original) };
    return { ok: false, detail: networkReason(error) };
  }
}

async function postToTeams(url: string, payload: unknown, timeoutMs: number): Promise<AttemptResult> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(payload),
      // why: a redirect would carry the card (and our trust) to a host nobody configured.
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await response.text();
    if (response.ok) return { ok: true };
    return {
      ok: false,
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      detail: shortBody(body),
    };
  } catch (error) {
    return { ok: false, detail: networkReason(error) };
  }
}

/**
 * The reason a request got no answer, by error code only (ECONNREFUSED, a timeout): undici's
 * messages and causes may quote the address, and the address is part of the secret URL.
 */
function networkReason(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  return 'no response';
}

function shortBody(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

function failureMessage(
  chat: ChatName,
  answer: string,
  result: AttemptResult,
  reason: WebhookPostError['reason'],
  attempts: number,
): string {
  const said = result.status !== undefined && result.detail ? ` ("${result.detail}")` : '';
  switch (reason) {
    case 'client-error':
      return `${CHAT_LABEL[chat]} refused the message: it ${answer}${said}; not retried, the request itself was refused`;
    case 'retry-after-too-long':
      return `${CHAT_LABEL[chat]} ${answer} and asked to wait longer than netchange waits; gave up after ${attempts} attempt(s)`;
    case 'attempts-exhausted':
      return `${CHAT_LABEL[chat]} ${answer}${said} on the last of ${attempts} attempts`;
  }
}

function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}
