// What the console's handlers need from the outside world, as interfaces: main/app implements
// them with Electron (safeStorage, clipboard), the test host with plain Node.
import type { AuditEvent, AuditRecord } from '../audit/audit-record.js';
import type { AuditVerifyResult } from '../audit/audit-verify.js';
import type { ComputerSearchHit } from '../directory/computers.js';
import type { ExpirationResult } from '../directory/expiration.js';
import type { DecryptedLaps } from '../laps/decrypted.js';
import type { ComputerLapsState } from '../laps/laps-state.js';
import type { ConnectionProfile } from '../profiles/profile.js';
import type { ConsoleSettings } from '../../../shared/ipc/contract.js';

/** Who is asking: one key per window (Electron's webContents id; the test host's page id). */
export interface Caller {
  readonly windowKey: string;
}

/** Saved bind passwords, encrypted at rest by the OS (Electron's safeStorage). */
export interface SecretStore {
  get(profileName: string): Promise<string | undefined>;
  /** Throws SecretStoreUnavailableError where the OS cannot protect it; never stores plain text. */
  set(profileName: string, secret: string): Promise<void>;
  delete(profileName: string): Promise<void>;
  has(profileName: string): Promise<boolean>;
}

/** The system clipboard's text. */
export interface ClipboardPort {
  readText(): Promise<string>;
  writeText(text: string): Promise<void>;
}

export interface SettingsStore {
  get(): Promise<ConsoleSettings>;
  set(settings: ConsoleSettings): Promise<ConsoleSettings>;
}

/** profiles.json, shared with lapsctl. */
export interface ProfileRepository {
  list(): Promise<ReadonlyMap<string, ConnectionProfile>>;
  /** Throws UsageError when there is no such profile. */
  get(name: string): Promise<ConnectionProfile>;
  save(name: string, profile: ConnectionProfile): Promise<void>;
  /** false when there was no such profile. */
  delete(name: string): Promise<boolean>;
}

/** Appends one event to the audit log; throws (and the action is refused) when it cannot. */
export type AuditRecorder = (event: AuditEvent) => Promise<void>;

/** Reads the same audit log back, for the viewer. */
export interface AuditLogReader {
  /** The last `limit` lines' records, oldest first, and how many of those lines were not records. */
  recent(
    limit: number,
  ): Promise<{ readonly records: readonly AuditRecord[]; readonly skippedLines: number }>;
  /** Checks the whole chain and the head. */
  verify(): Promise<AuditVerifyResult>;
}

export interface DirectoryInfo {
  readonly server: string;
  readonly defaultNamingContext: string;
  readonly dnsHostName: string | null;
}

/** One bound directory connection, with the operations the console performs on it. */
export interface DirectoryLink {
  readonly server: string;
  describe(): Promise<DirectoryInfo>;
  /** Aborting the signal cancels the search and drops this link's connection. */
  search(
    text: string,
    options: { base?: string; limit: number; signal: AbortSignal },
  ): Promise<ComputerSearchHit[]>;
  read(dn: string, options: { base?: string }): Promise<ComputerLapsState>;
  setExpiration(dn: string, when: Date, options: { base?: string }): Promise<ExpirationResult>;
  /**
   * Decrypts a computer's encrypted Windows LAPS password ('password') or a DC's DSRM password
   * ('dsrm') through the key service, as the signed-in account; the history (newest first)
   * only when asked, since each old value may need a key of its own.
   */
  decrypt(
    dn: string,
    what: DecryptTarget,
    options: { base?: string; history: boolean },
  ): Promise<DecryptedLaps>;
  close(): Promise<void>;
}

export type DecryptTarget = 'password' | 'dsrm';

export interface DirectoryPort {
  /** Connects as the profile says; `password` (a saved or draft one) replaces its file/env. */
  open(
    profile: ConnectionProfile,
    options: { password?: string; signal?: AbortSignal },
  ): Promise<DirectoryLink>;
}

/** Opens a URL in the system browser (Electron's shell.openExternal): sign-in and consent pages. */
export interface ExternalBrowser {
  open(url: string): Promise<void>;
}
