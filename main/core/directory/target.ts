import { UsageError } from '../errors/laps-error.js';

/** One DC to try: `ldaps://` means TLS from the first byte, `ldap://` means StartTLS. */
export interface DirectoryTarget {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly isLdaps: boolean;
}

export function parseServerUrl(text: string): DirectoryTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(
      `"${text}" is not a server URL: write ldaps://dc.example.com or ldap://dc.example.com (StartTLS).`,
    );
  }
  const isLdaps = url.protocol === 'ldaps:';
  if (!isLdaps && url.protocol !== 'ldap:') {
    throw new UsageError(
      `"${text}" is not an LDAP URL: write ldaps://host[:port] or ldap://host[:port] (StartTLS).`,
    );
  }
  if (
    url.hostname === '' ||
    url.pathname.replace(/^\//, '') !== '' ||
    url.search !== '' ||
    url.username !== ''
  ) {
    throw new UsageError(
      `"${text}" should be just ldaps://host[:port] or ldap://host[:port], with no path, query or user.`,
    );
  }
  const port = url.port === '' ? (isLdaps ? 636 : 389) : Number(url.port);
  // URL keeps IPv6 brackets in hostname; sockets and TLS want them off.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    url: `${url.protocol}//${url.host}${url.port === '' ? `:${port}` : ''}`,
    host,
    port,
    isLdaps,
  };
}
