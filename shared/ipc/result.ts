import { ERROR_CODES, type ErrorCode } from '../errors.js';

/**
 * Codes only the IPC boundary produces, beside core's:
 * - invalid-request: the payload broke the contract (wrong type, too long, unknown field);
 * - forbidden: the sender is not the app's own main frame or origin;
 * - not-connected: the connection id names no open connection of this window: connect again;
 * - secret-store-unavailable: the OS offers no protected storage, so no password is saved.
 */
export const IPC_ERROR_CODES = [
  'invalid-request',
  'forbidden',
  'not-connected',
  'secret-store-unavailable',
] as const;

export type IpcOnlyErrorCode = (typeof IPC_ERROR_CODES)[number];
export type IpcErrorCode = ErrorCode | IpcOnlyErrorCode;

/** ErrorInfo as it crosses IPC: a code and one sentence saying what to do; never a stack. */
export interface IpcErrorInfo {
  readonly code: IpcErrorCode;
  readonly message: string;
}

export const ALL_IPC_ERROR_CODES: readonly IpcErrorCode[] = [...ERROR_CODES, ...IPC_ERROR_CODES];

/** Every reply: the value, or what failed. Handlers never throw across the boundary. */
export type Result<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: IpcErrorInfo };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: IpcErrorCode, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}
