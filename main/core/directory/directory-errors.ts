import {
  ConfidentialityRequiredError,
  InappropriateAuthError,
  InsufficientAccessError,
  InvalidCredentialsError,
  NoSuchObjectError,
  ResultCodeError,
  StrongAuthRequiredError,
  BusyError,
  UnavailableError,
} from 'ldapts';
import {
  AccessDeniedError,
  AuthenticationError,
  DcUnreachableError,
  LapsError,
  TlsVerificationError,
  toLapsError,
} from '../errors/laps-error.js';

// Node's codes for a certificate that does not verify (tls.connect errors).
const TLS_VERIFY_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
]);

// AD's "data NNN" in an invalidCredentials diagnostic says which sign-in rule failed.
const AD_BIND_REASONS: Readonly<Record<string, string>> = {
  '525': 'the user does not exist',
  '52e': 'the user name or password is wrong',
  '530': 'the account may not sign in at this time of day',
  '531': 'the account may not sign in from this workstation',
  '532': 'the password has expired: change it, then try again',
  '533': 'the account is disabled',
  '701': 'the account has expired',
  '773': 'the password must be changed before first sign-in',
  '775': 'the account is locked out',
};

export interface DirectoryErrorContext {
  /** The DC being talked to, for messages: "dc1.lab.test:636". */
  readonly server: string;
  /** What was being done, for "access denied" messages: "read the LAPS password of PC01". */
  readonly action?: string;
}

/** Turns what ldapts or the socket threw into the error the user should see. */
export function classifyDirectoryError(error: unknown, context: DirectoryErrorContext): LapsError {
  if (error instanceof LapsError) return error;
  const { server } = context;
  if (error instanceof InvalidCredentialsError) {
    const reason = /data ([0-9a-f]{3})/i.exec(error.message)?.[1]?.toLowerCase();
    const why = (reason && AD_BIND_REASONS[reason]) ?? 'the user name or password is wrong';
    return new AuthenticationError(`Sign-in to ${server} failed: ${why}.`, { cause: error });
  }
  if (
    error instanceof StrongAuthRequiredError ||
    error instanceof ConfidentialityRequiredError ||
    error instanceof InappropriateAuthError
  ) {
    return new AuthenticationError(
      `${server} refused the sign-in method (${error.message.split('\n')[0]}): use LDAPS or StartTLS, or Kerberos.`,
      { cause: error },
    );
  }
  if (error instanceof InsufficientAccessError) {
    return new AccessDeniedError(
      `Access denied by ${server}${context.action ? ` when trying to ${context.action}` : ''}: ask a directory admin for the LAPS permission.`,
      { cause: error },
    );
  }
  if (error instanceof BusyError || error instanceof UnavailableError) {
    return new DcUnreachableError(
      `${server} is busy or unavailable: try again in a moment, or another DC.`,
      { cause: error },
    );
  }
  if (error instanceof NoSuchObjectError) {
    return new LapsError(
      'not-found',
      `${server} has no such object (${error.message.split('\n')[0]}): check the search base.`,
      { cause: error },
    );
  }
  if (error instanceof ResultCodeError) {
    return toLapsError(error);
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TLS_VERIFY_CODES.has(code)) {
    return new TlsVerificationError(
      `The TLS certificate of ${server} did not verify (${code}): give the issuing CA with --ca, or check that the server name matches the certificate.`,
      { cause: error },
    );
  }
  if (typeof code === 'string' && NETWORK_CODES.has(code)) {
    return new DcUnreachableError(
      `Cannot reach ${server} (${code}): check the server name, the network and the firewall, or try another DC.`,
      { cause: error },
    );
  }
  const message = error instanceof Error ? error.message : '';
  if (/Connection timeout|Operation timed out/.test(message)) {
    return new DcUnreachableError(
      `${server} did not answer in time: it may be down or blocked by a firewall; try another DC.`,
      { cause: error },
    );
  }
  if (
    /Connection closed before message response|Socket error|socket hang up|Socket connection not established/.test(
      message,
    )
  ) {
    return new DcUnreachableError(
      `The connection to ${server} was lost mid-request: try again, or another DC.`,
      { cause: error },
    );
  }
  if (/wrong version number|unknown protocol|packet length too long/i.test(message)) {
    return new TlsVerificationError(
      `${server} did not speak TLS on that port: use ldaps:// for port 636 and ldap:// (StartTLS) for port 389.`,
      { cause: error },
    );
  }
  return toLapsError(error);
}
