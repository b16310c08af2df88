import { describe, expect, it } from 'vitest';
import { MalformedDataError } from '../../../../main/core/errors/laps-error.js';
import {
  decodeEptMapResponse,
  encodeEptMapRequest,
  encodeTcpTower,
  tcpPortOfTower,
} from '../../../../main/core/rpc/epm.js';
import { NdrWriter } from '../../../../main/core/rpc/ndr.js';
import { SAMR_SYNTAX } from '../../../../main/core/rpc/samr.js';

function towerWithPort(port: number): Buffer {
  const tower = encodeTcpTower(SAMR_SYNTAX);
  // The TCP floor's port sits after two 19+2 byte floors and the 1+2 byte RPC floor.
  const at = 2 + (4 + 19 + 2) * 2 + (4 + 1 + 2) + 2 + 1 + 2;
  tower.writeUInt16BE(port, at);
  return tower;
}

function eptMapResponse(towers: readonly Buffer[], status = 0): Buffer {
  const writer = new NdrWriter()
    .bytes(Buffer.alloc(20))
    .u32(towers.length)
    .u32(4)
    .u32(0)
    .u32(towers.length);
  towers.forEach(() => writer.pointer(false));
  for (const tower of towers) writer.u32(tower.length).u32(tower.length).bytes(tower).align(4);
  return writer.u32(status).toBuffer();
}

describe('endpoint mapper', () => {
  it('builds a five-floor ncacn_ip_tcp tower for the interface', () => {
    const tower = encodeTcpTower(SAMR_SYNTAX);
    expect(tower.readUInt16LE(0)).toBe(5);
    expect(tcpPortOfTower(tower)).toBe(0);
  });

  it('puts the tower and max_towers in an ept_map request', () => {
    const request = encodeEptMapRequest(SAMR_SYNTAX, 4);
    expect(request.readUInt32LE(0)).toBe(0);
    expect(request.readUInt32LE(request.length - 4)).toBe(4);
  });

  it('reads the TCP ports of the towers returned', () => {
    expect(
      decodeEptMapResponse(eptMapResponse([towerWithPort(49154), towerWithPort(1025)])),
    ).toEqual([49154, 1025]);
  });

  it('rejects a response whose tower count lies', () => {
    const bytes = eptMapResponse([towerWithPort(49154)]);
    bytes.writeUInt32LE(7, 20);
    expect(() => decodeEptMapResponse(bytes)).toThrow(MalformedDataError);
  });

  it('rejects a truncated response', () => {
    expect(() => decodeEptMapResponse(eptMapResponse([towerWithPort(1)]).subarray(0, 50))).toThrow(
      MalformedDataError,
    );
  });
});
