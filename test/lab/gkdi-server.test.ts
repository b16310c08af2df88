/**
 * The lab's GKDI server (test/fixtures/gkdi-server) checked with a client this project did not
 * write, Samba's python GKDI client, and with core's RPC client: keys as Samba derives them from
 * the lab's real root key, private keys only for members of the SD's group (tokenGroups), public
 * keys for others, clean failures, fragments both ways, and a count of GetKey calls.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptWithGroupKey } from '../../main/core/dpapi-ng/decrypt.js';
import {
  guidToBytes,
  parseGroupKeyEnvelope,
  sidToBytes,
  targetSecurityDescriptor,
} from '../../main/core/dpapi-ng/gkdi.js';
import { splitLapsEncryptedValue } from '../../main/core/dpapi-ng/laps.js';
import {
  AuthenticationError,
  NotAuthorizedToDecryptError,
} from '../../main/core/errors/laps-error.js';
import { RpcClient, RpcFaultError } from '../../main/core/rpc/client.js';
import { NdrReader, NdrWriter } from '../../main/core/rpc/ndr.js';
import { NtlmSecurityProvider } from '../../main/core/rpc/ntlm.js';
import { sambaAccounts, sidFromBytes } from '../fixtures/gkdi-server/accounts.js';
import {
  groupKeyEnvelope,
  labLdap,
  readLabRootKey,
  readRootKeys,
  withLabLdap,
  type DatedRootKey,
} from '../fixtures/gkdi-server/group-key.js';
import { GKDI_SYNTAX, startGkdiServer, type GkdiServer } from '../fixtures/gkdi-server/server.js';
import { dsInternalsLapsVectors } from '../vectors.js';
import { readSecret, requireLab, type LabUserKey } from './lab-env.js';

const lab = requireLab();
const DAEMON_PORT = 49735;
const SAMBA_CLIENT = fileURLToPath(
  new URL('../fixtures/gkdi-server/samba-getkey.py', import.meta.url),
);

interface SambaResult {
  readonly error?: string;
  readonly hresult?: number;
  readonly flags?: number;
  readonly l0?: number;
  readonly l1?: number;
  readonly l2?: number;
  readonly root_key_id?: string;
  readonly l1_key_hex?: string;
  readonly l2_key_hex?: string;
  readonly expected_l1_key_hex?: string;
  readonly expected_l2_key_hex?: string;
  readonly domain?: string;
}

interface KeyAsk {
  readonly sd: Uint8Array;
  readonly rootKeyId?: string | null;
  readonly l0?: number;
  readonly l1?: number;
  readonly l2?: number;
}

function sambaGetKey(
  port: number,
  user: string,
  password: string,
  ask: KeyAsk,
  rootKey: DatedRootKey,
  seal = true,
): Promise<SambaResult> {
  const request = {
    port,
    user,
    domain: 'LAB',
    password,
    seal,
    sd_hex: Buffer.from(ask.sd).toString('hex'),
    root_key_id: ask.rootKeyId ?? null,
    l0: ask.l0 ?? -1,
    l1: ask.l1 ?? -1,
    l2: ask.l2 ?? -1,
    root_key: {
      id: rootKey.id,
      data_hex: Buffer.from(rootKey.rootKeyData).toString('hex'),
      kdf_param_hex: Buffer.from(rootKey.kdfParameters).toString('hex'),
    },
  };
  return new Promise((resolve, reject) => {
    const child = execFile(
      '/usr/bin/python3',
      [SAMBA_CLIENT],
      { timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`samba-getkey.py failed: ${stderr || error.message}`));
        else resolve(JSON.parse(stdout) as SambaResult);
      },
    );
    child.stdin?.end(JSON.stringify(request));
  });
}

/** GetKey with core's RPC client and NTLM at packet privacy; a minimal NDR20 stub here. */
async function coreGetKey(
  port: number,
  user: string,
  password: string,
  ask: KeyAsk,
  domain = 'LAB',
): Promise<{ hresult: number; envelope: Buffer | null }> {
  const client = await RpcClient.connect({ host: '127.0.0.1', port, timeoutMs: 15_000 });
  try {
    await client.bind(GKDI_SYNTAX, new NtlmSecurityProvider({ user, domain, password }));
    const writer = new NdrWriter().u32(ask.sd.length).u32(ask.sd.length).bytes(ask.sd).align(4);
    writer.pointer(!ask.rootKeyId);
    if (ask.rootKeyId) writer.bytes(guidToBytes(ask.rootKeyId));
    writer
      .u32(ask.l0 ?? -1)
      .u32(ask.l1 ?? -1)
      .u32(ask.l2 ?? -1);
    const reader = new NdrReader(await client.call(0, writer.toBuffer()));
    const size = reader.u32();
    const envelope = reader.pointer() ? reader.bytes(reader.count(1)) : null;
    reader.align(4);
    expect(envelope?.length ?? 0).toBe(size);
    return { hresult: reader.u32(), envelope };
  } finally {
    client.close();
  }
}

/** An SD as Windows LAPS builds it, padded with allow ACEs for SIDs nobody has, to `aces` ACEs. */
function bigTargetSd(sid: string, aces: number): Uint8Array {
  const sd = Buffer.from(targetSecurityDescriptor(sid));
  const extra: Buffer[] = [];
  for (let i = 0; i < aces - 2; i++) {
    const s = sidToBytes(`S-1-5-21-1-2-3-${100_000 + i}`);
    const ace = Buffer.alloc(8 + s.length);
    ace.writeUInt16LE(ace.length, 2);
    ace.writeUInt32LE(0x3, 4);
    Buffer.from(s).copy(ace, 8);
    extra.push(ace);
  }
  // Rebuild: header(20) | DACL (header + the two original ACEs + the extras) | owner | group.
  const daclLength = sd.readUInt16LE(22);
  const dacl = Buffer.concat([sd.subarray(20, 20 + daclLength), ...extra]);
  dacl.writeUInt16LE(dacl.length, 2);
  dacl.writeUInt16LE(aces, 4);
  const tail = sd.subarray(20 + daclLength);
  const header = Buffer.from(sd.subarray(0, 20));
  header.writeUInt32LE(20 + dacl.length, 4);
  header.writeUInt32LE(20 + dacl.length + tail.length / 2, 8);
  return Buffer.concat([header, dacl, tail]);
}

describe.skipIf(!lab)('the lab GKDI server', () => {
  const password = (user: LabUserKey): string => readSecret(user);
  const ADMIN = { name: 'Administrator', key: 'administrator' } as const;
  const HELPDESK = { name: 'helpdesk', key: 'helpdesk' } as const;
  /** Samba's python client asks the daemon (or `port`) as a lab user, with their password unless given. */
  const sambaAs = (
    user: typeof ADMIN | typeof HELPDESK,
    ask: KeyAsk,
    options: { password?: string; seal?: boolean; port?: number } = {},
  ): Promise<SambaResult> =>
    sambaGetKey(
      options.port ?? DAEMON_PORT,
      user.name,
      options.password ?? password(user.key),
      ask,
      rootKey,
      options.seal,
    );
  let rootKey: DatedRootKey;
  let domainAdminsSd: Uint8Array;
  let testGroupSd: Uint8Array;
  let testGroupDn = '';
  let server: GkdiServer | undefined;

  beforeAll(async () => {
    rootKey = await readLabRootKey();
    const ldap = labLdap();
    const domainSid = await withLabLdap(ldap, async (client) => {
      const { searchEntries } = await client.search(ldap.baseDn, {
        scope: 'base',
        attributes: ['objectSid'],
        explicitBufferAttributes: ['objectSid'],
      });
      return sidFromBytes(searchEntries[0]?.objectSid as Buffer);
    });
    domainAdminsSd = targetSecurityDescriptor(`${domainSid}-512`);
    // A group made here with helpdesk in it: membership as Samba reports it must grant the key.
    const name = `gkdi-test-${randomBytes(4).toString('hex')}`;
    testGroupDn = `CN=${name},CN=Users,${ldap.baseDn}`;
    const groupSid = await withLabLdap(ldap, async (client) => {
      await client.add(testGroupDn, {
        objectClass: ['top', 'group'],
        sAMAccountName: name,
        member: [`CN=helpdesk,CN=Users,${ldap.baseDn}`],
      });
      const { searchEntries } = await client.search(testGroupDn, {
        scope: 'base',
        attributes: ['objectSid'],
        explicitBufferAttributes: ['objectSid'],
      });
      return sidFromBytes(searchEntries[0]?.objectSid as Buffer);
    });
    testGroupSd = targetSecurityDescriptor(groupSid);
    server = await startGkdiServer({ accounts: sambaAccounts(), rootKeys: () => readRootKeys() });
  });

  /** Runs `work` against a second server whose fragments are 1432 bytes, the least MS-RPCE allows. */
  async function withSmallFragments(work: (small: GkdiServer) => Promise<void>): Promise<void> {
    const small = await startGkdiServer({
      accounts: sambaAccounts(),
      rootKeys: () => readRootKeys(),
      maxFragment: 1432,
    });
    try {
      await work(small);
    } finally {
      await small.close();
    }
  }

  afterAll(async () => {
    await server?.close();
    if (testGroupDn) {
      await withLabLdap(labLdap(), (client) => client.del(testGroupDn)).catch(() => undefined);
    }
  });

  describe("Samba's python GKDI client against the lab daemon on 49735", () => {
    it('Administrator gets for Domain Admins the seed keys Samba derives from the root key', async () => {
      const got = await sambaAs(ADMIN, { sd: domainAdminsSd });
      expect(got.hresult).toBe(0);
      expect((got.flags ?? 0) & 1).toBe(0);
      expect(got.root_key_id).toBe(rootKey.id);
      expect(got.domain).toBe('lab.test');
      expect(got.l2_key_hex).toBe(got.expected_l2_key_hex);
      expect(got.l1_key_hex).toBe(got.expected_l1_key_hex);
      expect(`${got.l1_key_hex}${got.l2_key_hex}`.length).toBeGreaterThan(0);
    });

    it('the same for a past key (2025-03-01) with the newest root key', async () => {
      const ask = { sd: domainAdminsSd, l0: 363, l1: 3, l2: 4 };
      const got = await sambaAs(ADMIN, ask);
      expect(got).toMatchObject({ hresult: 0, l0: 363, l1: 3, l2: 4 });
      expect(got.l1_key_hex).toBe(got.expected_l1_key_hex);
      expect(got.l2_key_hex).toBe(got.expected_l2_key_hex);
    });

    it('helpdesk, outside Domain Admins, gets only the public key', async () => {
      const got = await sambaAs(HELPDESK, { sd: domainAdminsSd });
      expect(got.hresult).toBe(0);
      expect((got.flags ?? 0) & 1).toBe(1);
      expect(got.l1_key_hex).toBe('');
      expect(got.l2_key_hex?.startsWith(Buffer.from('DHPB').toString('hex'))).toBe(true);
    });

    it('a wrong password fails cleanly', async () => {
      const got = await sambaAs(HELPDESK, { sd: domainAdminsSd }, { password: 'not-the-password' });
      expect(got.error).toBeDefined();
      expect(got.hresult).toBeUndefined();
    });

    it('packet integrity without privacy is refused', async () => {
      const got = await sambaAs(ADMIN, { sd: domainAdminsSd }, { seal: false });
      expect(got.error).toBeDefined();
    });

    it('reassembles a request of many fragments and sends a response of many (max fragment 1432, the least MS-RPCE allows)', async () => {
      await withSmallFragments(async (small) => {
        const got = await sambaAs(
          HELPDESK,
          { sd: bigTargetSd(`S-1-5-21-9-9-9-512`, 200) },
          { port: small.port },
        );
        expect(got.hresult).toBe(0);
        expect((got.flags ?? 0) & 1).toBe(1); // Everyone: public key only (about 1.5 KB)
        expect(small.getKeyCalls).toBe(1);
        expect(small.fragments.requests).toBeGreaterThan(2);
        expect(small.fragments.responses).toBe(2);
      });
    });
  });

  describe("core's RPC client (NTLM at packet privacy)", () => {
    it('gets from the daemon the envelope the fixture derives, and it parses', async () => {
      const { hresult, envelope } = await coreGetKey(
        DAEMON_PORT,
        'Administrator',
        password('administrator'),
        { sd: domainAdminsSd },
      );
      expect(hresult).toBe(0);
      if (!envelope) throw new Error('no envelope');
      const parsed = parseGroupKeyEnvelope(envelope);
      expect(parsed.rootKeyId).toBe(rootKey.id);
      const expected = groupKeyEnvelope({
        rootKey,
        targetSd: domainAdminsSd,
        l0: parsed.l0,
        l1: parsed.l1,
        l2: parsed.l2,
        domain: 'lab.test',
        forest: 'lab.test',
        withPrivateKey: true,
        isCurrent: true,
      });
      expect(Buffer.from(envelope).equals(Buffer.from(expected))).toBe(true);
    });

    it('helpdesk gets the private key for a group it was put in (tokenGroups), the public one otherwise', async () => {
      if (!server) throw new Error('no server');
      const before = server.getKeyCalls;
      const member = await coreGetKey(server.port, 'helpdesk', password('helpdesk'), {
        sd: testGroupSd,
      });
      expect(parseGroupKeyEnvelope(member.envelope ?? Buffer.alloc(0)).flags & 1).toBe(0);
      const outsider = await coreGetKey(server.port, 'helpdesk', password('helpdesk'), {
        sd: domainAdminsSd,
      });
      const publicOnly = outsider.envelope ?? Buffer.alloc(0);
      expect(parseGroupKeyEnvelope(publicOnly).flags & 1).toBe(1);
      const vector = dsInternalsLapsVectors()[0];
      if (!vector) throw new Error('no vector');
      const { blob } = splitLapsEncryptedValue(
        Buffer.from(vector.msLAPS_EncryptedPassword_hex, 'hex'),
      );
      expect(() => decryptWithGroupKey(blob, publicOnly)).toThrowError(NotAuthorizedToDecryptError);
      expect(server.getKeyCalls - before).toBe(2);
      expect(server.calls.slice(-2).map((call) => call.isPrivate)).toEqual([true, false]);
    });

    it('sends a fragmented request and reassembles a fragmented response', async () => {
      await withSmallFragments(async (small) => {
        const got = await coreGetKey(small.port, 'helpdesk', password('helpdesk'), {
          sd: bigTargetSd('S-1-5-21-9-9-9-512', 200),
        });
        expect(got.hresult).toBe(0);
        expect(got.envelope?.length).toBeGreaterThan(1432);
        expect(small.fragments.requests).toBeGreaterThan(2);
        expect(small.fragments.responses).toBe(2);
      });
    });

    it('answers an unknown root key with NTE_NO_KEY and a key from the future with E_INVALIDARG', async () => {
      if (!server) throw new Error('no server');
      const unknown = await coreGetKey(server.port, 'Administrator', password('administrator'), {
        sd: domainAdminsSd,
        rootKeyId: '01234567-89ab-cdef-0123-456789abcdef',
        l0: 361,
        l1: 0,
        l2: 0,
      });
      expect(unknown).toEqual({ hresult: 0x8009000d, envelope: null });
      const future = await coreGetKey(server.port, 'Administrator', password('administrator'), {
        sd: domainAdminsSd,
        l0: 9999,
        l1: 0,
        l2: 0,
      });
      expect(future).toEqual({ hresult: 0x80070057, envelope: null });
    });

    it('accepts a UPN with an empty domain, as Windows does', async () => {
      const got = await coreGetKey(
        DAEMON_PORT,
        'helpdesk@lab.test',
        password('helpdesk'),
        { sd: domainAdminsSd },
        '',
      );
      expect(got.hresult).toBe(0);
      expect(parseGroupKeyEnvelope(got.envelope ?? Buffer.alloc(0)).flags & 1).toBe(1);
    });

    it('a wrong password is an AuthenticationError', async () => {
      const failure = await coreGetKey(DAEMON_PORT, 'helpdesk', 'not-the-password', {
        sd: domainAdminsSd,
      }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AuthenticationError);
    });

    it('adds a presentation context with alter_context and calls GetKey on it, still sealed', async () => {
      const client = await RpcClient.connect({ host: '127.0.0.1', port: DAEMON_PORT });
      try {
        const user = { user: 'helpdesk', domain: 'LAB', password: password('helpdesk') };
        await client.bind(GKDI_SYNTAX, new NtlmSecurityProvider(user));
        await client.alterContext(GKDI_SYNTAX, 1);
        const sd = domainAdminsSd;
        const stub = new NdrWriter()
          .u32(sd.length)
          .u32(sd.length)
          .bytes(sd)
          .align(4)
          .pointer(true)
          .u32(-1)
          .u32(-1)
          .u32(-1)
          .toBuffer();
        const reply = await client.call(0, stub, 1);
        expect(reply.readUInt32LE(reply.length - 4)).toBe(0);
        await expect(
          client.alterContext({ ...GKDI_SYNTAX, uuid: '12345778-1234-abcd-ef00-0123456789ac' }, 2),
        ).rejects.toThrow(/does not serve interface/);
      } finally {
        client.close();
      }
    });

    it('an unauthenticated call is refused with an access-denied fault', async () => {
      const client = await RpcClient.connect({ host: '127.0.0.1', port: DAEMON_PORT });
      try {
        await client.bind(GKDI_SYNTAX);
        const failure = await client.call(0, Buffer.alloc(32)).catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(RpcFaultError);
        expect((failure as RpcFaultError).status).toBe(5);
      } finally {
        client.close();
      }
    });
  });
});
