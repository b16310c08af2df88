import { mkdir, open, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { AuditUnavailableError, notDoneFor } from './audit-errors.js';
import { AuditLockError, withFileLock, type AuditLockOptions } from './audit-lock.js';
import {
  buildRecord,
  GENESIS_HASH,
  parseRecordLine,
  serializeRecord,
  type AuditAction,
  type AuditEvent,
  type AuditRecord,
} from './audit-record.js';
import { readFileTail } from './audit-tail.js';

/**
 * The audit log in the folder the CLI and the console share (configDirectory()):
 * - audit.jsonl: one record a line, each chained to the one before by its hash;
 * - audit.head: the seq and hash of the last record, rewritten with every append, so that lines
 *   cut off the end show too (a chain alone cannot show that: what is left still verifies);
 * - audit.lock: held while a writer appends, so two processes never fork the chain.
 */
export interface AuditLogPaths {
  readonly directory: string;
  readonly log: string;
  readonly head: string;
  readonly lock: string;
}

export function auditLogPaths(directory: string): AuditLogPaths {
  return {
    directory,
    log: join(directory, 'audit.jsonl'),
    head: join(directory, 'audit.head'),
    lock: join(directory, 'audit.lock'),
  };
}

/** audit.head: where the log ended after the last successful append. */
export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
}

export interface AppendOptions {
  readonly now?: Date;
  readonly lock?: AuditLockOptions;
  /** What did not happen if the append fails; by default, from the action. */
  readonly consequence?: string;
}

/**
 * Appends one record, fail-closed: it returns only once the line and the head are on disk
 * (fsync), and throws AuditUnavailableError otherwise, leaving the log as it was. Call it
 * before showing a password, and show nothing if it throws.
 */
export async function appendAuditRecord(
  paths: AuditLogPaths,
  event: AuditEvent,
  options: AppendOptions = {},
): Promise<AuditRecord> {
  const consequence = options.consequence ?? notDoneFor(event.action);
  return underLock(paths, consequence, options.lock, async () => {
    const handle = await openLog(paths, consequence);
    try {
      const end = await readChainEnd(paths, handle, consequence);
      const record = buildRecord(event, end, options.now ?? new Date());
      await appendLine(paths, handle, end.size, serializeRecord(record), consequence);
      try {
        await writeHead(paths, { seq: record.seq, hash: record.hash });
      } catch (error) {
        // A record without its head would read as "unconfirmed": take the line back.
        await rollBack(handle, end.size);
        throw AuditUnavailableError.fromFileError(paths.head, error, consequence);
      }
      return record;
    } finally {
      await handle.close().catch(() => undefined);
    }
  });
}

/**
 * Checks, without writing a record, that an append would succeed as far as can be known in
 * advance (folder and file writable, the log's end intact): for actions recorded only after the
 * directory confirms them, such as expire, so that a broken log stops them before they happen.
 */
export async function checkAuditWritable(
  paths: AuditLogPaths,
  action: AuditAction,
  options: { readonly lock?: AuditLockOptions } = {},
): Promise<void> {
  const consequence = notDoneFor(action);
  await underLock(paths, consequence, options.lock, async () => {
    const handle = await openLog(paths, consequence);
    try {
      await readChainEnd(paths, handle, consequence);
    } finally {
      await handle.close().catch(() => undefined);
    }
  });
}

/** The last `limit` records, oldest first; lines that are not records are left out. */
export async function readRecentAuditRecords(
  paths: AuditLogPaths,
  limit: number,
): Promise<{ readonly records: readonly AuditRecord[]; readonly skippedLines: number }> {
  let handle: FileHandle;
  try {
    handle = await open(paths.log, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], skippedLines: 0 };
    throw AuditUnavailableError.fromFileError(paths.log, error, 'nothing was shown', 'read');
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw notRegularFile(paths.log, 'nothing was shown', 'read');
    const tail = await readFileTail(handle, info.size, limit);
    const records: AuditRecord[] = [];
    for (const line of tail.lines) {
      const parsed = parseRecordLine(line);
      if ('record' in parsed) records.push(parsed.record);
    }
    return { records, skippedLines: tail.lines.length - records.length };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** audit.head: null if there is none yet, 'damaged' if the file is not a head. */
export async function readAuditHead(path: string): Promise<AuditHead | null | 'damaged'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return parseHead(text) ?? 'damaged';
}

export function parseHead(text: string): AuditHead | null {
  try {
    const value = JSON.parse(text) as Partial<AuditHead> | null;
    if (
      typeof value?.seq === 'number' &&
      Number.isSafeInteger(value.seq) &&
      value.seq >= 0 &&
      typeof value.hash === 'string' &&
      /^[0-9a-f]{64}$/.test(value.hash)
    )
      return { seq: value.seq, hash: value.hash };
  } catch {
    // Falls through: not a head.
  }
  return null;
}

async function underLock<T>(
  paths: AuditLogPaths,
  consequence: string,
  lock: AuditLockOptions | undefined,
  work: () => Promise<T>,
): Promise<T> {
  try {
    // 0700: the log says who saw which password when; it is its owner's alone.
    await mkdir(paths.directory, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw AuditUnavailableError.fromFileError(paths.directory, error, consequence);
  }
  try {
    return await withFileLock(paths.lock, work, lock);
  } catch (error) {
    if (!(error instanceof AuditLockError)) throw error;
    if (error.failure.kind === 'io')
      throw AuditUnavailableError.fromFileError(paths.lock, error.failure.error, consequence);
    throw new AuditUnavailableError(
      paths.log,
      {
        reason: `busy: ${error.failure.holder} holds ${paths.lock}`,
        remedy: `try again; if no lapsctl or LAPS Console is running, delete ${paths.lock}`,
      },
      consequence,
    );
  }
}

async function openLog(paths: AuditLogPaths, consequence: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    // O_APPEND: every write lands at the end. 0600 when created: the log is its owner's alone.
    handle = await open(paths.log, 'a+', 0o600);
  } catch (error) {
    throw AuditUnavailableError.fromFileError(paths.log, error, consequence);
  }
  try {
    // A device or a pipe in its place (audit.jsonl -> /dev/null) would swallow records unseen.
    if (!(await handle.stat()).isFile()) throw notRegularFile(paths.log, consequence);
  } catch (error) {
    await handle.close().catch(() => undefined);
    if (error instanceof AuditUnavailableError) throw error;
    throw AuditUnavailableError.fromFileError(paths.log, error, consequence);
  }
  return handle;
}

export function notRegularFile(
  path: string,
  consequence: string,
  verb: 'write' | 'read' = 'write',
): AuditUnavailableError {
  return new AuditUnavailableError(
    path,
    { reason: 'not a regular file', remedy: 'remove what is there so a new log can start' },
    consequence,
    { verb },
  );
}

interface ChainEnd {
  /** The seq the next record takes. */
  readonly seq: number;
  /** The hash the next record chains to. */
  readonly prev: string;
  /** The log's length in bytes: where the next line starts, and where a failed append rolls back to. */
  readonly size: number;
}

/**
 * Where the chain ends: the last line's seq and hash, read from the end of the file, checked
 * against audit.head. Appending after a damaged or cut end would bury the evidence, so that
 * refuses (the user is told to run `lapsctl audit verify`).
 */
async function readChainEnd(
  paths: AuditLogPaths,
  handle: FileHandle,
  consequence: string,
): Promise<ChainEnd> {
  const damaged = (reason: string) =>
    new AuditUnavailableError(
      paths.log,
      {
        reason,
        remedy:
          'run `lapsctl audit verify`, keep audit.jsonl and audit.head as evidence, and move both aside to start a new log',
      },
      consequence,
    );
  let size: number;
  let last: AuditRecord | null = null;
  let head: AuditHead | null;
  try {
    size = (await handle.stat()).size;
    if (size > 0) {
      const tail = await readFileTail(handle, size, 1, 1024 * 1024);
      if (tail.partial !== '') throw damaged('its last line is cut short');
      const parsed = parseRecordLine(tail.lines[0] ?? '');
      if (!('record' in parsed)) throw damaged('its last line is not an audit record');
      last = parsed.record;
    }
  } catch (error) {
    if (error instanceof AuditUnavailableError) throw error;
    throw AuditUnavailableError.fromFileError(paths.log, error, consequence);
  }
  try {
    const read = await readAuditHead(paths.head);
    if (read === 'damaged') throw damaged('audit.head is not an audit head');
    head = read;
  } catch (error) {
    if (error instanceof AuditUnavailableError) throw error;
    throw AuditUnavailableError.fromFileError(paths.head, error, consequence);
  }
  // No head yet counts as a head at seq 0; the head may lag the log by one record (a writer
  // stopped between the two writes), never more, and never lead it.
  const headSeq = head?.seq ?? 0;
  const headHash = head?.hash ?? GENESIS_HASH;
  const lastSeq = last?.seq ?? 0;
  const lastHash = last?.hash ?? GENESIS_HASH;
  const agrees =
    (lastSeq === headSeq && lastHash === headHash) ||
    (last !== null && lastSeq === headSeq + 1 && last.prev === headHash);
  if (!agrees) {
    throw damaged(
      `it ends at record ${lastSeq} but audit.head says ${headSeq}: lines were removed, replaced or added`,
    );
  }
  return { seq: lastSeq + 1, prev: lastHash, size };
}

async function appendLine(
  paths: AuditLogPaths,
  handle: FileHandle,
  size: number,
  line: string,
  consequence: string,
): Promise<void> {
  const bytes = Buffer.from(`${line}\n`, 'utf8');
  try {
    // A full disk may take part of a line before it refuses the rest.
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
      written += bytesWritten;
    }
    await handle.sync();
  } catch (error) {
    await rollBack(handle, size);
    throw AuditUnavailableError.fromFileError(paths.log, error, consequence);
  }
}

/** Cuts a failed append off, so that no half line stays behind. */
async function rollBack(handle: FileHandle, size: number): Promise<void> {
  try {
    await handle.truncate(size);
    await handle.sync();
  } catch {
    // Nothing more can be done here; verify will report the cut line.
  }
}

/** Replaces audit.head atomically: a new file, synced, renamed over the old one. */
async function writeHead(paths: AuditLogPaths, head: AuditHead): Promise<void> {
  const temporary = `${paths.head}.${process.pid}.tmp`;
  try {
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify({ seq: head.seq, hash: head.hash })}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, paths.head);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/** The whole log and its head, as one writer left them. */
export interface AuditLogSnapshot {
  readonly text: string;
  readonly head: AuditHead | null | 'damaged';
}

/**
 * Reads the log and its head under the lock, so a writer's half-done append is never seen; if
 * the lock cannot be had (a read-only copy, a stuck lock), reads them as they are.
 */
export async function readAuditLogSnapshot(
  paths: AuditLogPaths,
  options: { readonly lock?: AuditLockOptions } = {},
): Promise<AuditLogSnapshot> {
  const read = async (): Promise<AuditLogSnapshot> => {
    let text = '';
    let handle: FileHandle | undefined;
    try {
      handle = await open(paths.log, 'r');
      if (!(await handle.stat()).isFile())
        throw notRegularFile(paths.log, 'nothing was checked', 'read');
      text = await handle.readFile('utf8');
    } catch (error) {
      if (error instanceof AuditUnavailableError) throw error;
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw AuditUnavailableError.fromFileError(paths.log, error, 'nothing was checked', 'read');
    } finally {
      await handle?.close().catch(() => undefined);
    }
    try {
      return { text, head: await readAuditHead(paths.head) };
    } catch (error) {
      throw AuditUnavailableError.fromFileError(paths.head, error, 'nothing was checked', 'read');
    }
  };
  try {
    return await withFileLock(paths.lock, read, options.lock);
  } catch (error) {
    if (error instanceof AuditLockError) return read();
    throw error;
  }
}
