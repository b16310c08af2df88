import { auditActorFor } from '../../core/audit/audit-actor.js';
import { appendAuditRecord, type AuditLogPaths } from '../../core/audit/audit-log.js';
import { connectWithProfile, resolvePassword } from '../../core/directory/connect.js';
import { decryptComputerLaps } from '../../core/directory/decrypt-computer.js';
import { primaryPassword, readComputerLaps } from '../../core/directory/laps-password.js';
import { createGroupKeySource } from '../../core/dpapi-ng/key-source.js';
import { NoLapsPasswordError } from '../../core/errors/laps-error.js';
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
      detail:
        [options.dsrm ? 'dsrm' : '', options.history ? 'history' : ''].filter(Boolean).join('+') ||
        null,
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
 * A DC keeps its LAPS password as a DSRM password (its expiration time is the DC's own): say
 * where it is rather than "none" or "hidden".
 */
function withDsrmHint(state: ComputerLapsState): ComputerLapsState {
  if (state.records.length > 0 || !state.isDomainController) return state;
  throw new NoLapsPasswordError(
    `${state.computer.name} (a domain controller: its DSRM password is shown with --dsrm)`,
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
