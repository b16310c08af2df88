// The failures a user can meet, each with a stable code. The UI and the CLI show the sentence
// that comes with an error; the CLI also maps the code to its exit status.
export const ERROR_CODES = [
  'usage',
  'ambiguous',
  'not-found',
  'no-laps-password',
  'access-denied',
  'not-authorized-to-decrypt',
  'dc-unreachable',
  'tls-failed',
  'auth-failed',
  'throttled',
  'malformed-data',
  'audit-unavailable',
  'cancelled',
  'unexpected',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** What crosses a boundary (IPC, CLI --json): never a stack, never a secret. */
export interface ErrorInfo {
  readonly code: ErrorCode;
  readonly message: string;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
