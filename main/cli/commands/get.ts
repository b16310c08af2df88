import { auditActorFor } from '../../core/audit/audit-actor.js';
import { appendAuditRecord, type AuditLogPaths } from '../../core/audit/audit-log.js';
import { connectWithProfile } from '../../core/directory/connect.js';
import { primaryPassword, readComputerLaps } from '../../core/directory/laps-password.js';
import type { ConnectionProfile } from '../../core/profiles/profile.js';
import {
  describeTime,
  isoOrNull,
  writeBlock,
  writeJson,
  writeNote,
  type Output,
} from '../output.js';

const SOURCE_NAMES = {
  'windows-laps': 'Windows LAPS',
  'windows-laps-encrypted': 'Windows LAPS (encrypted)',
  legacy: 'Legacy Microsoft LAPS',
} as const;

export async function runGet(
  profile: ConnectionProfile,
  computer: string,
  output: Output,
  signal: AbortSignal,
  auditPaths: AuditLogPaths,
): Promise<void> {
  const session = await connectWithProfile(profile, { signal });
  let closing: Promise<void> | undefined;
  try {
    const state = await readComputerLaps(session, computer, {
      ...(profile.base !== undefined ? { base: profile.base } : {}),
      signal,
    });
    const record = primaryPassword(state);
    // Nothing more is asked of the DC: say goodbye while the audit record is written.
    closing = session.close();
    // Recorded before anything is printed; if it cannot be, nothing is (fail closed). An
    // encrypted password is not shown, so it is no reveal.
    if (record.password !== null) {
      await appendAuditRecord(auditPaths, {
        action: 'reveal',
        computer: state.computer.name,
        dn: state.computer.dn,
        source: record.source,
        detail: null,
        actor: auditActorFor(profile, session),
        app: 'lapsctl',
      });
    }
    if (record.source === 'windows-laps-encrypted') {
      writeNote(
        output,
        `the password of ${state.computer.name} is encrypted (msLAPS-EncryptedPassword); this version of lapsctl detects it but cannot decrypt it yet.`,
      );
    }
    if (output.json) {
      writeJson(output, {
        computer: state.computer.name,
        dn: state.computer.dn,
        source: record.source,
        account: record.account,
        password: record.password,
        updated: isoOrNull(record.updated),
        expires: isoOrNull(record.expires),
      });
      return;
    }
    writeBlock(output, [
      ['Computer', state.computer.name + (state.computer.isDisabled ? ' (account disabled)' : '')],
      ['DN', state.computer.dn],
      ['Source', SOURCE_NAMES[record.source]],
      ['Account', record.account ?? '—'],
      ['Password', record.password ?? '(encrypted)'],
      ['Updated', describeTime(record.updated, output.now)],
      ['Expires', describeTime(record.expires, output.now)],
    ]);
  } finally {
    await (closing ?? session.close());
  }
}
