/**
 * DCE/RPC over TCP against Samba's real RPC server: endpoint mapper, NTLM bind at packet privacy,
 * sealed SAMR calls. (lsarpc's LsarOpenPolicy2 is refused on ncacn_ip_tcp by Samba, as by Windows.)
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, DcUnreachableError } from '../../main/core/errors/laps-error.js';
import { RpcClient, lookupTcpPort } from '../../main/core/rpc/client.js';
import { NtlmSecurityProvider } from '../../main/core/rpc/ntlm.js';
import {
  NtStatusError,
  SAMR_SYNTAX,
  SAM_SERVER_READ_DOMAINS,
  SamrOpnum,
  decodeEnumerateDomainsResponse,
  decodeHandleResponse,
  decodeLookupDomainResponse,
  encodeCloseHandleRequest,
  encodeConnectRequest,
  encodeEnumerateDomainsRequest,
  encodeLookupDomainRequest,
} from '../../main/core/rpc/samr.js';
import { readSecret, requireLab } from './lab-env.js';

const lab = requireLab();
const host = '127.0.0.1';

/** Forwards to the DC and records every byte that comes back from it. */
async function recordingProxy(
  port: number,
): Promise<{ port: number; received: () => Buffer; close: () => void }> {
  const chunks: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host, port });
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => chunks.push(chunk));
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port: proxyPort } = server.address() as net.AddressInfo;
  return {
    port: proxyPort,
    received: () => Buffer.concat(chunks),
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

interface DomainInfo {
  readonly domains: readonly string[];
  readonly sid: string;
}

async function readDomains(port: number, user: string, password: string): Promise<DomainInfo> {
  const client = await RpcClient.connect({ host, port, timeoutMs: 10_000 });
  try {
    await client.bind(SAMR_SYNTAX, new NtlmSecurityProvider({ user, domain: 'LAB', password }));
    const server = decodeHandleResponse(
      await client.call(SamrOpnum.connect, encodeConnectRequest(SAM_SERVER_READ_DOMAINS)),
      'SamrConnect',
    );
    const domains = decodeEnumerateDomainsResponse(
      await client.call(SamrOpnum.enumerateDomains, encodeEnumerateDomainsRequest(server)),
    );
    const sid = decodeLookupDomainResponse(
      await client.call(SamrOpnum.lookupDomain, encodeLookupDomainRequest(server, 'LAB')),
    );
    decodeHandleResponse(
      await client.call(SamrOpnum.closeHandle, encodeCloseHandleRequest(server)),
      'SamrCloseHandle',
    );
    return { domains: domains.map((domain) => domain.name), sid };
  } finally {
    client.close();
  }
}

describe.skipIf(!lab)('DCE/RPC against the Samba lab', () => {
  let samrPort = 0;
  let proxy: Awaited<ReturnType<typeof recordingProxy>> | undefined;

  beforeAll(async () => {
    samrPort = await lookupTcpPort(host, SAMR_SYNTAX, 10_000);
    proxy = await recordingProxy(samrPort);
  });
  afterAll(() => proxy?.close());

  it('finds the SAMR TCP port through the endpoint mapper', () => {
    expect(samrPort).toBeGreaterThan(1024);
  });

  it('reads the domains and the domain SID as helpdesk over NTLM at packet privacy, sealed on the wire', async () => {
    if (!proxy) throw new Error('no proxy');
    const info = await readDomains(proxy.port, 'helpdesk', readSecret('helpdesk'));
    expect(info.domains.map((name) => name.toUpperCase())).toEqual(
      expect.arrayContaining(['LAB', 'BUILTIN']),
    );
    expect(info.sid).toMatch(/^S-1-5-21-\d+-\d+-\d+$/);
    const wire = proxy.received();
    expect(wire.length).toBeGreaterThan(0);
    expect(wire.includes(Buffer.from('BUILTIN', 'utf16le'))).toBe(false);
    expect(wire.includes(Buffer.from('Builtin', 'utf16le'))).toBe(false);
  });

  it('adds a second presentation context with alter_context and calls on it, still sealed', async () => {
    const client = await RpcClient.connect({ host, port: samrPort, timeoutMs: 10_000 });
    try {
      const password = readSecret('helpdesk');
      await client.bind(
        SAMR_SYNTAX,
        new NtlmSecurityProvider({ user: 'helpdesk', domain: 'LAB', password }),
      );
      await client.alterContext(SAMR_SYNTAX, 1);
      const stub = await client.call(
        SamrOpnum.connect,
        encodeConnectRequest(SAM_SERVER_READ_DOMAINS),
        1,
      );
      const server = decodeHandleResponse(stub, 'SamrConnect');
      decodeHandleResponse(
        await client.call(SamrOpnum.closeHandle, encodeCloseHandleRequest(server), 1),
        'SamrCloseHandle',
      );
    } finally {
      client.close();
    }
  });

  it('sends a sealed request in several fragments that Samba reassembles', async () => {
    const client = await RpcClient.connect({ host, port: samrPort, timeoutMs: 10_000 });
    try {
      const password = readSecret('helpdesk');
      await client.bind(
        SAMR_SYNTAX,
        new NtlmSecurityProvider({ user: 'helpdesk', domain: 'LAB', password }),
      );
      const server = decodeHandleResponse(
        await client.call(SamrOpnum.connect, encodeConnectRequest(SAM_SERVER_READ_DOMAINS)),
        'SamrConnect',
      );
      // 6000 UTF-16 characters: about 12 KB of stub, three fragments of at most 4280 bytes.
      const stub = encodeLookupDomainRequest(server, 'X'.repeat(6000));
      const failure = await client
        .call(SamrOpnum.lookupDomain, stub)
        .then(decodeLookupDomainResponse)
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(NtStatusError);
      expect((failure as NtStatusError).status).toBe(0xc00000df); // STATUS_NO_SUCH_DOMAIN
    } finally {
      client.close();
    }
  });

  it('works as Administrator too', async () => {
    const info = await readDomains(samrPort, 'Administrator', readSecret('administrator'));
    expect(info.domains).toHaveLength(2);
  });

  it('fails with AuthenticationError and a clear sentence for a wrong password', async () => {
    const failure = await readDomains(samrPort, 'helpdesk', 'not-the-password').catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(AuthenticationError);
    expect((failure as Error).message).toMatch(/check the user name and password/);
  });

  it('reports a closed port as DcUnreachableError', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await expect(RpcClient.connect({ host, port, timeoutMs: 2000 })).rejects.toBeInstanceOf(
      DcUnreachableError,
    );
  });
});
