import { describe, expect, it } from 'vitest';
import { parseDpapiNgBlob } from '../../../main/core/dpapi-ng/blob.js';
import { decryptWithRootKey } from '../../../main/core/dpapi-ng/decrypt.js';
import { parseKeyIdentifier, targetSecurityDescriptor } from '../../../main/core/dpapi-ng/gkdi.js';
import { parseLapsPlaintext, splitLapsEncryptedValue } from '../../../main/core/dpapi-ng/laps.js';
import type { LabEncrypted, LabPlainPassword } from '../../lab/lab-env.js';
import {
  groupKeyIndex,
  protectLapsSecret,
  type LapsSecret,
} from '../../../scripts/lab/dpapi-ng-protect.js';
import {
  encryptedVector,
  makeDomainControllerPlan,
  makePlan,
  type PlanInputs,
} from '../../../scripts/lab/seed-plan.js';
import { groupKeyEnvelope } from '../../fixtures/gkdi-server/group-key.js';
import { dsInternalsLapsVectors } from '../../vectors.js';
import { dsInternalsRootKey, dsVector } from '../core/dpapi-ng/fixtures.js';

// The DSInternals root key stands in for the lab's; the plan does not care whose it is.
const ROOT_KEY = dsInternalsRootKey(dsVector(0).kds_root_key);
const SID = 'S-1-5-21-1-2-3-1633';
const envelopes = new Map<string, Uint8Array>();
const protect = (secret: LapsSecret): Buffer => {
  const index = groupKeyIndex(secret.updated);
  const key = JSON.stringify(index);
  let envelope = envelopes.get(key);
  if (!envelope) {
    envelope = groupKeyEnvelope({
      rootKey: ROOT_KEY,
      targetSd: targetSecurityDescriptor(SID),
      ...index,
      domain: 'lab.test',
      forest: 'lab.test',
      withPrivateKey: false,
    });
    envelopes.set(key, envelope);
  }
  return protectLapsSecret(envelope, SID, secret);
};
const inputs: PlanInputs = {
  now: Date.parse('2026-11-23T22:00:00.000Z'),
  vectors: dsInternalsLapsVectors().map((v) => encryptedVector(v.msLAPS_EncryptedPassword_hex)),
  protect,
  authorizedSid: SID,
};

/** Decrypts one value and checks that it was made under the key of its own time. */
function open(value: Buffer | string): LabPlainPassword {
  if (typeof value === 'string') throw new Error('an encrypted value is binary');
  const { header, blob } = splitLapsEncryptedValue(value);
  const key = parseKeyIdentifier(parseDpapiNgBlob(blob).keyIdentifier);
  const payload = parseLapsPlaintext(decryptWithRootKey(blob, ROOT_KEY));
  if (payload.updated.kind !== 'time' || header.updated.kind !== 'time') throw new Error('never');
  expect(payload.updated.date).toEqual(header.updated.date);
  const ticks = BigInt(header.updated.date.getTime()) * 10_000n + 116_444_736_000_000_000n;
  expect({ l0: key.l0, l1: key.l1, l2: key.l2 }).toEqual(groupKeyIndex(ticks));
  return {
    account: payload.account,
    password: payload.password,
    updated: payload.updated.date.toISOString(),
  };
}

function checkSeries(
  encrypted: LabEncrypted,
  current: readonly (Buffer | string)[] | undefined,
  history: readonly (Buffer | string)[] | undefined,
): void {
  expect(encrypted.origin).toBe('lab');
  expect(encrypted.authorizedSid).toBe(SID);
  expect(current?.map(open)).toEqual([encrypted.current]);
  expect(encrypted.updated).toBe(encrypted.current?.updated);
  // The oracle lists history newest first, each entry older than the one before it.
  const opened = (history ?? []).map(open).sort((a, b) => b.updated.localeCompare(a.updated));
  expect(opened).toEqual(encrypted.history);
  expect(encrypted.historyCount).toBe(encrypted.history.length);
  let newer = Date.parse(encrypted.updated);
  for (const entry of encrypted.history) {
    const gap = newer - Date.parse(entry.updated);
    expect(gap).toBeGreaterThan(36 * 3_600_000);
    expect(gap).toBeLessThan(36 * 86_400_000);
    newer = Date.parse(entry.updated);
  }
}

describe('the lab seed plan, encrypted passwords', () => {
  const plan = makePlan(inputs);
  const encrypted = plan.filter((c) => c.expected.encrypted !== null);
  const lab = encrypted.filter((c) => c.expected.encrypted?.origin === 'lab');

  it('encrypts a good share in every container, with 0 to 12 history entries', () => {
    expect(lab.length).toBeGreaterThanOrEqual(60);
    expect(new Set(lab.map((c) => c.expected.ou))).toEqual(
      new Set(['workstations', 'servers', 'kiosks', 'branch', 'computers']),
    );
    const counts = new Set(lab.map((c) => c.expected.encrypted?.historyCount));
    expect([...counts].sort((a = 0, b = 0) => a - b)).toEqual([...Array(13).keys()]);
    for (const c of lab) expect(c.expected.tags).toContain('lab-encrypted');
  });

  it('every value decrypts to the oracle, under the group key of its own time', () => {
    for (const c of lab) {
      const e = c.expected.encrypted;
      if (!e) throw new Error('never');
      checkSeries(e, c.laps['msLAPS-EncryptedPassword'], c.laps['msLAPS-EncryptedPasswordHistory']);
      expect(c.laps['msLAPS-PasswordExpirationTime']).toHaveLength(1);
      expect(c.laps['msLAPS-Password']).toBeUndefined();
    }
  });

  it('keeps the Windows-made vectors on a few computers, tagged, with their own SID', () => {
    const foreign = encrypted.filter((c) => c.expected.encrypted?.origin === 'foreign-vector');
    expect(foreign.length).toBeGreaterThanOrEqual(5);
    for (const c of foreign) {
      expect(c.expected.tags).toContain('foreign-vector');
      const value = c.laps['msLAPS-EncryptedPassword']?.[0];
      if (!Buffer.isBuffer(value)) throw new Error('no blob');
      const blob = parseDpapiNgBlob(splitLapsEncryptedValue(value).blob);
      expect(blob.protectionSid).toMatch(/^S-1-5-21-\d+-\d+-\d+-512$/);
      expect(c.expected.encrypted).toMatchObject({
        authorizedSid: blob.protectionSid,
        current: null,
        history: [],
      });
    }
  });

  it('gives the DC its DSRM password (Administrator) and history', () => {
    const dc = makeDomainControllerPlan(inputs);
    expect(dc.dsrm.current?.account).toBe('Administrator');
    expect(dc.dsrm.history).toHaveLength(3);
    const laps = dc.laps as Record<string, readonly (Buffer | string)[] | undefined>;
    checkSeries(
      dc.dsrm,
      laps['msLAPS-EncryptedDSRMPassword'],
      laps['msLAPS-EncryptedDSRMPasswordHistory'],
    );
    expect(laps['msLAPS-EncryptedPassword']).toBeUndefined();
    expect(laps['msLAPS-PasswordExpirationTime']).toHaveLength(1);
  });
});
