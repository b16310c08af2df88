/**
 * The one file here with a socket: DCE/RPC over TCP (ncacn_ip_tcp, MS-RPCE 2.1.1.1). Connects,
 * binds with an optional security provider (bind, bind_ack, auth3: MS-RPCE 3.3.1.5.2.1), sends
 * requests and reassembles responses. Endpoint lookup through the endpoint mapper on port 135.
 * One call at a time per client: await each before the next.
 */
import { Socket, connect as connectTcp } from 'node:net';
import {
  AuthenticationError,
  DcUnreachableError,
  LapsError,
  MalformedDataError,
} from '../errors/laps-error.js';
import {
  EPM_PORT,
  EPM_SYNTAX,
  EPT_MAP_OPNUM,
  decodeEptMapResponse,
  encodeEptMapRequest,
} from './epm.js';
import {
  AuthLevel,
  NDR20,
  PduType,
  PfcFlag,
  decodePdu,
  encodeBindBody,
  encodePdu,
  splitPdus,
  type Pdu,
  type SyntaxId,
} from './pdu.js';
import { ResponseAssembler, encodeRequestFragments, openResponseFragment } from './request.js';
import type { RpcSecurityProvider } from './security.js';

export interface RpcEndpoint {
  readonly host: string;
  readonly port: number;
  /** Per network wait (connect, each reply); 15 s unless told. */
  readonly timeoutMs?: number | undefined;
}

/** What we offer to send and accept per fragment (MS-RPCE 3.3.1.5.1 suggests 4280 for TCP). */
const MAX_FRAG = 4280;
/** Bounds a reassembled response; the calls made here answer in kilobytes. */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** C706 appendix E / MS-RPCE 2.2.2.11 fault status meaning access denied. */
const FAULT_ACCESS_DENIED = 0x00000005;
const NCA_S_FAULT_ACCESS_DENIED = 0x1c010014;

export class RpcFaultError extends LapsError {
  constructor(readonly status: number) {
    super('unexpected', `The RPC server returned fault 0x${status.toString(16).padStart(8, '0')}.`);
  }
}

export class RpcClient {
  readonly #socket: Socket;
  readonly #where: string;
  readonly #timeoutMs: number;
  readonly #pdus: Buffer[] = [];
  #stream: Buffer = Buffer.alloc(0);
  #failure: LapsError | undefined;
  #wake: (() => void) | undefined;
  #callId = 1;
  #maxXmitFrag = MAX_FRAG;
  #security: RpcSecurityProvider | undefined;
  #hasAuthenticated = false;

  private constructor(socket: Socket, where: string, timeoutMs: number) {
    this.#socket = socket;
    this.#where = where;
    this.#timeoutMs = timeoutMs;
    socket.on('data', (chunk: Buffer) => {
      try {
        const { pdus, rest } = splitPdus(Buffer.concat([this.#stream, chunk]), MAX_FRAG);
        this.#stream = rest;
        this.#pdus.push(...pdus);
      } catch (error) {
        this.#fail(error instanceof LapsError ? error : new MalformedDataError(String(error)));
        socket.destroy();
      }
      this.#wake?.();
    });
    socket.on('error', (error) => {
      this.#fail(
        new DcUnreachableError(`The connection to ${where} failed (${error.message}).`, {
          cause: error,
        }),
      );
    });
    socket.on('close', () => {
      this.#fail(
        this.#hasAuthenticated
          ? new AuthenticationError(
              `${where} closed the RPC connection after authentication: check the user name and password.`,
            )
          : new DcUnreachableError(`${where} closed the RPC connection.`),
      );
    });
  }

  /** Opens a TCP connection to an RPC endpoint. */
  static connect(endpoint: RpcEndpoint): Promise<RpcClient> {
    const where = `${endpoint.host}:${endpoint.port}`;
    const timeoutMs = endpoint.timeoutMs ?? 15_000;
    return new Promise((resolve, reject) => {
      const socket = connectTcp({ host: endpoint.host, port: endpoint.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new DcUnreachableError(
            `No answer from ${where} within ${timeoutMs} ms: check the host and port.`,
          ),
        );
      }, timeoutMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(
          new DcUnreachableError(
            `Cannot connect to ${where} (${error.message}): check the host and port.`,
            { cause: error },
          ),
        );
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.setNoDelay(true);
        resolve(new RpcClient(socket, where, timeoutMs));
      });
    });
  }

  /**
   * Binds presentation context 0 to `syntax`. With a security provider the bind carries its first
   * token, the bind_ack its challenge, and auth3 the answer, at packet privacy.
   */
  async bind(syntax: SyntaxId, security?: RpcSecurityProvider): Promise<void> {
    const callId = this.#callId++;
    const body = encodeBindBody({
      maxXmitFrag: MAX_FRAG,
      maxRecvFrag: MAX_FRAG,
      assocGroupId: 0,
      contexts: [{ contextId: 0, abstractSyntax: syntax, transferSyntaxes: [NDR20] }],
    });
    const auth = security
      ? {
          authType: security.authType,
          authLevel: AuthLevel.packetPrivacy,
          padLength: 0,
          contextId: 0,
          value: security.initialToken(),
        }
      : undefined;
    this.#send(encodePdu(PduType.bind, PfcFlag.firstFrag | PfcFlag.lastFrag, callId, body, auth));
    const reply = decodePdu(await this.#receive());
    if (reply.kind === 'bind-nak') {
      throw new AuthenticationError(
        `${this.#where} refused the RPC bind (reason ${reply.rejectReason}): the credentials or authentication type were not accepted.`,
      );
    }
    if (reply.kind === 'fault') throw new RpcFaultError(reply.status);
    if (reply.kind !== 'bind-ack')
      throw new MalformedDataError(
        `${this.#where} answered a bind with PDU type ${reply.header.type}.`,
      );
    const result = reply.body.results[0];
    if (!result || result.result !== 0) {
      throw new DcUnreachableError(
        `${this.#where} does not serve interface ${syntax.uuid} v${syntax.versionMajor}.${syntax.versionMinor} with NDR.`,
      );
    }
    this.#maxXmitFrag = Math.min(MAX_FRAG, reply.body.maxRecvFrag);
    if (!security) return;
    if (!reply.auth || reply.auth.authType !== security.authType) {
      throw new AuthenticationError(
        `${this.#where} did not continue the ${security.authType} authentication in its bind_ack.`,
      );
    }
    const token = security.nextToken(reply.auth.value);
    if (token) {
      // MS-RPCE 2.2.2.10: auth3 carries 4 bytes of padding before the sec_trailer.
      this.#send(
        encodePdu(PduType.auth3, PfcFlag.firstFrag | PfcFlag.lastFrag, callId, Buffer.alloc(4), {
          authType: security.authType,
          authLevel: AuthLevel.packetPrivacy,
          padLength: 0,
          contextId: 0,
          value: token,
        }),
      );
    }
    this.#security = security;
    this.#hasAuthenticated = true;
  }

  /**
   * Adds presentation context `contextId` for `syntax` on the bound association (C706 12.6.4.1
   * alter_context). The security context set up by bind carries over: no token is sent.
   */
  async alterContext(syntax: SyntaxId, contextId: number): Promise<void> {
    const callId = this.#callId++;
    const body = encodeBindBody({
      maxXmitFrag: MAX_FRAG,
      maxRecvFrag: MAX_FRAG,
      assocGroupId: 0,
      contexts: [{ contextId, abstractSyntax: syntax, transferSyntaxes: [NDR20] }],
    });
    this.#send(encodePdu(PduType.alterContext, PfcFlag.firstFrag | PfcFlag.lastFrag, callId, body));
    const reply = decodePdu(await this.#receive());
    if (reply.kind === 'fault') throw new RpcFaultError(reply.status);
    if (reply.kind !== 'alter-context-resp') {
      throw new MalformedDataError(
        `${this.#where} answered alter_context with PDU type ${reply.header.type}.`,
      );
    }
    if (reply.body.results[0]?.result !== 0) {
      throw new DcUnreachableError(
        `${this.#where} does not serve interface ${syntax.uuid} v${syntax.versionMajor}.${syntax.versionMinor} with NDR.`,
      );
    }
  }

  /** Sends one request on presentation context `contextId` and returns the reassembled response stub. */
  async call(opnum: number, stub: Uint8Array, contextId = 0): Promise<Buffer> {
    const callId = this.#callId++;
    for (const fragment of encodeRequestFragments({
      callId,
      contextId,
      opnum,
      stub,
      maxXmitFrag: this.#maxXmitFrag,
      security: this.#security,
    })) {
      this.#send(fragment);
    }
    const assembler = new ResponseAssembler(MAX_RESPONSE_BYTES);
    for (;;) {
      const raw = await this.#receive();
      const pdu: Pdu = decodePdu(raw);
      if (pdu.header.callId !== callId) {
        throw new MalformedDataError(
          `${this.#where} answered call ${pdu.header.callId}, not ${callId}.`,
        );
      }
      if (pdu.kind === 'fault') {
        if (
          this.#security &&
          (pdu.status === FAULT_ACCESS_DENIED || pdu.status === NCA_S_FAULT_ACCESS_DENIED)
        ) {
          throw new AuthenticationError(
            `${this.#where} denied the authenticated RPC call (fault 0x${pdu.status.toString(16)}): check the user name and password.`,
          );
        }
        throw new RpcFaultError(pdu.status);
      }
      if (pdu.kind !== 'response') {
        throw new MalformedDataError(
          `${this.#where} answered a request with PDU type ${pdu.header.type}.`,
        );
      }
      if (assembler.add(openResponseFragment(pdu, raw, this.#security), pdu.header.flags)) {
        return assembler.stub;
      }
    }
  }

  close(): void {
    this.#socket.destroy();
  }

  #send(pdu: Buffer): void {
    if (this.#failure) throw this.#failure;
    this.#socket.write(pdu);
  }

  #fail(error: LapsError): void {
    this.#failure ??= error;
    this.#wake?.();
  }

  async #receive(): Promise<Buffer> {
    const deadline = Date.now() + this.#timeoutMs;
    for (;;) {
      const next = this.#pdus.shift();
      if (next) return next;
      if (this.#failure) throw this.#failure;
      const waitMs = deadline - Date.now();
      if (waitMs <= 0) {
        this.#socket.destroy();
        throw new DcUnreachableError(`${this.#where} did not answer within ${this.#timeoutMs} ms.`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }
}

/** Asks the endpoint mapper on `host` which TCP port serves `syntax` (ept_map). */
export async function lookupTcpPort(
  host: string,
  syntax: SyntaxId,
  timeoutMs?: number,
): Promise<number> {
  const client = await RpcClient.connect({ host, port: EPM_PORT, timeoutMs });
  try {
    await client.bind(EPM_SYNTAX);
    const ports = decodeEptMapResponse(
      await client.call(EPT_MAP_OPNUM, encodeEptMapRequest(syntax)),
    );
    const port = ports[0];
    if (port === undefined) {
      throw new DcUnreachableError(
        `The endpoint mapper on ${host} knows no TCP endpoint for ${syntax.uuid}.`,
      );
    }
    return port;
  } finally {
    client.close();
  }
}
