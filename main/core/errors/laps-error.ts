import type { ErrorCode, ErrorInfo } from '../../../shared/errors.js';

/**
 * Every failure core reports. `message` is one sentence that says what happened and what to do;
 * it never holds a password. `cause` keeps the low-level error for debugging only.
 */
export class LapsError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

export class UsageError extends LapsError {
  constructor(message: string) {
    super('usage', message);
  }
}

export class AmbiguousNameError extends LapsError {
  constructor(
    readonly computerName: string,
    readonly dns: readonly string[],
  ) {
    super(
      'ambiguous',
      `"${computerName}" matches ${dns.length} computers (${dns.slice(0, 3).join('; ')}${dns.length > 3 ? '; …' : ''}): give the DNS host name or the distinguished name instead.`,
    );
  }
}

export class NotFoundError extends LapsError {
  constructor(what: string) {
    super(
      'not-found',
      `No computer named "${what}" was found: check the spelling, or search with a prefix or * wildcard.`,
    );
  }
}

export class NoLapsPasswordError extends LapsError {
  constructor(computer: string) {
    super(
      'no-laps-password',
      `${computer} has no LAPS password in the directory: check that a LAPS policy applies to it and that it has backed up a password.`,
    );
  }
}

export class AccessDeniedError extends LapsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('access-denied', message, options);
  }
}

export class NotAuthorizedToDecryptError extends LapsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('not-authorized-to-decrypt', message, options);
  }
}

export class DcUnreachableError extends LapsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('dc-unreachable', message, options);
  }
}

export class TlsVerificationError extends LapsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('tls-failed', message, options);
  }
}

export class AuthenticationError extends LapsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('auth-failed', message, options);
  }
}

export class MalformedDataError extends LapsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('malformed-data', message, options);
  }
}

export class CancelledError extends LapsError {
  constructor() {
    super('cancelled', 'The operation was cancelled.');
  }
}

/** Wraps anything that is not already a LapsError, so callers meet one error type only. */
export function toLapsError(error: unknown): LapsError {
  if (error instanceof LapsError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new LapsError(
    'unexpected',
    `Unexpected error (${detail}): please report it with the command you ran.`,
    { cause: error },
  );
}
