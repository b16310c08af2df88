import type { IpcOnlyErrorCode } from '../../../shared/ipc/result.js';

/** A failure only the console meets (see IPC_ERROR_CODES); core's own failures are LapsErrors. */
export class ConsoleError extends Error {
  constructor(
    readonly code: IpcOnlyErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConsoleError';
  }
}

export class NotConnectedError extends ConsoleError {
  constructor() {
    super(
      'not-connected',
      'That connection is closed (or belongs to another window): connect again.',
    );
  }
}

export class SecretStoreUnavailableError extends ConsoleError {
  constructor(detail: string) {
    super(
      'secret-store-unavailable',
      `This system offers no protected storage for passwords (${detail}), so the password was not saved: use Kerberos, or enter the password each time.`,
    );
  }
}
