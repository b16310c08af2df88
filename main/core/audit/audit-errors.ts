import type { ErrorInfo } from '../../../shared/errors.js';
import { LapsError, MalformedDataError } from '../errors/laps-error.js';
import type { AuditAction } from './audit-record.js';

/** What did not happen because the record could not be written, by action. */
const NOT_DONE: Readonly<Record<AuditAction, string>> = {
  reveal: 'the password was not shown',
  copy: 'the password was not copied',
  decrypt: 'the password was not decrypted',
  expire: 'the expiration was not changed',
  rotate: 'the password was not rotated',
  export: 'nothing was exported',
};

export function notDoneFor(action: AuditAction): string {
  return NOT_DONE[action];
}

/**
 * The audit log cannot take a record, so the action it would record does not happen: the
 * product fails closed. The message says where, why, what to do, and what was not done.
 */
export class AuditUnavailableError extends LapsError {
  constructor(
    readonly path: string,
    problem: { readonly reason: string; readonly remedy: string },
    consequence: string,
    options?: { cause?: unknown; verb?: 'write' | 'read' },
  ) {
    super(
      'audit-unavailable',
      `Cannot ${options?.verb ?? 'write'} the audit log at ${path} (${problem.reason}): ${problem.remedy}; ${consequence}.`,
      options,
    );
  }

  /** From a file-system error: "(ENOSPC: disk full): free space there". */
  static fromFileError(
    path: string,
    error: unknown,
    consequence: string,
    verb: 'write' | 'read' = 'write',
  ): AuditUnavailableError {
    return new AuditUnavailableError(path, describeFileError(error), consequence, {
      cause: error,
      verb,
    });
  }
}

/** The audit log is damaged: `lapsctl audit verify` found the first problem on `line`. */
export class AuditLogDamagedError extends MalformedDataError {
  constructor(
    message: string,
    readonly kind: string,
    readonly line: number | null,
  ) {
    super(message);
  }

  /** Scripts get the line and the kind beside the sentence. */
  override toInfo(): ErrorInfo & { readonly kind: string; readonly line: number | null } {
    return { ...super.toInfo(), kind: this.kind, line: this.line };
  }
}

const FILE_ERRORS: Readonly<Record<string, readonly [string, string]>> = {
  ENOSPC: ['disk full', 'free space there'],
  EDQUOT: ['disk quota exceeded', 'free space in your quota there'],
  EFBIG: ['file too large for this system', 'move the log aside to start a new one'],
  EACCES: ['permission denied', 'make the folder and its files yours, readable and writable'],
  EPERM: ['not permitted', 'make the folder and its files yours, readable and writable'],
  EROFS: ['read-only file system', 'set LAPS_CONSOLE_CONFIG_DIR to a folder on a writable disk'],
  ENOTDIR: ['a path component is not a folder', 'check the config folder path'],
  EISDIR: ['a folder is in the way', 'remove or rename the folder in its place'],
  EIO: ['input/output error', 'check the disk'],
};

function describeFileError(error: unknown): { reason: string; remedy: string } {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const known = code !== undefined ? FILE_ERRORS[code] : undefined;
  if (code !== undefined && known) return { reason: `${code}: ${known[0]}`, remedy: known[1] };
  return {
    reason: code ?? (error instanceof Error ? error.message : String(error)),
    remedy: "check the disk and the folder's permissions",
  };
}
