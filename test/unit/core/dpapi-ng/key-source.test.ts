// The group-key cache: a password history spread over a few key groups costs one key request
// per group, lower L2s derive locally, and a public-only answer is remembered as "not authorized".
import { describe, expect, it } from 'vitest';
import {
  CachedGroupKeySource,
  createGroupKeySource,
  PublicKeyOnlyError,
  ntlmCredentialsOf,
  rootKeySource,
  type GroupKeyRequest,
  windowsKeySource,
  WindowsDecryptUnavailableError,
} from '../../../../main/core/dpapi-ng/key-source.js';
import { WindowsNativeUnavailableError } from '../../../../main/core/dpapi-ng/windows-native.js';
import { decryptLapsBlob, splitLapsEncryptedValue } from '../../../../main/core/dpapi-ng/laps.js';
import { targetSecurityDescriptor } from '../../../../main/core/dpapi-ng/gkdi.js';
import {
  NotAuthorizedToDecryptError,
  UsageError,
} from '../../../../main/core/errors/laps-error.js';
import { groupKeyIndex, protectLapsSecret } from '../../../../scripts/lab/dpapi-ng-protect.js';
import { groupKeyEnvelope } from '../../../fixtures/gkdi-server/group-key.js';
import { dsInternalsRootKey, dsVector } from './fixtures.js';

const rootKey = dsInternalsRootKey(dsVector(0).kds_root_key);
const SID = 'S-1-5-21-1-2-3-1105';
const names = { domain: 'lab.test', forest: 'lab.test' };
const HOUR = 36_000_000_000n; // FILETIME ticks
const now = 134_000_000_000_000_000n;

const envelope = (request: GroupKeyRequest, withPrivateKey: boolean): Uint8Array =>
  groupKeyEnvelope({ rootKey, ...request, ...names, withPrivateKey });

/** A current password and 12 older ones, a week apart, each under its own time's group key. */
const values = Array.from({ length: 13 }, (_, age) => {
  const updated = now - BigInt(age) * 7n * 24n * HOUR;
  const index = groupKeyIndex(updated);
  const request = { rootKeyId: rootKey.id, targetSd: targetSecurityDescriptor(SID), ...index };
  const value = protectLapsSecret(envelope(request, false), SID, {
    account: 'Administrator',
    password: `password ${age}`,
    updated,
  });
  return { value, index };
});

function counting(withPrivateKey: boolean) {
  const calls: GroupKeyRequest[] = [];
  // The clock stands at the newest password's time, so its L1 is the current one.
  const source = new CachedGroupKeySource(
    async (request) => {
      calls.push(request);
      await new Promise((resolve) => setTimeout(resolve, 1));
      return envelope(request, withPrivateKey);
    },
    undefined,
    () => Number((now - 116_444_736_000_000_000n) / 10_000n),
  );
  return { calls, source };
}

describe('CachedGroupKeySource', () => {
  it('makes one request per L0 across a whole history read newest first, in parallel too', async () => {
    const groups = new Set(values.map(({ index }) => `${index.l0}/${index.l1}`));
    const l0s = new Set(values.map(({ index }) => index.l0));
    expect(groups.size).toBeGreaterThan(2);
    const { calls, source } = counting(true);
    // Newest first, as a history is read: the first blob of a group brings its highest L2.
    const plain = await Promise.all(
      values.map(({ value }) => decryptLapsBlob(splitLapsEncryptedValue(value).blob, source)),
    );
    expect(plain.map((p) => p.password)).toEqual(values.map((_, age) => `password ${age}`));
    expect(calls).toHaveLength(l0s.size);
    // Again: all from the cache.
    for (const { value } of values)
      await decryptLapsBlob(splitLapsEncryptedValue(value).blob, source);
    expect(calls).toHaveLength(l0s.size);
  });

  it('read oldest first, asks at most once per (L0, L1) group', async () => {
    const groups = new Set(values.map(({ index }) => `${index.l0}/${index.l1}`));
    const { calls, source } = counting(true);
    for (const { value } of [...values].reverse())
      await decryptLapsBlob(splitLapsEncryptedValue(value).blob, source);
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.length).toBeLessThanOrEqual(groups.size);
  });

  it('fetches again only when a later key of a cached L0 is asked for', async () => {
    const { calls, source } = counting(true);
    const sd = targetSecurityDescriptor(SID);
    const ask = (l2: number) =>
      source.getGroupKey({ rootKeyId: rootKey.id, targetSd: sd, l0: 400, l1: 3, l2 });
    await ask(5);
    await ask(2);
    expect(calls).toHaveLength(1);
    await ask(9);
    await ask(7);
    expect(calls.map((c) => c.l2)).toEqual([5, 9]);
    await source.getGroupKey({ rootKeyId: rootKey.id, targetSd: sd, l0: 400, l1: 1, l2: 30 });
    expect(calls).toHaveLength(2);
  });

  it('answers synchronously from the cache only what getGroupKey would answer at once', async () => {
    const { source } = counting(true);
    const sd = targetSecurityDescriptor(SID);
    const request = { rootKeyId: rootKey.id, targetSd: sd, l0: 400, l1: 3, l2: 5 };
    expect(source.cachedGroupKey(request)).toBeUndefined();
    const bytes = await source.getGroupKey(request);
    expect(source.cachedGroupKey(request)).toBe(bytes);
    expect(source.cachedGroupKey({ ...request, l2: 2 })).toBe(bytes);
    // A later key of the L0, another L0, another SD or root key: not held.
    expect(source.cachedGroupKey({ ...request, l2: 9 })).toBeUndefined();
    expect(source.cachedGroupKey({ ...request, l0: 401 })).toBeUndefined();
    expect(
      source.cachedGroupKey({ ...request, targetSd: targetSecurityDescriptor(`${SID}1`) }),
    ).toBeUndefined();
    expect(
      source.cachedGroupKey({ ...request, rootKeyId: '00000000-0000-0000-0000-000000000000' }),
    ).toBeUndefined();
    // The same root key in capitals is the same key (and the same SD bytes in a new object).
    expect(
      source.cachedGroupKey({
        ...request,
        rootKeyId: rootKey.id.toUpperCase(),
        targetSd: Uint8Array.from(sd),
      }),
    ).toBe(bytes);
  });

  it('remembers a public-only answer as not authorized, for every group of that SD', async () => {
    const { calls, source } = counting(false);
    const results = await Promise.allSettled(
      values.map(({ value }) => decryptLapsBlob(splitLapsEncryptedValue(value).blob, source)),
    );
    for (const result of results) {
      expect(result.status).toBe('rejected');
      if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(PublicKeyOnlyError);
    }
    expect(calls).toHaveLength(1);
  });
});

describe('rootKeySource', () => {
  it('derives every key of a history from the root key, once per group', async () => {
    let reads = 0;
    const source = rootKeySource(() => {
      reads++;
      return Promise.resolve([rootKey]);
    });
    for (const [age, { value }] of values.entries())
      expect((await decryptLapsBlob(splitLapsEncryptedValue(value).blob, source)).password).toBe(
        `password ${age}`,
      );
    expect(reads).toBe(1);
  });

  it('names the root key it does not have', async () => {
    const source = rootKeySource(() => Promise.resolve([]));
    const [first] = values;
    if (!first) throw new Error('no values');
    const attempt = decryptLapsBlob(splitLapsEncryptedValue(first.value).blob, source);
    await expect(attempt).rejects.toThrow(NotAuthorizedToDecryptError);
    await expect(attempt).rejects.toThrow(rootKey.id);
  });
});

describe('createGroupKeySource', () => {
  const onPlatform = <T>(platform: NodeJS.Platform, run: () => T): T => {
    const original = Object.getOwnPropertyDescriptor(process, 'platform');
    Object.defineProperty(process, 'platform', { value: platform });
    try {
      return run();
    } finally {
      if (original) Object.defineProperty(process, 'platform', original);
    }
  };

  it('has Windows decrypt whole blobs for a Kerberos profile on Windows only', () => {
    const kerberos = { profile: { auth: 'kerberos' as const }, dcHost: 'dc1' };
    expect(onPlatform('win32', () => createGroupKeySource(kerberos)).unprotect).toBeDefined();
    expect(onPlatform('linux', () => createGroupKeySource(kerberos)).unprotect).toBeUndefined();
    const simple = {
      profile: { auth: 'simple' as const, user: 'a@b' },
      password: 'pw',
      dcHost: 'dc1',
    };
    expect(onPlatform('win32', () => createGroupKeySource(simple)).unprotect).toBeUndefined();
  });

  it('says what to do when Windows-native decryption cannot load for a Kerberos profile', async () => {
    const failing = windowsKeySource(() =>
      Promise.reject(new WindowsNativeUnavailableError('koffi did not load.')),
    );
    const error: unknown = await failing.unprotect?.(Uint8Array.of(0x30)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WindowsDecryptUnavailableError);
    const typed = error as WindowsDecryptUnavailableError;
    expect(typed.code).toBe('usage');
    expect(typed.message).toContain('koffi did not load');
    expect(typed.message).toContain('--auth simple');
    expect(typed.message).toContain('--decrypt-with root-key');
    expect(typed.cause).toBeInstanceOf(WindowsNativeUnavailableError);
    // Any other failure (a blob for another group, say) is Windows' own answer, passed on as is.
    const other = new NotAuthorizedToDecryptError('not in the group');
    const refusing = windowsKeySource(() => Promise.reject(other));
    await expect(refusing.unprotect?.(Uint8Array.of(0x30))).rejects.toBe(other);
    const working = windowsKeySource(() => Promise.resolve(Uint8Array.of(1)));
    await expect(working.unprotect?.(Uint8Array.of(0x30))).resolves.toEqual(Uint8Array.of(1));
  });

  it('decryptLapsBlob hands the blob to a source that decrypts whole blobs', async () => {
    const [first] = values;
    if (!first) throw new Error('no values');
    const blob = splitLapsEncryptedValue(first.value).blob;
    const seen: Uint8Array[] = [];
    const payload = await decryptLapsBlob(blob, {
      getGroupKey: () => Promise.reject(new Error('not asked')),
      unprotect: (given) => {
        seen.push(given);
        return Promise.resolve(Buffer.from('{"n":"a","t":"1d8c1ab0bda5c00","p":"b"}\0', 'utf16le'));
      },
      close: () => undefined,
    });
    expect(payload.password).toBe('b');
    expect(seen).toEqual([blob]);
  });
});

describe('ntlmCredentialsOf', () => {
  it('splits DOMAIN\\user, keeps a UPN whole, and refuses Kerberos with what to do', () => {
    expect(ntlmCredentialsOf({ auth: 'simple', user: 'LAB\\ann' }, 'pw')).toEqual({
      domain: 'LAB',
      user: 'ann',
      password: 'pw',
    });
    expect(ntlmCredentialsOf({ auth: 'simple', user: 'ann@lab.test' }, 'pw')).toEqual({
      domain: '',
      user: 'ann@lab.test',
      password: 'pw',
    });
    expect(() => ntlmCredentialsOf({ auth: 'kerberos' }, undefined)).toThrow(/Kerberos/);
    expect(() => ntlmCredentialsOf({ auth: 'simple', user: 'ann' }, '')).toThrow(UsageError);
  });
});
