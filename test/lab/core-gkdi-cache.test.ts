/**
 * Core's key service client and group-key cache against the lab's GKDI server (its own instance,
 * so GetKey calls can be counted): a password history spread over many key groups decrypts with
 * at most one GetKey per (L0, L1) group, a second pass with none, a non-member gets "not
 * authorized" after a single call, and the DC's endpoint mapper (Samba) says what to do.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gkdiKeySource,
  PublicKeyOnlyError,
  type GroupKeySource,
} from '../../main/core/dpapi-ng/key-source.js';
import { decryptLapsBlob, splitLapsEncryptedValue } from '../../main/core/dpapi-ng/laps.js';
import { targetSecurityDescriptor } from '../../main/core/dpapi-ng/gkdi.js';
import { DcUnreachableError } from '../../main/core/errors/laps-error.js';
import { groupKeyIndex, protectLapsSecret } from '../../scripts/lab/dpapi-ng-protect.js';
import { sambaAccounts } from '../fixtures/gkdi-server/accounts.js';
import {
  groupKeyEnvelope,
  readRootKeys,
  type DatedRootKey,
} from '../fixtures/gkdi-server/group-key.js';
import { startGkdiServer, type GkdiServer } from '../fixtures/gkdi-server/server.js';
import { readSecret, requireLab, type LabUserKey } from './lab-env.js';

const lab = requireLab();
const DAY = 864_000_000_000n; // FILETIME ticks
const UNIX_EPOCH = 116_444_736_000_000_000n;

describe.skipIf(!lab)('group keys from the lab GKDI server, cached', () => {
  if (!lab) return;
  let server: GkdiServer;
  let rootKey: DatedRootKey;
  let values: { value: Buffer; password: string; group: string }[];

  beforeAll(async () => {
    const rootKeys = await readRootKeys();
    server = await startGkdiServer({
      accounts: sambaAccounts(),
      rootKeys: () => Promise.resolve(rootKeys),
    });
    // The root key usable the longest, so a year of history is all under it.
    const oldest = [...rootKeys].sort((a, b) => (a.useStartTime < b.useStartTime ? -1 : 1))[0];
    if (!oldest) throw new Error('the lab has no KDS root key');
    rootKey = oldest;
    const sid = lab.lapsAdmins.sid;
    const targetSd = targetSecurityDescriptor(sid);
    const now = BigInt(Date.now()) * 10_000n + UNIX_EPOCH;
    // A current password and 12 older ones, 9 days apart: several L1 groups, one L0 or two.
    values = Array.from({ length: 13 }, (_, age) => {
      const updated = now - 2n * DAY - BigInt(age) * 9n * DAY;
      const index = groupKeyIndex(updated);
      const publicEnvelope = groupKeyEnvelope({
        rootKey,
        targetSd,
        ...index,
        domain: 'lab.test',
        forest: 'lab.test',
        withPrivateKey: false,
      });
      const password = `history ${age}`;
      return {
        value: protectLapsSecret(publicEnvelope, sid, {
          account: 'Administrator',
          password,
          updated,
        }),
        password,
        group: `${index.l0}/${index.l1}`,
      };
    });
  });
  afterAll(async () => {
    await server.close();
  });

  const source = (user: LabUserKey) =>
    gkdiKeySource({
      dcHost: '127.0.0.1',
      endpoint: `127.0.0.1:${server.port}`,
      credentials: () => ({ user: lab.users[user].upn, domain: '', password: readSecret(user) }),
      timeoutMs: 10_000,
    });
  const decrypt = (value: Buffer, keys: GroupKeySource) =>
    decryptLapsBlob(splitLapsEncryptedValue(value).blob, keys);
  const decryptAll = (keys: GroupKeySource) => values.map(({ value }) => decrypt(value, keys));

  it('decrypts a 13-value history with at most one GetKey per key group, then with none', async () => {
    const keys = source('lapsadmin');
    try {
      const before = server.getKeyCalls;
      const plain = await Promise.all(decryptAll(keys));
      expect(plain.map((p) => p.password)).toEqual(values.map((v) => v.password));
      const groups = new Set(values.map((v) => v.group)).size;
      expect(groups).toBeGreaterThan(3);
      const calls = server.getKeyCalls - before;
      expect(calls).toBeGreaterThanOrEqual(1);
      expect(calls).toBeLessThanOrEqual(groups);
      for (const { value } of values) await decrypt(value, keys);
      expect(server.getKeyCalls - before).toBe(calls);
    } finally {
      keys.close();
    }
  });

  it('tells a non-member "not authorized" for the whole history after one GetKey', async () => {
    const keys = source('helpdesk');
    try {
      const before = server.getKeyCalls;
      const results = await Promise.allSettled(decryptAll(keys));
      for (const result of results) {
        expect(result.status).toBe('rejected');
        if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(PublicKeyOnlyError);
      }
      expect(server.getKeyCalls - before).toBe(1);
    } finally {
      keys.close();
    }
  });

  it('reconnects once when the server dropped an idle association', async () => {
    // A proxy in front of the server whose connections the test can cut.
    const sockets = new Set<Socket>();
    const proxy = createServer((socket) => {
      const upstream = connect({ host: '127.0.0.1', port: server.port });
      sockets.add(socket).add(upstream);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const keys = gkdiKeySource({
      dcHost: '127.0.0.1',
      endpoint: `127.0.0.1:${(proxy.address() as AddressInfo).port}`,
      credentials: () => ({ user: 'lapsadmin', domain: 'LAB', password: readSecret('lapsadmin') }),
      timeoutMs: 10_000,
    });
    const newest = values[0];
    if (!newest) throw new Error('no values');
    try {
      const before = server.getKeyCalls;
      // A key of an earlier L0 first, so the decrypt after the cut needs a GetKey of its own.
      const { l0 } = groupKeyIndex(BigInt(Date.now()) * 10_000n + UNIX_EPOCH);
      await keys.getGroupKey({
        rootKeyId: rootKey.id,
        targetSd: targetSecurityDescriptor(lab.lapsAdmins.sid),
        l0: l0 - 1,
        l1: 0,
        l2: 0,
      });
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const plain = await decrypt(newest.value, keys);
      expect(plain.password).toBe(newest.password);
      expect(server.getKeyCalls - before).toBe(2);
    } finally {
      keys.close();
      for (const socket of sockets) socket.destroy();
      proxy.close();
    }
  });

  it("says what to do when the DC's endpoint mapper serves no GKDI (Samba)", async () => {
    const keys = gkdiKeySource({
      dcHost: '127.0.0.1',
      credentials: () => ({ user: 'lapsadmin', domain: 'LAB', password: readSecret('lapsadmin') }),
      timeoutMs: 10_000,
    });
    const [first] = values;
    if (!first) throw new Error('no values');
    try {
      const attempt = decrypt(first.value, keys);
      await expect(attempt).rejects.toThrow(DcUnreachableError);
      await expect(attempt).rejects.toThrow(/gkdi-endpoint/);
    } finally {
      keys.close();
    }
  });
});
