/**
 * MS-GKDI GetKey (opnum 0) over DCE/RPC with NTLM at packet privacy: the stub in NDR 2.0, the
 * HRESULTs a key service answers turned into errors that say what to do, and where to find the
 * service (a given host:port, or the DC's endpoint mapper).
 */
import {
  DcUnreachableError,
  LapsError,
  MalformedDataError,
  NotAuthorizedToDecryptError,
  UsageError,
} from '../errors/laps-error.js';
import { RpcClient, lookupTcpPort } from './client.js';
import { NdrReader, NdrWriter } from './ndr.js';
import { NtlmSecurityProvider, type NtlmCredentials } from './ntlm.js';
import { encodeUuid, type SyntaxId } from './pdu.js';

/** MS-GKDI 1.9 ISDKey. */
export const GKDI_SYNTAX: SyntaxId = {
  uuid: 'b9785960-524f-11df-8b6d-83dcded72085',
  versionMajor: 1,
  versionMinor: 0,
};
export const GET_KEY_OPNUM = 0;

/** Bounds an envelope: a DH public key blob of 8192 bits and the names make a few kilobytes. */
const MAX_ENVELOPE_BYTES = 64 * 1024;

export interface GetKeyRequest {
  /** The target security descriptor (targetSecurityDescriptor(sid)). */
  readonly targetSd: Uint8Array;
  /** null asks for the newest root key. */
  readonly rootKeyId: string | null;
  readonly l0: number;
  readonly l1: number;
  readonly l2: number;
}

/** MS-GKDI 3.1.4.1 GetKey request stub. */
export function encodeGetKeyRequest(request: GetKeyRequest): Buffer {
  const writer = new NdrWriter()
    .u32(request.targetSd.length)
    .u32(request.targetSd.length) // conformance of pbTargetSD ([ref] size_is(cbTargetSD))
    .bytes(request.targetSd)
    .align(4)
    .pointer(request.rootKeyId === null);
  if (request.rootKeyId !== null) writer.bytes(encodeUuid(request.rootKeyId));
  return writer.u32(request.l0).u32(request.l1).u32(request.l2).toBuffer();
}

/** GetKey response stub: pcbOut, the unique pointer *ppbOut and its conformant array, HRESULT. */
export function decodeGetKeyResponse(stub: Uint8Array): {
  readonly envelope: Buffer | null;
  readonly hresult: number;
} {
  const reader = new NdrReader(stub);
  const cbOut = reader.u32();
  let envelope: Buffer | null = null;
  if (reader.pointer()) {
    const count = reader.count(1);
    if (count !== cbOut || count > MAX_ENVELOPE_BYTES)
      throw new MalformedDataError('A GetKey response disagrees with its own size.');
    envelope = reader.bytes(count);
    reader.align(4);
  }
  const hresult = reader.u32();
  if (reader.remaining !== 0)
    throw new MalformedDataError('A GetKey response has bytes after its HRESULT.');
  return { envelope, hresult };
}

const HRESULT = {
  accessDenied: 0x80070005,
  invalidArgument: 0x80070057,
  /** NTE_BAD_KEY, NTE_NO_KEY, NTE_BAD_KEYSET: no such root key. */
  badKey: 0x80090003,
  noKey: 0x8009000d,
  badKeyset: 0x80090016,
  /** HRESULT_FROM_WIN32(ERROR_NOT_FOUND) */
  notFound: 0x80070490,
} as const;

/** The error a failing GetKey HRESULT means, with a sentence for the person reading it. */
export function getKeyError(hresult: number, request: GetKeyRequest, where: string): LapsError {
  const code = `0x${hresult.toString(16).padStart(8, '0')}`;
  const rootKey = request.rootKeyId ?? 'the newest root key';
  switch (hresult) {
    case HRESULT.accessDenied:
      return new NotAuthorizedToDecryptError(
        `The key service at ${where} refused this account any key (E_ACCESSDENIED): it is not an authorized decryptor; ask a directory admin to add it to the group the password is encrypted to.`,
      );
    case HRESULT.badKey:
    case HRESULT.noKey:
    case HRESULT.badKeyset:
    case HRESULT.notFound:
      return new NotAuthorizedToDecryptError(
        `The key service at ${where} does not know KDS root key ${rootKey} (${code}): the password was encrypted in another forest, or the root key was deleted; decrypt it with that forest's root key (lapsctl decrypt --root-key-file).`,
      );
    case HRESULT.invalidArgument:
      return new NotAuthorizedToDecryptError(
        `The key service at ${where} refused the key (${l(request)}) of root key ${rootKey} as invalid (E_INVALIDARG): the root key is unknown there, or the key is from the future (check the clocks).`,
      );
    default:
      return new LapsError(
        'unexpected',
        `The key service at ${where} failed GetKey with HRESULT ${code}: try another DC, or report it with the command you ran.`,
      );
  }
}

const l = (request: GetKeyRequest): string => `${request.l0}, ${request.l1}, ${request.l2}`;

/** "host:port" or "[v6]:port" as a GKDI endpoint. */
export function parseEndpoint(text: string): { readonly host: string; readonly port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (host === undefined || !(port >= 1 && port <= 65535))
    throw new UsageError(
      `"${text}" is not a key service endpoint: give host:port, e.g. dc1:49735.`,
    );
  return { host, port };
}

export interface GkdiConnectOptions {
  /** The DC whose endpoint mapper (port 135) says where GKDI listens. */
  readonly dcHost: string;
  /** host:port of the key service, skipping the endpoint mapper. */
  readonly endpoint?: string | undefined;
  readonly credentials: NtlmCredentials;
  readonly timeoutMs?: number | undefined;
}

/** One authenticated association to a key service; GetKey calls one at a time. */
export class GkdiClient {
  private constructor(
    private readonly client: RpcClient,
    readonly where: string,
  ) {}

  static async connect(options: GkdiConnectOptions): Promise<GkdiClient> {
    const { host, port } =
      options.endpoint !== undefined
        ? parseEndpoint(options.endpoint)
        : { host: options.dcHost, port: await findGkdiPort(options.dcHost, options.timeoutMs) };
    const client = await RpcClient.connect({ host, port, timeoutMs: options.timeoutMs });
    try {
      await client.bind(GKDI_SYNTAX, new NtlmSecurityProvider(options.credentials));
    } catch (error) {
      client.close();
      throw error;
    }
    return new GkdiClient(client, `${host}:${port}`);
  }

  /** The group key envelope (MS-GKDI 2.2.4) for the request, as the service answers it. */
  async getKey(request: GetKeyRequest): Promise<Buffer> {
    const { envelope, hresult } = decodeGetKeyResponse(
      await this.client.call(GET_KEY_OPNUM, encodeGetKeyRequest(request)),
    );
    if (hresult !== 0) throw getKeyError(hresult, request, this.where);
    if (envelope === null)
      throw new MalformedDataError(`The key service at ${this.where} answered GetKey with no key.`);
    return envelope;
  }

  close(): void {
    this.client.close();
  }
}

/** C706 appendix N: ept_map's status when nothing is registered for the interface. */
const EPT_S_NOT_REGISTERED = '0x16c9a0d6';

async function findGkdiPort(dcHost: string, timeoutMs: number | undefined): Promise<number> {
  try {
    return await lookupTcpPort(dcHost, GKDI_SYNTAX, timeoutMs);
  } catch (error) {
    // Samba's endpoint mapper answers EPT_S_NOT_REGISTERED (epm.ts reports the status in its
    // message) or no tower: it serves no GKDI. Say what to do instead.
    const notRegistered =
      (error instanceof MalformedDataError && error.message.includes(EPT_S_NOT_REGISTERED)) ||
      (error instanceof DcUnreachableError && error.message.includes('knows no TCP endpoint'));
    if (notRegistered) {
      throw new DcUnreachableError(
        `The endpoint mapper on ${dcHost} knows no MS-GKDI key service (a Samba DC has none): give a key service with --gkdi-endpoint host:port (or "gkdiEndpoint" in the profile), or use --decrypt-with root-key as a Domain Admin.`,
        { cause: error },
      );
    }
    throw error;
  }
}
