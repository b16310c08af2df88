import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

export interface AuditLockOptions {
  /** How long to wait for another writer before giving up. */
  readonly maxWaitMs?: number;
  /** A lock older than this is left over from a crash, whoever holds it. */
  readonly staleAfterMs?: number;
}

const DEFAULT_MAX_WAIT_MS = 5_000;
// A writer holds the lock for a few milliseconds (read the tail, append, fsync, write the head);
// ten seconds is far beyond any live holder, so an older lock is one a crash left behind.
const DEFAULT_STALE_AFTER_MS = 10_000;

/** What the holder writes into the lock file, so others can tell whether it is still alive. */
interface LockToken {
  readonly pid: number;
  readonly host: string;
  readonly nonce: string;
}

export type LockFailure =
  /** The lock file cannot be created (permissions, read-only disk, no space). */
  | { readonly kind: 'io'; readonly error: unknown }
  /** Someone else held it for all of maxWaitMs. */
  | { readonly kind: 'busy'; readonly holder: string };

export class AuditLockError extends Error {
  constructor(readonly failure: LockFailure) {
    super(failure.kind === 'busy' ? `lock held by ${failure.holder}` : 'cannot create the lock');
  }
}

/**
 * Runs `work` holding an exclusive lock between processes, the CLI's and the console's alike:
 * a lock file created with O_CREAT|O_EXCL ('wx'), which works on every platform and on network
 * folders. A lock whose holder is gone (same host, pid not running) or that is older than
 * staleAfterMs is set aside and the wait goes on; otherwise retry with a short random pause,
 * up to maxWaitMs.
 */
export async function withFileLock<T>(
  lockPath: string,
  work: () => Promise<T>,
  options: AuditLockOptions = {},
): Promise<T> {
  const token = await acquire(lockPath, options);
  try {
    return await work();
  } finally {
    await release(lockPath, token);
  }
}

async function acquire(lockPath: string, options: AuditLockOptions): Promise<string> {
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const token = JSON.stringify({
    pid: process.pid,
    host: hostname(),
    nonce: randomBytes(8).toString('hex'),
  } satisfies LockToken);
  const deadline = Date.now() + maxWaitMs;
  for (let attempt = 0; ; attempt++) {
    if (await tryCreate(lockPath, token)) return token;
    const held = await readLock(lockPath);
    if (held === undefined) continue;
    if (isStale(held, staleAfterMs)) {
      await setAside(lockPath, held.text);
      continue;
    }
    if (Date.now() >= deadline)
      throw new AuditLockError({ kind: 'busy', holder: describeHolder(held.token) });
    // Short jittered pauses, growing a little: a holder keeps the lock for milliseconds, and
    // two writers that collide should not collide again in step.
    await sleep(Math.min(1 + attempt, 10) + Math.random() * 3);
  }
}

/** True if we now hold the lock; false if another does. */
async function tryCreate(lockPath: string, token: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(lockPath, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new AuditLockError({ kind: 'io', error });
  }
  try {
    await handle.writeFile(token, 'utf8');
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(lockPath).catch(() => undefined);
    throw new AuditLockError({ kind: 'io', error });
  }
  return true;
}

interface HeldLock {
  readonly text: string;
  readonly token: LockToken | null;
  readonly ageMs: number;
}

/** The lock as it is now, or undefined if it just went away. */
async function readLock(lockPath: string): Promise<HeldLock | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    return { text, token: parseToken(text), ageMs: Date.now() - info.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AuditLockError({ kind: 'io', error });
  }
}

function parseToken(text: string): LockToken | null {
  try {
    const value = JSON.parse(text) as Partial<LockToken> | null;
    if (typeof value?.pid === 'number' && typeof value.host === 'string')
      return { pid: value.pid, host: value.host, nonce: String(value.nonce) };
  } catch {
    // A holder between creating the file and writing its token: judged by age alone.
  }
  return null;
}

function isStale(held: HeldLock, staleAfterMs: number): boolean {
  if (held.ageMs > staleAfterMs) return true;
  return held.token !== null && held.token.host === hostname() && !isRunning(held.token.pid);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Removes a stale lock without removing a live one: two waiters may judge the same lock stale,
 * and one may already have replaced it with its own. Renaming is atomic, so we look at what we
 * actually moved; if it is not the stale lock we judged, it is a live one and goes back.
 */
async function setAside(lockPath: string, staleText: string): Promise<void> {
  const aside = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new AuditLockError({ kind: 'io', error });
  }
  const moved = await readFile(aside, 'utf8').catch(() => staleText);
  // link() fails if a third writer has taken the lock meanwhile: it then holds it, as it should.
  if (moved !== staleText) await link(aside, lockPath).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

async function release(lockPath: string, token: string): Promise<void> {
  try {
    // Only our own lock: had ours been set aside as stale, the file is now another writer's.
    if ((await readFile(lockPath, 'utf8')) === token) await unlink(lockPath);
  } catch {
    // Already gone, or unreadable: nothing of ours is left to remove.
  }
}

function describeHolder(token: LockToken | null): string {
  if (token === null) return 'another process';
  return `process ${token.pid} on ${token.host}`;
}
