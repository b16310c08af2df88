// Every shape of private envelope Windows hands out reaches every older key of its L0 that it
// should, and the same keys the root key gives.
import { describe, expect, it } from 'vitest';
import {
  l2FromEnvelope,
  l2FromRootKey,
  parseGroupKeyEnvelope,
  targetSecurityDescriptor,
} from '../../../../main/core/dpapi-ng/gkdi.js';
import { MalformedDataError } from '../../../../main/core/errors/laps-error.js';
import { groupKeyEnvelope } from '../../../fixtures/gkdi-server/group-key.js';
import { dsInternalsRootKey, dsVector, toHex } from './fixtures.js';

const rootKey = dsInternalsRootKey(dsVector(0).kds_root_key);
const sd = targetSecurityDescriptor('S-1-5-21-1-2-3-512');
const l0 = 361;
const envelope = (l1: number, l2: number) =>
  parseGroupKeyEnvelope(
    groupKeyEnvelope({
      rootKey,
      targetSd: sd,
      l0,
      l1,
      l2,
      domain: 'lab.test',
      forest: 'lab.test',
      withPrivateKey: true,
    }),
  );
const fromRoot = (l1: number, l2: number) =>
  toHex(l2FromRootKey('SHA512', rootKey.id, rootKey.rootKeyData, sd, l0, l1, l2));

describe('l2FromEnvelope', () => {
  for (const [el1, el2] of [
    [5, 31],
    [5, 7],
    [0, 7],
    [0, 31],
  ] as const) {
    it(`from an envelope at (${el1}, ${el2})`, () => {
      const given = envelope(el1, el2);
      for (let l1 = el1; l1 >= 0; l1--) {
        for (const l2 of [31, 8, 7, 0]) {
          if (l1 === el1 && l2 > el2) continue;
          expect(toHex(l2FromEnvelope(given, l0, l1, l2))).toBe(fromRoot(l1, l2));
        }
      }
    });
  }

  it('refuses a key newer than the envelope', () => {
    expect(() => l2FromEnvelope(envelope(5, 7), l0, 5, 8)).toThrow(MalformedDataError);
    expect(() => l2FromEnvelope(envelope(5, 7), l0, 6, 0)).toThrow(MalformedDataError);
    expect(() => l2FromEnvelope(envelope(5, 7), l0 + 1, 0, 0)).toThrow(MalformedDataError);
  });
});
