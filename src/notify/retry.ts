/**
 * When to try a webhook post again. Pure: the adapter (webhook-http.ts) asks after each failed
 * attempt and sleeps for the answer.
 * - 429: honour Retry-After (seconds or an HTTP date), at most `maxRetryAfterMs`; a longer wait
 *   gives up rather than holding a CI job.
 * - 5xx and no answer at all (connection refused, timeout): exponential backoff.
 * - Any other 4xx: never: the request itself is wrong (a revoked webhook, a refused payload).
 * Attempts are bounded in every case.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Backoff before the second attempt; doubled after each further attempt. */
  baseDelayMs: number;
  /** Longest backoff. */
  maxDelayMs: number;
  /** Longest Retry-After honoured. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 1000,
  maxDelayMs: 15_000,
  maxRetryAfterMs: 60_000,
};

/** One failed attempt: the HTTP status, or undefined when no answer came. */
export interface FailedAttempt {
  /** 1 for the first attempt. */
  attempt: number;
  status?: number;
  /** The Retry-After header, when the answer had one. */
  retryAfter?: string | null;
}

export type RetryDecision =
  | { retry: true; delayMs: number }
  | { retry: false; reason: 'client-error' | 'attempts-exhausted' | 'retry-after-too-long' };

export function decideRetry(failure: FailedAttempt, policy: RetryPolicy, now: number): RetryDecision {
  const { status } = failure;
  if (status !== undefined && status !== 429 && status < 500) return { retry: false, reason: 'client-error' };
  if (failure.attempt >= policy.maxAttempts) return { retry: false, reason: 'attempts-exhausted' };
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failure.attempt - 1));
  if (status === 429) {
    const asked = retryAfterMs(failure.retryAfter, now);
    if (asked === undefined) return { retry: true, delayMs: backoff };
    if (asked > policy.maxRetryAfterMs) return { retry: false, reason: 'retry-after-too-long' };
    return { retry: true, delayMs: asked };
  }
  return { retry: true, delayMs: backoff };
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when unreadable. */
export function retryAfterMs(header: string | null | undefined, now: number): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
