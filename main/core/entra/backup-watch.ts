import { CancelledError } from '../errors/laps-error.js';
import type { LapsGraphClient } from './graph-client.js';
import type { EntraLapsDevice } from './laps-credentials.js';

/**
 * Whether a device's last backup is newer than the one seen before a rotation was asked for.
 * A device that had none before has a new one as soon as it has any.
 */
export function isNewerBackup(lastBackupDateTime: string | null, before: string | null): boolean {
  if (lastBackupDateTime === null) return false;
  if (before === null) return true;
  return Date.parse(lastBackupDateTime) > Date.parse(before);
}

export interface BackupWatchOptions {
  /** Between two reads: Intune's check-ins take minutes to hours, Graph need not be asked often. */
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** After each read that found no new backup, with the time left to wait. */
  readonly onWaiting?: (progress: {
    readonly checks: number;
    readonly remainingMs: number;
  }) => void;
  readonly now?: () => number;
}

/**
 * Reads the device's LAPS metadata (no password) until its last backup is newer than `before`:
 * the rotation Intune queued has happened at the device's check-in. Null when the time is up.
 */
export async function waitForNewBackup(
  graph: Pick<LapsGraphClient, 'readDevice'>,
  deviceId: string,
  before: string | null,
  options: BackupWatchOptions,
): Promise<EntraLapsDevice | null> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  for (let checks = 1; ; checks++) {
    if (options.signal?.aborted) throw new CancelledError();
    const device = await graph.readDevice(deviceId);
    if (isNewerBackup(device.lastBackupDateTime, before)) return device;
    const remainingMs = deadline - now();
    if (remainingMs <= 0) return null;
    options.onWaiting?.({ checks, remainingMs });
    await sleep(Math.min(options.intervalMs, remainingMs), options.signal);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new CancelledError());
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', cancel);
      resolve();
    }
    function cancel() {
      clearTimeout(timer);
      reject(new CancelledError());
    }
    signal?.addEventListener('abort', cancel, { once: true });
  });
}
