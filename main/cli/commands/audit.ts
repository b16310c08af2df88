import { AuditLogDamagedError } from '../../core/audit/audit-errors.js';
import { readRecentAuditRecords, type AuditLogPaths } from '../../core/audit/audit-log.js';
import type { AuditRecord } from '../../core/audit/audit-record.js';
import { verifyAuditLog } from '../../core/audit/audit-verify.js';
import { writeJson, writeNote, type Output } from '../output.js';

export const DEFAULT_SHOW_LIMIT = 20;

/** Exit 0 if the log is intact; an AuditLogDamagedError (exit 8) naming the line if not. */
export async function runAuditVerify(paths: AuditLogPaths, output: Output): Promise<void> {
  const result = await verifyAuditLog(paths);
  if (!result.ok) {
    const { kind, line, message } = result.problem;
    throw new AuditLogDamagedError(
      `The audit log ${paths.log} is damaged (${kind}): ${message} Keep audit.jsonl and audit.head as evidence; to start a new log, move both aside.`,
      kind,
      line,
    );
  }
  if (output.json) {
    writeJson(output, { ok: true, records: result.records, lastHash: result.lastHash });
    return;
  }
  output.stdout.write(
    result.records === 0
      ? `${paths.log}: no records yet.\n`
      : `${paths.log}: ${result.records} record${result.records === 1 ? '' : 's'}, chain intact (last hash ${result.lastHash}).\n`,
  );
}

/** The newest `limit` records, newest last. */
export async function runAuditShow(
  paths: AuditLogPaths,
  limit: number,
  output: Output,
): Promise<void> {
  const { records, skippedLines } = await readRecentAuditRecords(paths, limit);
  if (skippedLines > 0)
    writeNote(
      output,
      `${skippedLines} line${skippedLines === 1 ? ' is' : 's are'} not audit records: run \`lapsctl audit verify\`.`,
    );
  if (output.json) {
    writeJson(output, records);
    return;
  }
  if (records.length === 0) {
    output.stdout.write(`${paths.log}: no records yet.\n`);
    return;
  }
  const actionWidth = Math.max(6, ...records.map((record) => record.action.length));
  const computerWidth = Math.max(8, ...records.map((record) => printable(record.computer).length));
  const header = `${'SEQ'.padStart(5)}  ${'TIME (UTC)'.padEnd(19)}  ${'ACTION'.padEnd(actionWidth)}  ${'COMPUTER'.padEnd(computerWidth)}  BY`;
  output.stdout.write(
    [header, ...records.map((record) => showLine(record, actionWidth, computerWidth))].join('\n') +
      '\n',
  );
}

function showLine(record: AuditRecord, actionWidth: number, computerWidth: number): string {
  const time = record.time.replace('T', ' ').replace(/\.\d{3}Z$/, '');
  const by = `${record.actor.identity} (${record.actor.osUser}, ${record.app}${record.actor.server ? `, ${record.actor.server}` : ''})`;
  const detail = record.detail === null ? '' : `  ${record.detail}`;
  return `${String(record.seq).padStart(5)}  ${time}  ${record.action.padEnd(actionWidth)}  ${printable(record.computer).padEnd(computerWidth)}  ${printable(by)}${printable(detail)}`;
}

/** Names come from the directory: control characters would drive the terminal, so show them escaped. */
function printable(text: string): string {
  return text.replace(
    /\p{Cc}/gu,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
