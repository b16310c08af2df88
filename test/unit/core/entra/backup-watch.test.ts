import { describe, expect, it } from 'vitest';
import { isNewerBackup, waitForNewBackup } from '../../../../main/core/entra/backup-watch.js';
import type { EntraLapsDevice } from '../../../../main/core/entra/laps-credentials.js';

const BEFORE = '2026-11-20T08:00:00Z';

/** A device whose successive reads show these last backups. */
function deviceReads(backups: (string | null)[], onRead?: () => void) {
  let reads = 0;
  return {
    reads: () => reads,
    readDevice: (deviceId: string): Promise<EntraLapsDevice> => {
      onRead?.();
      const lastBackupDateTime = backups[Math.min(reads, backups.length - 1)] ?? null;
      reads++;
      return Promise.resolve({
        deviceId,
        deviceName: 'DESKTOP-1',
        lastBackupDateTime,
        refreshDateTime: null,
      });
    },
  };
}

describe('isNewerBackup', () => {
  it('compares instants, not text', () => {
    expect(isNewerBackup('2026-11-20T09:00:00+01:00', BEFORE)).toBe(false);
    expect(isNewerBackup('2026-11-20T08:00:01Z', BEFORE)).toBe(true);
  });

  it('takes any backup as new when there was none, and none as never new', () => {
    expect(isNewerBackup(BEFORE, null)).toBe(true);
    expect(isNewerBackup(null, null)).toBe(false);
    expect(isNewerBackup(null, BEFORE)).toBe(false);
  });
});

describe('waitForNewBackup', () => {
  it('reads until the backup is newer, reporting each wait', async () => {
    const graph = deviceReads([BEFORE, BEFORE, '2026-11-20T10:00:00Z']);
    const waits: number[] = [];
    const device = await waitForNewBackup(graph, 'id-1', BEFORE, {
      intervalMs: 1,
      timeoutMs: 60_000,
      onWaiting: ({ checks }) => waits.push(checks),
    });
    expect(device?.lastBackupDateTime).toBe('2026-11-20T10:00:00Z');
    expect(waits).toEqual([1, 2]);
  });

  it('gives null once the time is up, after a last read at the deadline', async () => {
    let clock = 0;
    // Each read takes 20 ms: the second one is past the 25 ms deadline.
    const graph = deviceReads([BEFORE], () => (clock += 20));
    const device = await waitForNewBackup(graph, 'id-1', BEFORE, {
      intervalMs: 1,
      timeoutMs: 25,
      now: () => clock,
    });
    expect(device).toBeNull();
    expect(graph.reads()).toBe(2);
  });

  it('stops with cancelled when the signal fires during a wait', async () => {
    const controller = new AbortController();
    const waiting = waitForNewBackup(deviceReads([BEFORE]), 'id-1', BEFORE, {
      intervalMs: 60_000,
      timeoutMs: 600_000,
      signal: controller.signal,
      onWaiting: () => controller.abort(),
    });
    await expect(waiting).rejects.toMatchObject({ code: 'cancelled' });
  });
});
