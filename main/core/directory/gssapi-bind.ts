import net from 'node:net';
import { TLSSocket } from 'node:tls';
import {
  AuthMethodNotSupportedError,
  Ber,
  BerReader,
  BindRequest,
  BindResponse,
  InvalidCredentialsError,
  MessageResponseStatus,
  ProtocolOperation,
  StatusCodeParser,
  StrongAuthRequiredError,
  type BerWriter,
  type Client,
} from 'ldapts';
import {
  AuthenticationError,
  DcUnreachableError,
  LapsError,
  UsageError,
} from '../errors/laps-error.js';
import { withDeadline } from './deadline.js';
import { classifyDirectoryError } from './directory-errors.js';

export interface KerberosBindOptions {
  /** The DC's DNS host name: the ticket is for the service principal ldap/<host>. */
  readonly host: string;
  readonly signal?: AbortSignal;
  /** Budget for the whole exchange: KDC round trips and LDAP rounds. */
  readonly timeoutMs?: number;
}

/**
 * Signs `client` in with the user's own Kerberos ticket (the default ticket cache or KRB5CCNAME;
 * on Windows, the logged-on user through SSPI), never a password: an LDAP SASL bind with the
 * GSSAPI mechanism (RFC 4752) that negotiates no SASL security layer. So the connection must be
 * TLS: an ldaps:// client (connected here if it is not yet, as client.bind does) or one upgraded
 * with startTLS; AD allows no SASL layer inside TLS anyway (MS-ADTS 5.1.1.1.2). Throws a
 * LapsError: AuthenticationError for what the user can fix (kinit, SPN, KDC, DC policy),
 * UsageError for a plain connection. If cancelled or out of time, the connection is left
 * mid-bind: close the client.
 */
export async function bindWithKerberos(
  client: Client,
  options: KerberosBindOptions,
): Promise<void> {
  const { host } = options;
  // One budget for the whole exchange. The native GSS calls cannot be interrupted: past the
  // deadline they run on in their worker thread and their result is dropped.
  const within = <T>(work: Promise<T>): Promise<T> =>
    withDeadline(work, {
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.signal ? { signal: options.signal } : {}),
      onTimeout: () =>
        new DcUnreachableError(
          `The Kerberos sign-in to ${host} did not finish within ${(options.timeoutMs ?? 0) / 1000} s: the DC or the Kerberos KDC may be down or blocked by a firewall; try another DC.`,
        ),
    });
  try {
    const kerberos = await loadKerberos();
    const ldap = ldaptsInternals(client);
    // As client.bind does: an ldaps:// client connects on first use.
    if (!client.isConnected) await within(Promise.resolve(ldap._connect()));
    if (!(ldap.socket instanceof TLSSocket)) {
      throw new UsageError(
        'Kerberos sign-in needs a TLS connection (ldaps:// or StartTLS): it adds no signing or sealing of its own.',
      );
    }
    const send = async (credentials: Buffer): Promise<BindResponse> => {
      const request = new GssapiBindRequest(ldap._nextMessageId(), credentials);
      const response = await within(ldap._send(request));
      if (!response) throw StatusCodeParser.parse(response);
      return response;
    };
    const gss = <T>(work: Promise<T>): Promise<T> =>
      within(
        work.catch((error: unknown) => {
          throw kerberosFailure(error, host);
        }),
      );

    const context = await gss(
      kerberos.initializeClient(`ldap@${host}`, {
        // Mutual authentication: the DC proves it holds the ldap/<host> key (RFC 4752 3.1).
        flags: kerberos.GSS_C_MUTUAL_FLAG | kerberos.GSS_C_SEQUENCE_FLAG,
        mechOID: kerberos.GSS_MECH_OID_KRB5,
      }),
    );
    // RFC 4752 3.1, first part: context tokens until the context is established (AP-REQ, then
    // the DC's AP-REP, then an empty response once our side is complete).
    let response = await send(fromBase64(await gss(context.step(''))));
    while (!context.contextComplete) {
      const token = await gss(context.step(serverChallenge(response, host).toString('base64')));
      response = await send(fromBase64(token));
    }
    // Second part: the DC's wrapped offer is one octet of security layers it accepts and three of
    // maximum message size. We answer "no security layer" (1) with size 0 and no authorization
    // identity, so we act as the ticket's own principal.
    const offer = fromBase64(
      await gss(context.unwrap(serverChallenge(response, host).toString('base64'))),
    );
    if (offer.length < 4 || ((offer[0] ?? 0) & NO_SECURITY_LAYER) === 0) {
      throw new AuthenticationError(
        `${host} demands a Kerberos signing or sealing layer even over TLS, which this client does not implement: sign in with a password.`,
      );
    }
    const reply = await gss(
      context.wrap(Buffer.from([NO_SECURITY_LAYER, 0, 0, 0]).toString('base64'), {
        protect: false,
      }),
    );
    response = await send(fromBase64(reply));
    if (response.status !== MessageResponseStatus.Success) throw bindRefusal(response, host);
    ldap._onBindSuccess(() =>
      bindWithKerberos(client, {
        host,
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      }),
    );
  } catch (error) {
    throw classifyDirectoryError(error, { server: host });
  }
}

/** RFC 4511 4.1.9: resultCode saslBindInProgress, "send the next SASL step". */
const SASL_BIND_IN_PROGRESS = 14;

/** RFC 4752 3.1: bit 1 of the security-layer octet is "no security layer". */
const NO_SECURITY_LAYER = 1;

/** RFC 4511 4.2.2: BindResponse's serverSaslCreds [7] OCTET STRING. */
const SERVER_SASL_CREDS_TAG = 0x87;

/** The credentials of a saslBindInProgress reply; anything else ends the bind. */
function serverChallenge(response: BindResponse, host: string): Buffer {
  if (response.status === SASL_BIND_IN_PROGRESS) {
    const credentials = serverSaslCredsOf.get(response);
    if (credentials) return credentials;
    // Values but no bytes: this response came from another copy of ldapts than the one patched.
    if (response.data.length > 0) throw new LapsError('unexpected', LDAPTS_MISMATCH);
    return Buffer.alloc(0);
  }
  if (response.status === MessageResponseStatus.Success) {
    throw new AuthenticationError(
      `${host} ended the Kerberos sign-in before the security-layer step RFC 4752 requires, so it was not verified: sign in with a password, or report the DC's version.`,
    );
  }
  throw bindRefusal(response, host);
}

/** RFC 4511 4.2: a BindRequest with SaslCredentials { mechanism "GSSAPI", credentials bytes }. */
class GssapiBindRequest extends BindRequest {
  // An ES private field: ldapts debug-logs requests with JSON.stringify, which skips it.
  readonly #credentials: Buffer;

  constructor(messageId: number, credentials: Buffer) {
    super({ messageId, mechanism: 'GSSAPI' });
    this.#credentials = credentials;
  }

  override writeMessage(writer: BerWriter): void {
    writer.writeInt(this.version);
    writer.writeString(''); // name: empty for SASL (RFC 4513 5.2.1.1)
    writer.startSequence(ProtocolOperation.LDAP_REQ_BIND_SASL);
    writer.writeString('GSSAPI');
    writer.writeBuffer(this.#credentials, Ber.OctetString);
    writer.endSequence();
  }
}

// ---- ldapts internals: the only place this module reaches inside ldapts 8 ----------------------
// ldapts routes no GSSAPI (its issue #254): Client has no public way to connect, to send a bind
// it did not build, or to see its socket, and BindResponse decodes serverSaslCreds as UTF-8
// text, which corrupts binary tokens. So we connect with its private _connect (as its own bind
// does), check that its socket is TLS, send our BindRequest through its private _send (keeping
// its message ids, timeouts and connection bookkeeping), record the bind with _onBindSuccess (so
// isBound and autoRebind behave as after client.bind), and wrap BindResponse.parseMessage to also
// keep the raw serverSaslCreds bytes. Checked at run time so an ldapts that moves them fails
// clearly.

const LDAPTS_MISMATCH =
  'The loaded ldapts is not the version the Kerberos sign-in was built on: reinstall the app (the ldapts version in package.json), or sign in with a password.';

interface LdaptsInternals {
  readonly socket?: unknown;
  _connect(): Promise<void> | void;
  _nextMessageId(): number;
  _send(message: BindRequest): Promise<BindResponse | undefined>;
  _onBindSuccess(rebind: () => Promise<void>): void;
}

function ldaptsInternals(client: Client): LdaptsInternals {
  const internals = client as unknown as Partial<Record<keyof LdaptsInternals, unknown>>;
  // `socket` is absent until connected, so only the methods can be checked here.
  if (
    typeof internals._connect !== 'function' ||
    typeof internals._nextMessageId !== 'function' ||
    typeof internals._send !== 'function' ||
    typeof internals._onBindSuccess !== 'function'
  ) {
    throw new LapsError('unexpected', LDAPTS_MISMATCH);
  }
  keepServerSaslCredsAsBytes();
  return client as unknown as LdaptsInternals;
}

const serverSaslCredsOf = new WeakMap<BindResponse, Buffer>();
let isKeepingServerSaslCreds = false;

function keepServerSaslCredsAsBytes(): void {
  if (isKeepingServerSaslCreds) return;
  isKeepingServerSaslCreds = true;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with this response
  const parseBindResponse = BindResponse.prototype.parseMessage;
  BindResponse.prototype.parseMessage = function (this: BindResponse, reader: BerReader): void {
    const start = reader.offset;
    parseBindResponse.call(this, reader);
    const credentials = readServerSaslCreds(reader.buffer.subarray(start, reader.offset));
    if (credentials) serverSaslCredsOf.set(this, credentials);
  };
}

/** Re-reads a BindResponse body (RFC 4511 4.1.9 LDAPResult, then [3] referral, [7] creds). */
function readServerSaslCreds(body: Buffer): Buffer | undefined {
  const reader = new BerReader(body);
  reader.readEnumeration(); // resultCode
  reader.readString(); // matchedDN
  reader.readString(); // diagnosticMessage
  while (reader.remain > 0) {
    const tag = reader.peek();
    if (tag === null) return undefined;
    const value = reader.readString(tag, true);
    if (tag === SERVER_SASL_CREDS_TAG) return value ?? undefined;
  }
  return undefined;
}

// ---- the `kerberos` package ----------------------------------------------------------------------

/**
 * What we use of the `kerberos` package (mongodb-js), as its native code reads it: its typings
 * name the GSS flags option `gssFlag` but the native code reads `flags`, and step returns null,
 * not a string, when GSS has no token to send.
 */
interface KerberosPackage {
  initializeClient(
    service: string,
    options: { flags: number; mechOID: number },
  ): Promise<GssContext>;
  readonly GSS_C_MUTUAL_FLAG: number;
  readonly GSS_C_SEQUENCE_FLAG: number;
  readonly GSS_MECH_OID_KRB5: number;
}

/** Tokens cross as base64 text. */
interface GssContext {
  readonly contextComplete: boolean;
  step(challenge: string): Promise<string | null>;
  unwrap(challenge: string): Promise<string>;
  /**
   * On Unix the native code ignores all but octets 1-3 of `challenge` and always builds the
   * RFC 4752 reply itself (layer "none", those size octets, then options.user); SSPI wraps
   * `challenge` as is. Passing the 4-octet reply with no user gives the same bytes on both.
   */
  wrap(challenge: string, options: { protect: boolean }): Promise<string>;
}

// Not a literal import('kerberos'): the package is optional (its native build fails without the
// Kerberos headers), so neither the type-check nor the bundle may depend on it being there.
const KERBEROS_PACKAGE: string = 'kerberos';

async function loadKerberos(): Promise<KerberosPackage> {
  let loaded: unknown;
  try {
    loaded = await import(KERBEROS_PACKAGE);
  } catch (error) {
    throw new AuthenticationError(`Kerberos sign-in is not available here: ${howToGetKerberos()}`, {
      cause: error,
    });
  }
  if (!isKerberosPackage(loaded)) {
    throw new AuthenticationError(
      `The installed kerberos package is not the one this app expects: ${howToGetKerberos()}`,
    );
  }
  return loaded;
}

function isKerberosPackage(value: unknown): value is KerberosPackage {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.initializeClient === 'function' &&
    typeof candidate.GSS_C_MUTUAL_FLAG === 'number' &&
    typeof candidate.GSS_C_SEQUENCE_FLAG === 'number' &&
    typeof candidate.GSS_MECH_OID_KRB5 === 'number'
  );
}

function howToGetKerberos(): string {
  switch (process.platform) {
    case 'linux':
      return 'install the Kerberos development files (libkrb5-dev on Debian and Ubuntu, krb5-devel on Fedora), run npm rebuild kerberos, then try again; or sign in with a password.';
    case 'darwin':
      return 'install the Xcode command-line tools, run npm rebuild kerberos, then try again; or sign in with a password.';
    default:
      return 'reinstall the app (or run npm rebuild kerberos), then try again; or sign in with a password.';
  }
}

// ---- errors ----------------------------------------------------------------------------------------

/** What GSSAPI (MIT krb5's texts) or SSPI (Windows' English texts) said, for the user. */
function kerberosFailure(error: unknown, host: string): LapsError {
  const detail = error instanceof Error ? error.message : String(error);
  const options = { cause: error };
  if (
    /No Kerberos credentials available|No credentials cache found|No credentials are available in the security package/i.test(
      detail,
    )
  ) {
    return new AuthenticationError(
      `No Kerberos ticket to sign in to ${host} with: ${ticketAdvice(host)}, then try again.`,
      options,
    );
  }
  if (/Ticket expired|credential has expired|context has expired/i.test(detail)) {
    return new AuthenticationError(
      `Your Kerberos ticket has expired: ${ticketAdvice(host)} for a new one, then try again.`,
      options,
    );
  }
  if (/not found in Kerberos database|target is unknown/i.test(detail)) {
    return new AuthenticationError(
      `The domain has no Kerberos service principal ldap/${host}: give the DC by its full DNS name, not an IP address or alias.`,
      options,
    );
  }
  if (/Cannot contact any KDC|Cannot find KDC|No authority could be contacted/i.test(detail)) {
    return new AuthenticationError(
      `No Kerberos KDC could be reached for a ticket to ldap/${host}: check the network and DNS, or the kdc entries of krb5.conf.`,
      options,
    );
  }
  if (/Clock skew too great|clocks on the client and server/i.test(detail)) {
    return new AuthenticationError(
      `This computer's clock and the domain's differ by more than Kerberos allows (usually 5 minutes): correct the clock, then try again.`,
      options,
    );
  }
  if (/credentials have been revoked/i.test(detail)) {
    return new AuthenticationError(
      'The domain no longer issues tickets to your account (disabled, locked out or expired): ask a domain admin.',
      options,
    );
  }
  return new AuthenticationError(
    `Kerberos sign-in to ${host} failed (${detail}): check your ticket with klist, or ${ticketAdvice(host)} for a new one.`,
    options,
  );
}

/** How to get a ticket; an AD realm is the DC's DNS domain in capitals. */
function ticketAdvice(host: string): string {
  if (process.platform === 'win32') return 'sign in to Windows with your domain account';
  const dot = host.indexOf('.');
  const realm = net.isIP(host) === 0 && dot > 0 ? host.slice(dot + 1).toUpperCase() : 'REALM';
  return `run kinit <user>@${realm}`;
}

/** The DC's answer to a bind round that ended the bind, as the user should read it. */
function bindRefusal(response: BindResponse, host: string): LapsError {
  const refusal = StatusCodeParser.parse(response);
  const reason = response.errorMessage.split('\n')[0]?.trim() || `LDAP result ${response.status}`;
  // 80090346 is SEC_E_BAD_BINDINGS: AD puts it in "data 80090346"; Samba starts with it
  // ("80090346: LdapErr: ... data 35b").
  if (/\b80090346\b|channel.?binding/i.test(response.errorMessage)) {
    return new AuthenticationError(
      `${host} requires LDAP channel binding for Kerberos sign-in, which this client cannot send yet: sign in with a password over LDAPS, or ask the domain admins about the LDAP channel binding policy.`,
      { cause: refusal },
    );
  }
  if (refusal instanceof InvalidCredentialsError) {
    return new AuthenticationError(
      `${host} refused the Kerberos sign-in (${reason}): run klist to check your ticket, or get a new one, then try again.`,
      { cause: refusal },
    );
  }
  if (refusal instanceof StrongAuthRequiredError) {
    return new AuthenticationError(
      `${host} requires a signed or channel-bound Kerberos sign-in (${reason}), which this client cannot do yet: sign in with a password over LDAPS.`,
      { cause: refusal },
    );
  }
  if (refusal instanceof AuthMethodNotSupportedError) {
    return new AuthenticationError(
      `${host} does not accept Kerberos (SASL GSSAPI) sign-in (${reason}): sign in with a password.`,
      { cause: refusal },
    );
  }
  if (response.status === SASL_BIND_IN_PROGRESS) {
    return new AuthenticationError(
      `${host} asked for more after the last Kerberos step RFC 4752 defines: sign in with a password, or report the DC's version.`,
      { cause: refusal },
    );
  }
  return classifyDirectoryError(refusal, { server: host });
}

function fromBase64(token: string | null): Buffer {
  return Buffer.from(token ?? '', 'base64');
}
