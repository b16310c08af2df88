import { describe, expect, it } from 'vitest';
import { decryptDetail } from '../../../../main/core/audit/decrypt-detail.js';

describe('decryptDetail, the audit detail of a decryption in both apps', () => {
  it('names the current attribute, and the history with its entry count', () => {
    expect(decryptDetail({ what: 'password', current: true })).toBe('msLAPS-EncryptedPassword');
    expect(decryptDetail({ what: 'dsrm', current: true })).toBe('msLAPS-EncryptedDSRMPassword');
    expect(decryptDetail({ what: 'password', current: true, history: { entries: 3 } })).toBe(
      'msLAPS-EncryptedPassword + msLAPS-EncryptedPasswordHistory (3 entries)',
    );
    expect(decryptDetail({ what: 'dsrm', current: false, history: { entries: 1 } })).toBe(
      'msLAPS-EncryptedDSRMPasswordHistory (1 entry)',
    );
    expect(decryptDetail({ what: 'password', current: true, history: { entries: 0 } })).toBe(
      'msLAPS-EncryptedPassword + msLAPS-EncryptedPasswordHistory (0 entries)',
    );
  });

  it('names one history entry by its update time', () => {
    expect(
      decryptDetail({
        what: 'password',
        current: false,
        history: { entryOf: '2026-11-02T10:00:00.000Z' },
      }),
    ).toBe('msLAPS-EncryptedPasswordHistory (entry of 2026-11-02T10:00:00.000Z)');
  });
});
