import { LAPS_ATTRIBUTES } from '../laps/attributes.js';

/** What was decrypted: the LAPS password, or a domain controller's DSRM password. */
export type DecryptedWhat = 'password' | 'dsrm';

export interface DecryptDetailInput {
  readonly what: DecryptedWhat;
  /** The current value (msLAPS-EncryptedPassword or msLAPS-EncryptedDSRMPassword) was decrypted. */
  readonly current: boolean;
  /**
   * The history attribute: how many entries were decrypted, or the one entry (by its update time,
   * ISO 8601) a password was taken from; absent when the history was not decrypted.
   */
  readonly history?: { readonly entries: number } | { readonly entryOf: string };
}

const CURRENT_ATTRIBUTE: Readonly<Record<DecryptedWhat, string>> = {
  password: LAPS_ATTRIBUTES.encryptedPassword,
  dsrm: LAPS_ATTRIBUTES.encryptedDsrmPassword,
};

const HISTORY_ATTRIBUTE: Readonly<Record<DecryptedWhat, string>> = {
  password: LAPS_ATTRIBUTES.encryptedPasswordHistory,
  dsrm: LAPS_ATTRIBUTES.encryptedDsrmPasswordHistory,
};

/**
 * The audit record's detail for a decrypted password, the same text from lapsctl and the
 * console: the attributes decrypted, e.g. "msLAPS-EncryptedPassword",
 * "msLAPS-EncryptedPassword + msLAPS-EncryptedPasswordHistory (3 entries)" or
 * "msLAPS-EncryptedDSRMPasswordHistory (entry of 2026-11-02T10:00:00.000Z)".
 */
export function decryptDetail(input: DecryptDetailInput): string {
  const parts: string[] = [];
  if (input.current) parts.push(CURRENT_ATTRIBUTE[input.what]);
  const { history } = input;
  if (history !== undefined) {
    const which =
      'entries' in history
        ? `${history.entries} ${history.entries === 1 ? 'entry' : 'entries'}`
        : `entry of ${history.entryOf}`;
    parts.push(`${HISTORY_ATTRIBUTE[input.what]} (${which})`);
  }
  return parts.join(' + ');
}
