import { CancelledError } from '../errors/laps-error.js';

/**
 * Settles with `work`, or rejects when `timeoutMs` passes (with `onTimeout()`) or the signal
 * aborts (with CancelledError). The work itself is not stopped: callers close its connection.
 */
export async function withDeadline<T>(
  work: Promise<T>,
  options: {
    readonly timeoutMs?: number;
    readonly signal?: AbortSignal;
    readonly onTimeout: () => Error;
  },
): Promise<T> {
  const { timeoutMs, signal, onTimeout } = options;
  if (signal?.aborted) {
    work.catch(() => undefined);
    throw new CancelledError();
  }
  if (timeoutMs === undefined && signal === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    if (timeoutMs !== undefined) timer = setTimeout(() => reject(onTimeout()), timeoutMs);
    onAbort = () => reject(new CancelledError());
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, stop]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    // The loser of the race must not surface later as an unhandled rejection.
    work.catch(() => undefined);
  }
}
