import type { LapsPasswordPayload } from './password-json.js';

/** A decrypted Windows LAPS password (or DSRM password) and, when asked for, its history. */
export interface DecryptedLaps {
  readonly current: LapsPasswordPayload;
  /** Newest first; [] unless the history was asked for. */
  readonly history: readonly LapsPasswordPayload[];
}
