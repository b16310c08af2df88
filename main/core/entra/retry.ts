import { LapsError } from '../errors/laps-error.js';

/** What a throttled call tells its caller while it waits, to show as progress. */
export interface RetryProgress {
  readonly status: number;
  /** The try that was refused (1 for the first). */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly waitMs: number;
}

export interface RetryOptions {
  readonly onRetry?: (progress: RetryProgress) => void;
  /** Tries in all, the first included. */
  readonly maxAttempts?: number;
  /** No single wait is longer, whatever Retry-After says: a CLI must not hang for an hour. */
  readonly maxWaitMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A failed HTTP call as retry sees it: the status, and Retry-After if the server sent one. */
export interface HttpFailure {
  readonly status: number;
  readonly retryAfter: string | null;
}

const RETRIED_STATUSES = new Set([429, 503]);

/**
 * Runs a Graph call, retrying 429 and 503 after Retry-After (seconds or an HTTP date), or with
 * exponential backoff when there is none, a bounded number of times: Graph throttles per app
 * and tenant, and says when to come back.
 */
export async function withRetry<T>(
  call: () => Promise<T>,
  failureOf: (error: unknown) => HttpFailure | null,
  options: RetryOptions = {},
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 4;
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const sleep = options.sleep ?? delay;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const failure = failureOf(error);
      if (failure === null || !RETRIED_STATUSES.has(failure.status)) throw error;
      if (attempt >= maxAttempts)
        throw new LapsError(
          'throttled',
          `Microsoft Graph is still busy (HTTP ${failure.status}) after ${attempt} tries: try again in a few minutes.`,
          { cause: error },
        );
      const waitMs = Math.min(
        maxWaitMs,
        retryAfterMs(failure.retryAfter) ?? 1000 * 2 ** (attempt - 1),
      );
      options.onRetry?.({ status: failure.status, attempt, maxAttempts, waitMs });
      await sleep(waitMs);
    }
  }
}

/** Waits ms milliseconds: the wait between tries, unless the caller brings its own. */
export function delay(ms: number): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110 10.2.3); null when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
