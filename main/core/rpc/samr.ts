/**
 * The few SAMR calls (MS-SAMR) that prove the transport: SamrConnect, SamrEnumerateDomainsInSamServer,
 * SamrLookupDomainInSamServer, SamrCloseHandle. Pure stub encoding and decoding.
 *
 * (lsarpc would do too on a named pipe, but Samba, like Windows, refuses LsarOpenPolicy2 over
 * ncacn_ip_tcp with an access-denied fault: MS-LSAT allows only the lookup calls on TCP.)
 */
import { MalformedDataError } from '../errors/laps-error.js';
import {
  NdrReader,
  NdrWriter,
  readRpcSid,
  readUnicodeStringBody,
  readUnicodeStringHead,
} from './ndr.js';
import type { SyntaxId } from './pdu.js';

/** MS-SAMR 1.9 */
export const SAMR_SYNTAX: SyntaxId = {
  uuid: '12345778-1234-abcd-ef00-0123456789ac',
  versionMajor: 1,
  versionMinor: 0,
};

export const SamrOpnum = {
  connect: 0,
  closeHandle: 1,
  lookupDomain: 5,
  enumerateDomains: 6,
} as const;

/** MS-SAMR 2.2.1.3 SAM_SERVER_CONNECT | SAM_SERVER_ENUMERATE_DOMAINS | SAM_SERVER_LOOKUP_DOMAIN. */
export const SAM_SERVER_READ_DOMAINS = 0x00000031;

/** A status from the call itself (NTSTATUS), as opposed to the transport. */
export class NtStatusError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number,
  ) {
    super(`${operation} failed with NTSTATUS 0x${status.toString(16).padStart(8, '0')}.`);
    this.name = 'NtStatusError';
  }
}

export interface SamrDomain {
  readonly rid: number;
  readonly name: string;
}

/** MS-SAMR 3.1.5.1.4 SamrConnect: ServerName null. */
export function encodeConnectRequest(desiredAccess: number): Buffer {
  return new NdrWriter().pointer(true).u32(desiredAccess).toBuffer();
}

/** A 20-byte context handle followed by an NTSTATUS (SamrConnect and SamrCloseHandle replies). */
export function decodeHandleResponse(stub: Uint8Array, operation: string): Buffer {
  const reader = new NdrReader(stub);
  const handle = reader.bytes(20);
  const status = reader.u32();
  if (status !== 0) throw new NtStatusError(operation, status);
  return handle;
}

function checkHandle(handle: Uint8Array): void {
  if (handle.length !== 20) throw new RangeError('A context handle is 20 bytes.');
}

/** MS-SAMR 3.1.5.2.1 SamrEnumerateDomainsInSamServer from the start, no size limit. */
export function encodeEnumerateDomainsRequest(serverHandle: Uint8Array): Buffer {
  checkHandle(serverHandle);
  return new NdrWriter().bytes(serverHandle).u32(0).u32(0xffffffff).toBuffer();
}

/** SAMPR_ENUMERATION_BUFFER of SAMPR_RID_ENUMERATION (MS-SAMR 2.2.3.9, 2.2.3.10). */
export function decodeEnumerateDomainsResponse(stub: Uint8Array): SamrDomain[] {
  const reader = new NdrReader(stub);
  reader.u32(); // EnumerationContext
  const domains: SamrDomain[] = [];
  if (reader.pointer()) {
    const entriesRead = reader.u32();
    if (reader.pointer()) {
      const count = reader.count(12);
      if (count !== entriesRead)
        throw new MalformedDataError('SamrEnumerateDomainsInSamServer miscounts its entries.');
      const heads = [];
      for (let i = 0; i < count; i++) {
        const rid = reader.u32();
        heads.push({ rid, name: readUnicodeStringHead(reader) });
      }
      for (const head of heads)
        domains.push({ rid: head.rid, name: readUnicodeStringBody(reader, head.name) });
    }
  }
  reader.u32(); // CountReturned
  const status = reader.u32();
  if (status !== 0) throw new NtStatusError('SamrEnumerateDomainsInSamServer', status);
  return domains;
}

/** MS-SAMR 3.1.5.11.1 SamrLookupDomainInSamServer: the name as an RPC_UNICODE_STRING. */
export function encodeLookupDomainRequest(serverHandle: Uint8Array, name: string): Buffer {
  checkHandle(serverHandle);
  const chars = Buffer.from(name, 'utf16le');
  return new NdrWriter()
    .bytes(serverHandle)
    .u16(chars.length)
    .u16(chars.length)
    .pointer(false)
    .u32(chars.length / 2) // max_count
    .u32(0) // offset
    .u32(chars.length / 2) // actual_count
    .bytes(chars)
    .toBuffer();
}

/** The domain SID, as S-1-5-21-…. */
export function decodeLookupDomainResponse(stub: Uint8Array): string {
  const reader = new NdrReader(stub);
  const sid = reader.pointer() ? readRpcSid(reader) : undefined;
  const status = reader.u32();
  if (status !== 0) throw new NtStatusError('SamrLookupDomainInSamServer', status);
  if (sid === undefined)
    throw new MalformedDataError('SamrLookupDomainInSamServer returned no SID.');
  return sid;
}

/** MS-SAMR 3.1.5.13.1 SamrCloseHandle. */
export function encodeCloseHandleRequest(handle: Uint8Array): Buffer {
  checkHandle(handle);
  return Buffer.from(handle);
}
