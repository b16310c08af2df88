import type { ErrorCode } from '../../shared/errors.js';

/** The exit status for each error code: the contract scripts rely on (README lists it). */
export const EXIT_CODES: Readonly<Record<ErrorCode, number>> = {
  unexpected: 1,
  usage: 2,
  ambiguous: 2,
  'not-found': 3,
  'access-denied': 4,
  'dc-unreachable': 5,
  'tls-failed': 5,
  'auth-failed': 5,
  throttled: 5,
  'no-laps-password': 6,
  'not-authorized-to-decrypt': 7,
  'malformed-data': 8,
  // The audit log cannot take the record, so nothing was shown or done (fail closed).
  'audit-unavailable': 1,
  cancelled: 130,
};
