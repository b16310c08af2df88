import net from 'node:net';
import tls from 'node:tls';
import { Client } from 'ldapts';
import { DcUnreachableError, LapsError, UsageError } from '../errors/laps-error.js';
import { withDeadline } from './deadline.js';
import { classifyDirectoryError } from './directory-errors.js';
import { bindWithKerberos } from './gssapi-bind.js';
import type { DirectoryTarget } from './target.js';

export type BindCredentials =
  | { readonly kind: 'simple'; readonly user: string; readonly password: string }
  | { readonly kind: 'kerberos' };

export interface SessionOptions {
  readonly credentials: BindCredentials;
  /** PEM certificates the DC's certificate must chain to (see loadTrustAnchors). */
  readonly trustAnchors: readonly string[];
  /** Budget for connect + TLS + bind on one DC before moving to the next. */
  readonly connectTimeoutMs?: number;
  /** Budget for each request once bound. */
  readonly operationTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface RootDse {
  readonly defaultNamingContext: string;
  readonly configurationNamingContext: string;
  readonly dnsHostName: string | undefined;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 4_000;
const DEFAULT_OPERATION_TIMEOUT_MS = 30_000;

/**
 * A bound, TLS-protected connection to one DC. Every byte after the first handshake is inside
 * TLS, so a simple bind's password never crosses the network in clear text.
 */
export class DirectorySession {
  private rootDseRead: Promise<RootDse> | undefined;

  private constructor(
    readonly client: Client,
    readonly target: DirectoryTarget,
    private readonly sockets: Set<net.Socket>,
  ) {}

  /** Tries each DC in turn; one that cannot be reached is skipped, any other failure stops. */
  static async open(
    targets: readonly DirectoryTarget[],
    options: SessionOptions,
  ): Promise<DirectorySession> {
    if (options.credentials.kind === 'simple') {
      if (options.credentials.user.trim() === '')
        throw new UsageError('Give the user to sign in as (--user).');
      // An empty password makes a simple bind "unauthenticated" (RFC 4513 5.1.2): it would
      // succeed as anonymous and every read would then look like "access denied".
      if (options.credentials.password === '')
        throw new UsageError(
          'The password is empty: give the password in the file or environment variable.',
        );
    }
    const unreachable: DcUnreachableError[] = [];
    for (const target of targets) {
      try {
        return await DirectorySession.openOne(target, options);
      } catch (error) {
        if (!(error instanceof DcUnreachableError)) throw error;
        unreachable.push(error);
      }
    }
    if (unreachable.length === 1 && unreachable[0]) throw unreachable[0];
    throw new DcUnreachableError(
      `None of the ${targets.length} domain controllers answered (${targets.map((t) => `${t.host}:${t.port}`).join(', ')}): check the network, or give --server.`,
      { cause: unreachable },
    );
  }

  private static async openOne(
    target: DirectoryTarget,
    options: SessionOptions,
  ): Promise<DirectorySession> {
    const server = `${target.host}:${target.port}`;
    const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    // TLS checks the name against the certificate's subjectAltName; an IP is checked as an IP.
    const tlsOptions: tls.ConnectionOptions = {
      ca: [...options.trustAnchors],
      minVersion: 'TLSv1.2',
      ...(net.isIP(target.host) === 0 ? { servername: target.host } : {}),
    };
    // Keep hold of every socket we open so a deadline or a cancel can close them at any stage,
    // including a TLS handshake after StartTLS, which ldapts does not time out.
    const sockets = new Set<net.Socket>();
    const track = <T extends net.Socket>(socket: T): T => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      return socket;
    };
    const client = new Client({
      url: target.url,
      connectTimeout: timeoutMs,
      timeout: options.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS,
      strictDN: false,
      ...(target.isLdaps ? { tlsOptions } : {}),
      createConnection: ((port: number, host: string) =>
        track(net.connect({ port, host }))) as typeof net.connect,
      createSecureConnection: ((...args: Parameters<typeof tls.connect>) =>
        track(tls.connect(...args))) as typeof tls.connect,
    });
    const session = new DirectorySession(client, target, sockets);
    try {
      await withDeadline(
        (async () => {
          if (!target.isLdaps) await client.startTLS(tlsOptions);
          if (options.credentials.kind === 'simple') {
            await client.bind(options.credentials.user, options.credentials.password);
          } else {
            await bindWithKerberos(client, {
              host: await kerberosServiceHost(client, target.host),
              timeoutMs,
              ...(options.signal ? { signal: options.signal } : {}),
            });
          }
        })(),
        {
          timeoutMs,
          ...(options.signal ? { signal: options.signal } : {}),
          onTimeout: () =>
            new DcUnreachableError(
              `${server} did not answer within ${timeoutMs / 1000} s: it may be down or blocked by a firewall; try another DC.`,
            ),
        },
      );
    } catch (error) {
      session.destroy();
      throw classifyDirectoryError(error, { server });
    }
    return session;
  }

  /** "dc1.lab.test:636", for messages. */
  get server(): string {
    return `${this.target.host}:${this.target.port}`;
  }

  rootDse(): Promise<RootDse> {
    this.rootDseRead ??= (async () => {
      const { searchEntries } = await this.client.search('', {
        scope: 'base',
        filter: '(objectClass=*)',
        attributes: ['defaultNamingContext', 'configurationNamingContext', 'dnsHostName'],
      });
      const entry = searchEntries[0];
      const text = (name: string): string | undefined => {
        const value = entry?.[name];
        return typeof value === 'string' ? value : undefined;
      };
      const defaultNamingContext = text('defaultNamingContext');
      const configurationNamingContext = text('configurationNamingContext');
      if (!defaultNamingContext || !configurationNamingContext) {
        throw new LapsError(
          'malformed-data',
          `${this.server} did not return its naming contexts: is it an Active Directory domain controller?`,
        );
      }
      return { defaultNamingContext, configurationNamingContext, dnsHostName: text('dnsHostName') };
    })().catch((error: unknown) => {
      this.rootDseRead = undefined;
      throw classifyDirectoryError(error, { server: this.server, action: 'read the RootDSE' });
    });
    return this.rootDseRead;
  }

  async close(): Promise<void> {
    try {
      await this.client.unbind();
    } catch {
      // The DC may already be gone; closing our end is all that is left to do.
    }
    this.destroy();
  }

  /** Drops the connection at once (cancel, deadline). */
  destroy(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}

/**
 * The host name in the DC's service principal (ldap/<host>). A DC given by IP address has no
 * principal under that address, so ask the DC its DNS name: AD answers RootDSE reads anonymously.
 */
async function kerberosServiceHost(client: Client, host: string): Promise<string> {
  if (net.isIP(host) === 0) return host;
  const { searchEntries } = await client.search('', {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['dnsHostName'],
  });
  const dnsHostName = searchEntries[0]?.dnsHostName;
  return typeof dnsHostName === 'string' && dnsHostName !== '' ? dnsHostName : host;
}
