import { describe, expect, it } from 'vitest';
import { retryAfterMs, withRetry, type RetryProgress } from '../../../../main/core/entra/retry.js';
import { LapsError } from '../../../../main/core/errors/laps-error.js';

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfter: string | null,
  ) {
    super(`HTTP ${status}`);
  }
}
const failureOf = (error: unknown) =>
  error instanceof HttpError ? { status: error.status, retryAfter: error.retryAfter } : null;

describe('withRetry', () => {
  it('retries 429 and 503 after Retry-After, reporting each wait', async () => {
    const failures = [new HttpError(429, '2'), new HttpError(503, null)];
    const waits: number[] = [];
    const progress: RetryProgress[] = [];
    const result = await withRetry(
      () => {
        const next = failures.shift();
        return next ? Promise.reject(next) : Promise.resolve('ok');
      },
      failureOf,
      { sleep: (ms) => (waits.push(ms), Promise.resolve()), onRetry: (p) => progress.push(p) },
    );
    expect(result).toBe('ok');
    // Retry-After: 2 seconds; then no header, so backoff (second attempt: 2 s).
    expect(waits).toEqual([2000, 2000]);
    expect(progress.map((p) => p.status)).toEqual([429, 503]);
  });

  it('gives up as throttled after the last attempt', async () => {
    const error = await withRetry(() => Promise.reject(new HttpError(429, '1')), failureOf, {
      maxAttempts: 3,
      sleep: () => Promise.resolve(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LapsError);
    expect((error as LapsError).code).toBe('throttled');
  });

  it('caps a long Retry-After', async () => {
    const waits: number[] = [];
    let first = true;
    await withRetry(
      () =>
        first ? ((first = false), Promise.reject(new HttpError(429, '3600'))) : Promise.resolve(1),
      failureOf,
      { maxWaitMs: 5000, sleep: (ms) => (waits.push(ms), Promise.resolve()) },
    );
    expect(waits).toEqual([5000]);
  });

  it('does not retry other failures', async () => {
    let calls = 0;
    await expect(
      withRetry(() => (calls++, Promise.reject(new HttpError(403, null))), failureOf),
    ).rejects.toBeInstanceOf(HttpError);
    expect(calls).toBe(1);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(retryAfterMs('7', now)).toBe(7000);
    expect(retryAfterMs('Mon, 23 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });
});
