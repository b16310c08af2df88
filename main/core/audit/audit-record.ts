import { createHash } from 'node:crypto';
import type { LapsSource } from '../laps/laps-state.js';

/**
 * What the audit log records. Every action that shows a password or changes one is a line;
 * nothing else is (a search, or an encrypted password that is not shown, is no reveal).
 */
export const AUDIT_ACTIONS = ['reveal', 'copy', 'expire', 'decrypt', 'rotate', 'export'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_APPS = ['lapsctl', 'console'] as const;
export type AuditApp = (typeof AUDIT_APPS)[number];

/** Where the password acted on lives: a LAPS flavour in AD, or Entra ID's backup of a device. */
export type AuditSource = LapsSource | 'entra';
const AUDIT_SOURCES: readonly AuditSource[] = [
  'windows-laps',
  'windows-laps-encrypted',
  'legacy',
  'entra',
];

/** Who acted: the person at this machine, and as whom and where they signed in to the directory. */
export interface AuditActor {
  /** The operating-system account running the tool. */
  readonly osUser: string;
  /** The bind name of a simple bind (user@domain or DOMAIN\user), or "kerberos". */
  readonly identity: string;
  /** The DC the action went to, as a URL (ldaps://host:port or ldap://host:port for StartTLS). */
  readonly server: string | null;
}

/** One action, as the caller describes it. It has no place for a password, by design. */
export interface AuditEvent {
  readonly action: AuditAction;
  /** The computer's name (its CN). */
  readonly computer: string;
  readonly dn: string;
  /**
   * The LAPS flavour acted on. An expiry sets every flavour the computer has: this names the
   * first (Windows LAPS before legacy).
   */
  readonly source: AuditSource | null;
  /** What else the action needs said, never a secret: for expire, the new expiration (ISO 8601). */
  readonly detail: string | null;
  readonly actor: AuditActor;
  readonly app: AuditApp;
}

/** One line of audit.jsonl. */
export interface AuditRecord extends AuditEvent {
  /** 1 for the first line, then one more per line. */
  readonly seq: number;
  /** When the line was written, ISO 8601 UTC with milliseconds. */
  readonly time: string;
  /** `hash` of the line before, hex; GENESIS_HASH on the first line. */
  readonly prev: string;
  /** Hex SHA-256 of canonicalRecordJson(this record): everything but `hash` itself. */
  readonly hash: string;
}

export type AuditRecordBody = Omit<AuditRecord, 'hash'>;

export const GENESIS_HASH = '0'.repeat(64);

/**
 * The canonical form a record's hash covers: JSON.stringify of the record without `hash`, its
 * keys in exactly this order (actor's too), no spaces. Building a new object fixes the order
 * whatever the caller passed, and drops any field the type does not name (a password included).
 * A line is this same text with `,"hash":"…"` before the closing brace, so verify can demand
 * that a line be byte for byte what the writer would have written.
 */
export function canonicalRecordJson(body: AuditRecordBody): string {
  return JSON.stringify(orderedBody(body));
}

export function hashRecord(body: AuditRecordBody): string {
  return createHash('sha256').update(canonicalRecordJson(body), 'utf8').digest('hex');
}

/** The line as written, without its "\n". */
export function serializeRecord(record: AuditRecord): string {
  return JSON.stringify({ ...orderedBody(record), hash: record.hash });
}

export function buildRecord(
  event: AuditEvent,
  chain: { readonly seq: number; readonly prev: string },
  time: Date,
): AuditRecord {
  const body: AuditRecordBody = {
    seq: chain.seq,
    time: time.toISOString(),
    action: event.action,
    computer: event.computer,
    dn: event.dn,
    source: event.source,
    detail: event.detail,
    actor: event.actor,
    app: event.app,
    prev: chain.prev,
  };
  return { ...orderedBody(body), hash: hashRecord(body) };
}

function orderedBody(body: AuditRecordBody): AuditRecordBody {
  return {
    seq: body.seq,
    time: body.time,
    action: body.action,
    computer: body.computer,
    dn: body.dn,
    source: body.source,
    detail: body.detail,
    actor: {
      osUser: body.actor.osUser,
      identity: body.actor.identity,
      server: body.actor.server,
    },
    app: body.app,
    prev: body.prev,
  };
}

export type ParsedLine =
  | { readonly record: AuditRecord }
  /** Not JSON, or JSON that is not an object. */
  | { readonly unparsable: string }
  /** A JSON object that is not a well-formed record: someone changed a field's kind. */
  | { readonly malformed: string };

const HEX_SHA256 = /^[0-9a-f]{64}$/;
const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Reads one line (without its "\n") strictly: every field present, of its kind, nothing more. */
export function parseRecordLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { unparsable: 'it is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { unparsable: 'it is not a JSON object' };
  const problem = recordProblem(value as Record<string, unknown>);
  return problem === null ? { record: value as AuditRecord } : { malformed: problem };
}

function recordProblem(record: Record<string, unknown>): string | null {
  const isText = (value: unknown): value is string => typeof value === 'string';
  const isTextOrNull = (value: unknown) => value === null || isText(value);
  const { seq, time, action, source, actor, app, prev, hash } = record;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1)
    return 'seq is not a positive whole number';
  if (!isText(time) || !ISO_UTC_MS.test(time) || Number.isNaN(Date.parse(time)))
    return 'time is not an ISO 8601 UTC time';
  if (!(AUDIT_ACTIONS as readonly unknown[]).includes(action)) return 'action is not known';
  if (!isText(record.computer)) return 'computer is not text';
  if (!isText(record.dn)) return 'dn is not text';
  if (source !== null && !(AUDIT_SOURCES as readonly unknown[]).includes(source))
    return 'source is neither a LAPS flavour nor entra';
  if (!isTextOrNull(record.detail)) return 'detail is not text';
  if (typeof actor !== 'object' || actor === null || Array.isArray(actor))
    return 'actor is not an object';
  const { osUser, identity, server } = actor as Record<string, unknown>;
  if (!isText(osUser) || !isText(identity) || !isTextOrNull(server))
    return 'actor lacks osUser, identity or server';
  if (!(AUDIT_APPS as readonly unknown[]).includes(app)) return 'app is not known';
  if (!isText(prev) || !HEX_SHA256.test(prev)) return 'prev is not a SHA-256 in hex';
  if (!isText(hash) || !HEX_SHA256.test(hash)) return 'hash is not a SHA-256 in hex';
  return null;
}
