import { auditActorFor } from '../../core/audit/audit-actor.js';
import {
  appendAuditRecord,
  checkAuditWritable,
  type AuditLogPaths,
} from '../../core/audit/audit-log.js';
import { connectWithProfile } from '../../core/directory/connect.js';
import { setPasswordExpiration } from '../../core/directory/expiration.js';
import { UsageError } from '../../core/errors/laps-error.js';
import { fileTimeToIso } from '../../core/laps/filetime.js';
import type { ConnectionProfile } from '../../core/profiles/profile.js';
import { describeTime, isoOrNull, writeJson, type Output } from '../output.js';

// Full ISO 8601 date-time with an explicit zone, so "when" never depends on the machine's clock zone.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

export function parseWhen(text: string | undefined, now: Date): Date {
  if (text === undefined) return now;
  if (!ISO_8601.test(text))
    throw new UsageError(
      `--at takes an ISO 8601 date-time with its zone, e.g. 2026-12-01T18:00:00Z, not "${text}".`,
    );
  const when = new Date(text);
  if (Number.isNaN(when.getTime())) throw new UsageError(`"${text}" is not a valid date-time.`);
  return when;
}

export async function runExpire(
  profile: ConnectionProfile,
  computer: string,
  at: string | undefined,
  output: Output,
  signal: AbortSignal,
  auditPaths: AuditLogPaths,
): Promise<void> {
  const when = parseWhen(at, output.now);
  // The record follows the DC's confirmation; a log that cannot take it stops the change first.
  await checkAuditWritable(auditPaths, 'expire');
  const session = await connectWithProfile(profile, { signal });
  try {
    const result = await setPasswordExpiration(session, computer, when, {
      ...(profile.base !== undefined ? { base: profile.base } : {}),
      signal,
    });
    await appendAuditRecord(
      auditPaths,
      {
        action: 'expire',
        computer: result.computer.name,
        dn: result.computer.dn,
        source: result.flavours[0] ?? null,
        detail: fileTimeToIso(result.expires),
        actor: auditActorFor(profile, session),
        app: 'lapsctl',
      },
      {
        consequence: `the new expiration of ${result.computer.name} is set on the DC, but is not in the audit log`,
      },
    );
    if (output.json) {
      writeJson(output, {
        computer: result.computer.name,
        dn: result.computer.dn,
        expires: isoOrNull(result.expires),
      });
      return;
    }
    output.stdout.write(
      `${result.computer.name}: LAPS password expiration set to ${describeTime(result.expires, output.now)} (${result.flavours.join(' and ')}).\n`,
    );
  } finally {
    await session.close();
  }
}
