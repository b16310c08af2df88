import type { Entry } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { MalformedDataError } from '../../../../main/core/errors/laps-error.js';
import { readLapsState } from '../../../../main/core/laps/laps-state.js';
import { dsInternalsLapsVectors } from '../../../vectors.js';

const value = (index: number): Buffer => {
  const vector = dsInternalsLapsVectors()[index];
  if (!vector) throw new Error(`no vector ${index}`);
  return Buffer.from(vector.msLAPS_EncryptedPassword_hex, 'hex');
};

const entry = (attributes: Record<string, string | Buffer[] | string[]>): Entry => ({
  dn: 'CN=X,DC=lab,DC=test',
  cn: 'X',
  ...attributes,
});

describe('readLapsState, encrypted values read without a key', () => {
  it('names the authorized SID from the protection descriptor and counts the history', () => {
    const state = readLapsState(
      entry({
        'msLAPS-EncryptedPassword': [value(0)],
        'msLAPS-EncryptedPasswordHistory': [value(1), value(0)],
        userAccountControl: '4096',
      }),
    );
    expect(state.isDomainController).toBe(false);
    expect(state.dsrm).toBeNull();
    expect(state.records).toHaveLength(1);
    const [record] = state.records;
    expect(record?.source).toBe('windows-laps-encrypted');
    expect(record?.encryption).toEqual({
      authorizedSid: expect.stringMatching(/^S-1-5-21-\d+-\d+-\d+-\d+$/) as string,
      authorizedName: null,
      historyCount: 2,
    });
  });

  it('reads a DC: SERVER_TRUST_ACCOUNT and its DSRM password', () => {
    const state = readLapsState(
      entry({
        userAccountControl: String(0x2000 | 0x80000),
        'msLAPS-EncryptedDSRMPassword': [value(0)],
      }),
    );
    expect(state.isDomainController).toBe(true);
    expect(state.records).toEqual([]);
    expect(state.dsrm?.historyCount).toBe(0);
    expect(state.dsrm?.updated?.kind).toBe('time');
  });

  it("on a DC, the expiration is the DSRM password's when that is visible, else a hidden one", () => {
    const dc = {
      userAccountControl: String(0x2000 | 0x80000),
      'msLAPS-PasswordExpirationTime': '134100000000000000',
    };
    const withDsrm = readLapsState(entry({ ...dc, 'msLAPS-EncryptedDSRMPassword': [value(0)] }));
    expect(withDsrm.hiddenSources).toEqual([]);
    expect(withDsrm.windowsLapsExpires?.kind).toBe('time');
    // A reader who may not read the DSRM password sees only the expiration: something is hidden.
    expect(readLapsState(entry(dc)).hiddenSources).toEqual(['windows-laps']);
    // A member server's expiration without a password is a hidden Windows LAPS password.
    expect(
      readLapsState(
        entry({ ...dc, userAccountControl: '4096', 'msLAPS-EncryptedDSRMPassword': [value(0)] }),
      ).hiddenSources,
    ).toEqual(['windows-laps']);
  });

  it('reports a corrupt blob behind a good header as malformed, naming the attribute', () => {
    const bad = Buffer.from(value(0));
    bad[20] = (bad[20] ?? 0) ^ 0xff;
    expect(() => readLapsState(entry({ 'msLAPS-EncryptedPassword': [bad] }))).toThrow(
      MalformedDataError,
    );
    expect(() => readLapsState(entry({ 'msLAPS-EncryptedPassword': [bad] }))).toThrow(
      /msLAPS-EncryptedPassword on X/,
    );
  });
});
