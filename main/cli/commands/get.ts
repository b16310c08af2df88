import { auditActorFor } from '../../core/audit/audit-actor.js';
import { appendAuditRecord, type AuditLogPaths } from '../../core/audit/audit-log.js';
import { decryptDetail } from '../../core/audit/decrypt-detail.js';
import { connectWithProfile, resolvePassword } from '../../core/directory/connect.js';
import { decryptComputerLaps } from '../../core/directory/decrypt-computer.js';
import { primaryPassword, readComputerLaps } from '../../core/directory/laps-password.js';
import { createGroupKeySource } from '../../core/dpapi-ng/key-source.js';
import { AccessDeniedError, LapsError, NoLapsPasswordError } from '../../core/errors/laps-error.js';
import { LAPS_ATTRIBUTES } from '../../core/laps/attributes.js';
import type { FileTimeValue } from '../../core/laps/filetime.js';
import type { ComputerLapsState, LapsSource } from '../../core/laps/laps-state.js';
import type { LapsPasswordPayload } from '../../core/laps/password-json.js';
import type { ConnectionProfile } from '../../core/profiles/profile.js';
import { describeTime, isoOrNull, writeBlock, writeJson, type Output } from '../output.js';

const SOURCE_NAMES = {
  'windows-laps': 'Windows LAPS',
  'windows-laps-encrypted': 'Windows LAPS (encrypted)',
  legacy: 'Legacy Microsoft LAPS',
} as const;

export interface GetOptions {
  /** Add the password history (newest first). */
  readonly history: boolean;
  /** The DC's DSRM password instead of a LAPS password. */
  readonly dsrm: boolean;
  /** Where group keys come from: the key service (default) or the KDS root keys (opt-in). */
  readonly decryptWith: 'gkdi' | 'root-key';
}

/** What get shows: one password, decrypted if it was encrypted, and its history if asked. */
interface Shown {
  readonly source: LapsSource;
  readonly account: string | null;
  readonly password: string | null;
  readonly updated: FileTimeValue | null;
  readonly expires: FileTimeValue | null;
  readonly history: readonly LapsPasswordPayload[];
  readonly decrypted: boolean;
}

export async function runGet(
  profile: ConnectionProfile,
  computer: string,
  output: Output,
  signal: AbortSignal,
  auditPaths: AuditLogPaths,
  options: GetOptions,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const session = await connectWithProfile(profile, { env, signal });
  // GetKey signs in as the same user; its password is read now and held only by the key source.
  const keys = createGroupKeySource({
    profile,
    ...(profile.auth === 'simple' ? { password: await resolvePassword(profile, env) } : {}),
    dcHost: session.target.host,
    mode: options.decryptWith,
    session,
  });
  let closing: Promise<void> | undefined;
  try {
    const state = await readComputerLaps(session, computer, {
      ...(profile.base !== undefined ? { base: profile.base } : {}),
      signal,
    });
    const decrypt = (what: 'password' | 'dsrm') =>
      decryptComputerLaps(session, state.computer.dn, what, {
        history: options.history,
        keys,
      });
    let shown: Shown;
    if (options.dsrm) {
      if (!state.isDomainController)
        throw new NoLapsPasswordError(
          `${state.computer.name} (not a domain controller, so it has no DSRM password)`,
        );
      const { current, history } = await decrypt('dsrm');
      shown = { ...fromPayload(current, state), history, decrypted: true };
    } else {
      const record = primaryPassword(withDsrmHint(state));
      if (record.source === 'windows-laps-encrypted') {
        const { current, history } = await decrypt('password');
        shown = { ...fromPayload(current, state), history, decrypted: true };
      } else {
        // Clear-text flavours keep no history in the directory.
        shown = { ...record, history: [], decrypted: false };
      }
    }
    // Nothing more is asked of the DC: say goodbye while the audit record is written.
    keys.close();
    closing = session.close();
    // Recorded before anything is printed; if it cannot be, nothing is (fail closed).
    await appendAuditRecord(auditPaths, {
      action: shown.decrypted ? 'decrypt' : 'reveal',
      computer: state.computer.name,
      dn: state.computer.dn,
      source: shown.source,
      // What was decrypted, in the console's words; nothing for a clear-text password.
      detail: shown.decrypted
        ? decryptDetail({
            what: options.dsrm ? 'dsrm' : 'password',
            current: true,
            ...(options.history ? { history: { entries: shown.history.length } } : {}),
          })
        : null,
      actor: auditActorFor(profile, session),
      app: 'lapsctl',
    });
    print(output, state, shown, options);
  } finally {
    keys.close();
    await (closing ?? session.close());
  }
}

function fromPayload(
  payload: LapsPasswordPayload,
  state: ComputerLapsState,
): Omit<Shown, 'history' | 'decrypted'> {
  return {
    source: 'windows-laps-encrypted',
    account: payload.account,
    password: payload.password,
    updated: payload.updated,
    expires: state.windowsLapsExpires,
  };
}

/**
 * A DC's Windows LAPS password is its DSRM password (msLAPS-PasswordExpirationTime is its
 * expiration): say so, and where it is, rather than "none" or "a hidden Windows LAPS password".
 */
function withDsrmHint(state: ComputerLapsState): ComputerLapsState {
  if (state.records.length > 0 || !state.isDomainController) return state;
  const { name } = state.computer;
  if (state.dsrm !== null)
    throw new LapsError(
      'no-laps-password',
      `${name} is a domain controller: it has no LAPS password but a DSRM password, which lapsctl get --dsrm shows.`,
    );
  if (state.hiddenSources.includes('windows-laps'))
    throw new AccessDeniedError(
      `${name} is a domain controller with a DSRM password that you may not read: reading it needs "Read property" and "Control access" on ${LAPS_ATTRIBUTES.encryptedDsrmPassword}; ask a directory admin.`,
    );
  if (state.hiddenSources.length > 0) return state;
  throw new LapsError(
    'no-laps-password',
    `${name} is a domain controller with no DSRM password in the directory: check that a LAPS policy backs it up (BackupDirectory Active Directory, ADBackupDSRMPassword).`,
  );
}

function print(output: Output, state: ComputerLapsState, shown: Shown, options: GetOptions): void {
  const history = shown.history.map((entry) => ({
    account: entry.account,
    password: entry.password,
    updated: isoOrNull(entry.updated),
  }));
  if (output.json) {
    writeJson(output, {
      computer: state.computer.name,
      dn: state.computer.dn,
      source: shown.source,
      ...(options.dsrm ? { dsrm: true } : {}),
      account: shown.account,
      password: shown.password,
      updated: isoOrNull(shown.updated),
      expires: isoOrNull(shown.expires),
      ...(options.history ? { history } : {}),
    });
    return;
  }
  writeBlock(output, [
    ['Computer', state.computer.name + (state.computer.isDisabled ? ' (account disabled)' : '')],
    ['DN', state.computer.dn],
    ['Source', SOURCE_NAMES[shown.source] + (options.dsrm ? ', DSRM password' : '')],
    ['Account', shown.account ?? '—'],
    ['Password', shown.password ?? '—'],
    ['Updated', describeTime(shown.updated, output.now)],
    ['Expires', describeTime(shown.expires, output.now)],
    ...(options.history
      ? shown.history.length === 0
        ? [['History', '(none)'] as const]
        : shown.history.map(
            (entry, i) =>
              [
                i === 0 ? 'History' : '',
                `${entry.password}  (${entry.account}, ${describeTime(entry.updated, output.now)})`,
              ] as const,
          )
      : []),
  ]);
}
