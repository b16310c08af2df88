/**
 * The endpoint mapper (C706 appendix O, MS-RPCE 2.2.1.2.5): ept_map, opnum 3, asking which TCP
 * port serves an interface. Pure stub encoding and decoding; the client sends it.
 */
import { MalformedDataError } from '../errors/laps-error.js';
import { NdrReader, NdrWriter } from './ndr.js';
import { NDR20, encodeUuid, type SyntaxId } from './pdu.js';

export const EPM_PORT = 135;
export const EPM_SYNTAX: SyntaxId = {
  uuid: 'e1af8308-5d1f-11c9-91a4-08002b14a0fa',
  versionMajor: 3,
  versionMinor: 0,
};
export const EPT_MAP_OPNUM = 3;

/** C706 appendix L protocol identifiers used in towers. */
const Protocol = { uuid: 0x0d, rpcConnectionOriented: 0x0b, tcp: 0x07, ip: 0x09 } as const;

function floor(lhs: Uint8Array, rhs: Uint8Array): Buffer {
  const out = Buffer.alloc(4 + lhs.length + rhs.length);
  out.writeUInt16LE(lhs.length, 0);
  Buffer.from(lhs).copy(out, 2);
  out.writeUInt16LE(rhs.length, 2 + lhs.length);
  Buffer.from(rhs).copy(out, 4 + lhs.length);
  return out;
}

function syntaxFloor(syntax: SyntaxId): Buffer {
  const lhs = Buffer.alloc(19);
  lhs[0] = Protocol.uuid;
  encodeUuid(syntax.uuid).copy(lhs, 1);
  lhs.writeUInt16LE(syntax.versionMajor, 17);
  const rhs = Buffer.alloc(2);
  rhs.writeUInt16LE(syntax.versionMinor, 0);
  return floor(lhs, rhs);
}

/** C706 appendix L: the five-floor tower for ncacn_ip_tcp, port and address left zero. */
export function encodeTcpTower(syntax: SyntaxId): Buffer {
  const count = Buffer.alloc(2);
  count.writeUInt16LE(5, 0);
  return Buffer.concat([
    count,
    syntaxFloor(syntax),
    syntaxFloor(NDR20),
    floor(Buffer.from([Protocol.rpcConnectionOriented]), Buffer.alloc(2)),
    floor(Buffer.from([Protocol.tcp]), Buffer.alloc(2)),
    floor(Buffer.from([Protocol.ip]), Buffer.alloc(4)),
  ]);
}

/** ept_map request stub: object = null, map_tower, a zero entry_handle, max_towers. */
export function encodeEptMapRequest(syntax: SyntaxId, maxTowers = 4): Buffer {
  const tower = encodeTcpTower(syntax);
  const writer = new NdrWriter();
  writer.pointer(true); // object: any
  writer.pointer(false); // map_tower
  writer.u32(tower.length); // conformance of twr_t.tower_octet_string
  writer.u32(tower.length); // tower_length
  writer.bytes(tower);
  writer.align(4);
  writer.bytes(Buffer.alloc(20)); // entry_handle: a null context handle
  writer.u32(maxTowers);
  return writer.toBuffer();
}

/** Reads the TCP port out of a tower (the TCP floor's right side, big-endian). */
export function tcpPortOfTower(tower: Buffer): number | undefined {
  if (tower.length < 2) return undefined;
  const floors = tower.readUInt16LE(0);
  let at = 2;
  for (let i = 0; i < floors; i++) {
    if (at + 2 > tower.length) return undefined;
    const lhsLength = tower.readUInt16LE(at);
    const protocol = tower[at + 2];
    at += 2 + lhsLength;
    if (at + 2 > tower.length) return undefined;
    const rhsLength = tower.readUInt16LE(at);
    if (at + 2 + rhsLength > tower.length) return undefined;
    if (protocol === Protocol.tcp && lhsLength === 1 && rhsLength === 2)
      return tower.readUInt16BE(at + 2);
    at += 2 + rhsLength;
  }
  return undefined;
}

/** ept_map response: the TCP ports of the towers returned, in order. */
export function decodeEptMapResponse(stub: Uint8Array): number[] {
  const reader = new NdrReader(stub);
  reader.bytes(20); // entry_handle
  const numTowers = reader.u32();
  reader.u32(); // max_count
  reader.u32(); // offset
  const actual = reader.count(4);
  if (actual !== numTowers)
    throw new MalformedDataError('An ept_map response miscounts its towers.');
  const present: boolean[] = [];
  for (let i = 0; i < actual; i++) present.push(reader.pointer());
  const ports: number[] = [];
  for (const isPresent of present) {
    if (!isPresent) continue;
    reader.u32(); // max_count
    const length = reader.u32();
    const tower = reader.bytes(length);
    reader.align(4);
    const port = tcpPortOfTower(tower);
    if (port !== undefined) ports.push(port);
  }
  const status = reader.u32();
  if (status !== 0) {
    throw new MalformedDataError(
      `The endpoint mapper answered with status 0x${status.toString(16)}.`,
    );
  }
  return ports;
}
