import { readAuditLogSnapshot, type AuditHead, type AuditLogPaths } from './audit-log.js';
import type { AuditLockOptions } from './audit-lock.js';
import {
  GENESIS_HASH,
  hashRecord,
  parseRecordLine,
  serializeRecord,
  type AuditRecord,
} from './audit-record.js';

/**
 * What a damaged log shows, at the first line where it shows:
 * - edited: a line no longer matches its hash, is no longer written as the writer writes it,
 *   or was replaced by one with a fresh hash that the next line (or the head) does not chain to;
 * - removed: records are missing (seq jumps ahead, or the log ends before the head says);
 * - reordered: a record is where another belongs, and that one comes later;
 * - inserted: a line the chain goes around (the next line continues from the line before it),
 *   or one that repeats an earlier seq;
 * - unparsable: not a JSON object (a middle line, or audit.head);
 * - truncated: the last line has no line break: a write was cut, or the file was;
 * - unconfirmed: more than one record past what audit.head confirms (or no head at all).
 */
export type AuditProblemKind =
  'edited' | 'removed' | 'reordered' | 'inserted' | 'unparsable' | 'truncated' | 'unconfirmed';

export interface AuditProblem {
  readonly kind: AuditProblemKind;
  /** 1-based line of audit.jsonl; null for a problem of audit.head itself. */
  readonly line: number | null;
  readonly message: string;
}

export type AuditVerifyResult =
  | { readonly ok: true; readonly records: number; readonly lastHash: string }
  /** `records`: the lines found intact before the problem. */
  | { readonly ok: false; readonly records: number; readonly problem: AuditProblem };

export async function verifyAuditLog(
  paths: AuditLogPaths,
  options: { readonly lock?: AuditLockOptions } = {},
): Promise<AuditVerifyResult> {
  const { text, head } = await readAuditLogSnapshot(paths, options);
  return verifyAuditChain(text, head);
}

/**
 * Checks every line's hash and its link to the line before, then the end against audit.head.
 *
 * What this can and cannot show. The chain has no key: anyone who can write the file can
 * recompute every hash from an edited line on, and write a matching head; the chain shows
 * accidental damage and edits by hand or by tools unaware of it, not a determined rewrite (for
 * that, keep `lastHash` somewhere else and check that it is still the hash of its record).
 * Lines cut off the end leave a chain that still verifies: only audit.head, written under the
 * same lock after each record, shows that. The head may lag one record behind (a writer
 * stopped between its two writes), so one well-formed record added at the end cannot be told
 * from a real one.
 */
export function verifyAuditChain(
  text: string,
  head: AuditHead | null | 'damaged',
): AuditVerifyResult {
  const isTerminated = text === '' || text.endsWith('\n');
  const lines = text === '' ? [] : (isTerminated ? text.slice(0, -1) : text).split('\n');
  const parsed = lines.map(parseRecordLine);
  const intactAt = (index: number): AuditRecord | undefined => {
    const line = parsed[index];
    return line && 'record' in line && isSelfConsistent(line.record, lines[index] ?? '')
      ? line.record
      : undefined;
  };
  const headSeq = head === 'damaged' ? 0 : (head?.seq ?? 0);
  const headHash = head === 'damaged' ? GENESIS_HASH : (head?.hash ?? GENESIS_HASH);
  let prevHash = GENESIS_HASH;
  for (const [index, line] of parsed.entries()) {
    const lineNo = index + 1;
    const seq = lineNo;
    const fail = (kind: AuditProblemKind, at: number, message: string): AuditVerifyResult => ({
      ok: false,
      records: at - 1,
      problem: { kind, line: at, message },
    });
    if (!isTerminated && index === parsed.length - 1)
      return fail(
        'truncated',
        lineNo,
        `line ${lineNo}, the last, is cut short (it has no line break): a write was interrupted or the file was cut.`,
      );
    if ('unparsable' in line)
      return fail(
        'unparsable',
        lineNo,
        `line ${lineNo} is not an audit record: ${line.unparsable}.`,
      );
    const next = intactAt(index + 1);
    // The chain goes around this line: the next one continues from the line before it (unless
    // the two are swapped, or the next one is a copy of this one, which the next line reports).
    if (
      next !== undefined &&
      next.seq === seq &&
      next.prev === prevHash &&
      !('record' in line && (line.record.prev === next.hash || line.record.hash === next.hash))
    )
      return fail(
        'inserted',
        lineNo,
        `line ${lineNo} was inserted: line ${lineNo + 1} continues the chain from line ${lineNo - 1}.`,
      );
    if ('malformed' in line)
      return fail('edited', lineNo, `line ${lineNo} was edited: ${line.malformed}.`);
    const { record } = line;
    if (!isSelfConsistent(record, lines[index] ?? ''))
      return fail('edited', lineNo, `line ${lineNo} was edited: it no longer matches its hash.`);
    if (record.seq > seq) {
      const movedTo = parsed.findIndex(
        (later, laterIndex) => laterIndex > index && 'record' in later && later.record.seq === seq,
      );
      return movedTo >= 0
        ? fail(
            'reordered',
            lineNo,
            `line ${lineNo} holds record ${record.seq}, but record ${seq} belongs there (it is on line ${movedTo + 1}): lines were moved.`,
          )
        : fail(
            'removed',
            lineNo,
            `${record.seq - seq === 1 ? `record ${seq} is` : `records ${seq} to ${record.seq - 1} are`} missing before line ${lineNo}: lines were removed.`,
          );
    }
    if (record.seq < seq)
      return fail(
        'inserted',
        lineNo,
        `line ${lineNo} repeats record ${record.seq}: it was inserted or copied.`,
      );
    if (record.prev !== prevHash) {
      if (index === 0)
        return fail(
          'edited',
          1,
          'line 1 does not start the chain (its prev is not 64 zeros): the log was cut at the start and rewritten.',
        );
      // Either this line was replaced, or the one before was (each with a fresh hash): what
      // follows this line (the next line, or the head) tells which.
      const isFollowed =
        next !== undefined
          ? next.prev === record.hash
          : headSeq === seq && headHash === record.hash;
      const replaced = isFollowed ? lineNo - 1 : lineNo;
      return fail(
        'edited',
        replaced,
        `line ${replaced} was replaced by one with a recomputed hash: ${isFollowed ? `line ${lineNo} chains to another hash` : `line ${lineNo + 1} or audit.head does not chain to it`}.`,
      );
    }
    prevHash = record.hash;
  }
  const records = parsed.length;
  const fail = (kind: AuditProblemKind, line: number | null, message: string) =>
    ({
      ok: false,
      records: line === null ? records : Math.min(records, line - 1),
      problem: { kind, line, message },
    }) as const;
  if (head === 'damaged') return fail('unparsable', null, 'audit.head is not an audit head.');
  if (headSeq > records)
    return fail(
      'removed',
      records + 1,
      `the log ends at record ${records}, but audit.head says ${headSeq}: the last ${headSeq - records === 1 ? 'line was' : `${headSeq - records} lines were`} removed.`,
    );
  const hashAtHead = headSeq === 0 ? GENESIS_HASH : intactAt(headSeq - 1)?.hash;
  if (hashAtHead !== headHash)
    return headSeq === 0
      ? fail('unparsable', null, 'audit.head names record 0 with a hash that is not 64 zeros.')
      : fail(
          'edited',
          headSeq,
          `line ${headSeq} is not the record audit.head names: it was replaced by one with a recomputed hash.`,
        );
  if (records - headSeq > 1)
    return fail(
      'unconfirmed',
      headSeq + 1,
      head === null
        ? `audit.head is missing, yet the log has ${records} records: it was deleted, or lines were added by something other than lapsctl or LAPS Console.`
        : `audit.head confirms records up to ${headSeq} only: lines ${headSeq + 1} to ${records} were added by something other than lapsctl or LAPS Console.`,
    );
  return { ok: true, records, lastHash: prevHash };
}

/** The line matches its hash and is byte for byte what the writer writes (no key moved, no space). */
function isSelfConsistent(record: AuditRecord, line: string): boolean {
  return hashRecord(record) === record.hash && serializeRecord(record) === line;
}
