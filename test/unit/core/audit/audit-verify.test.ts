import { describe, expect, it } from 'vitest';
import type { AuditHead } from '../../../../main/core/audit/audit-log.js';
import {
  buildRecord,
  GENESIS_HASH,
  hashRecord,
  serializeRecord,
  type AuditEvent,
  type AuditRecord,
} from '../../../../main/core/audit/audit-record.js';
import { verifyAuditChain } from '../../../../main/core/audit/audit-verify.js';

function event(index: number): AuditEvent {
  return {
    action: index % 3 === 2 ? 'expire' : 'reveal',
    computer: `PC${String(index).padStart(4, '0')}`,
    dn: `CN=PC${String(index).padStart(4, '0')},OU=Workstations,DC=lab,DC=test`,
    source: index % 2 === 0 ? 'windows-laps' : 'legacy',
    detail: index % 3 === 2 ? '2031-01-01T00:00:00.000Z' : null,
    actor: { osUser: 'ana', identity: 'helpdesk@lab.test', server: 'ldaps://dc1:636' },
    app: index % 2 === 0 ? 'lapsctl' : 'console',
  };
}

/** A log of `count` records as the writer leaves it: lines and head. */
function makeLog(count: number): { records: AuditRecord[]; lines: string[]; head: AuditHead } {
  const records: AuditRecord[] = [];
  for (let index = 0; index < count; index++) {
    const prev = records.at(-1)?.hash ?? GENESIS_HASH;
    records.push(
      buildRecord(
        event(index),
        { seq: index + 1, prev },
        new Date(Date.UTC(2026, 10, 1, 0, index)),
      ),
    );
  }
  const last = records.at(-1);
  return {
    records,
    lines: records.map(serializeRecord),
    head: { seq: last?.seq ?? 0, hash: last?.hash ?? GENESIS_HASH },
  };
}

const text = (lines: readonly string[]) => lines.map((line) => `${line}\n`).join('');

/** A record with a correctly recomputed hash, as a forger who knows the format would write. */
function rehashed(record: AuditRecord): string {
  return serializeRecord({ ...record, hash: hashRecord(record) });
}

type Edit = (record: Record<string, unknown>) => void;
const FIELD_EDITS: Readonly<Record<string, Edit>> = {
  seq: (r) => (r.seq = Number(r.seq) + 10),
  time: (r) => (r.time = '2020-01-01T00:00:00.000Z'),
  action: (r) => (r.action = r.action === 'copy' ? 'reveal' : 'copy'),
  computer: (r) => (r.computer = 'INNOCENT'),
  dn: (r) => (r.dn = 'CN=INNOCENT,DC=lab,DC=test'),
  source: (r) => (r.source = r.source === null ? 'legacy' : null),
  detail: (r) => (r.detail = 'nothing happened'),
  'actor.osUser': (r) => ((r.actor as Record<string, unknown>).osUser = 'someone-else'),
  'actor.identity': (r) => ((r.actor as Record<string, unknown>).identity = 'admin@lab.test'),
  'actor.server': (r) => ((r.actor as Record<string, unknown>).server = null),
  app: (r) => (r.app = r.app === 'console' ? 'lapsctl' : 'console'),
  prev: (r) => (r.prev = 'f'.repeat(64)),
  hash: (r) => (r.hash = 'e'.repeat(64)),
};

describe('verifying the audit chain', () => {
  it('finds a fresh log intact, and an empty one too', () => {
    const log = makeLog(12);
    expect(verifyAuditChain(text(log.lines), log.head)).toEqual({
      ok: true,
      records: 12,
      lastHash: log.records[11]?.hash,
    });
    expect(verifyAuditChain('', null)).toEqual({ ok: true, records: 0, lastHash: GENESIS_HASH });
  });

  describe.each([
    ['the first', 0],
    ['a middle', 5],
    ['the last', 9],
  ])('an edit to %s line', (_where, index) => {
    it.each(Object.keys(FIELD_EDITS))('reports a changed %s as edited on that line', (field) => {
      const log = makeLog(10);
      const record = JSON.parse(log.lines[index] ?? '') as Record<string, unknown>;
      FIELD_EDITS[field]?.(record);
      log.lines[index] = JSON.stringify(record);
      const result = verifyAuditChain(text(log.lines), log.head);
      expect(result).toMatchObject({
        ok: false,
        records: index,
        problem: { kind: 'edited', line: index + 1 },
      });
    });
  });

  it('reports a line whose content is unchanged but whose bytes are not as written', () => {
    const log = makeLog(5);
    log.lines[2] = (log.lines[2] ?? '').replace('"action":', '"action": ');
    expect(verifyAuditChain(text(log.lines), log.head)).toMatchObject({
      problem: { kind: 'edited', line: 3 },
    });
  });

  it('reports a line edited and given a fresh hash, by the next line that no longer chains to it', () => {
    const log = makeLog(8);
    log.lines[3] = rehashed({ ...(log.records[3] as AuditRecord), computer: 'INNOCENT' });
    expect(verifyAuditChain(text(log.lines), log.head)).toMatchObject({
      records: 3,
      problem: { kind: 'edited', line: 4 },
    });
  });

  it('reports the last line edited and given a fresh hash, by the head', () => {
    const log = makeLog(8);
    log.lines[7] = rehashed({ ...(log.records[7] as AuditRecord), computer: 'INNOCENT' });
    expect(verifyAuditChain(text(log.lines), log.head)).toMatchObject({
      problem: { kind: 'edited', line: 8 },
    });
  });

  it('reports a deleted middle line as removed, at the line where the gap shows', () => {
    const log = makeLog(10);
    log.lines.splice(4, 1);
    const result = verifyAuditChain(text(log.lines), log.head);
    expect(result).toMatchObject({ records: 4, problem: { kind: 'removed', line: 5 } });
    expect(!result.ok && result.problem.message).toContain('record 5 is missing before line 5');
  });

  it('reports deleted first lines as removed at line 1', () => {
    const log = makeLog(10);
    log.lines.splice(0, 2);
    expect(verifyAuditChain(text(log.lines), log.head)).toMatchObject({
      problem: { kind: 'removed', line: 1 },
    });
  });

  it('reports lines cut off the end, which the chain alone cannot show, from the head', () => {
    const log = makeLog(10);
    const oneCut = verifyAuditChain(text(log.lines.slice(0, 9)), log.head);
    expect(oneCut).toMatchObject({ records: 9, problem: { kind: 'removed', line: 10 } });
    const threeCut = verifyAuditChain(text(log.lines.slice(0, 7)), log.head);
    expect(threeCut).toMatchObject({ problem: { kind: 'removed', line: 8 } });
    expect(!threeCut.ok && threeCut.problem.message).toContain('the last 3 lines were removed');
    expect(verifyAuditChain('', log.head)).toMatchObject({ problem: { kind: 'removed', line: 1 } });
  });

  it.each([
    [3, 4],
    [2, 7],
  ])('reports lines %i and %i swapped as reordered at the first', (first, second) => {
    const log = makeLog(10);
    const [a, b] = [log.lines[first - 1] ?? '', log.lines[second - 1] ?? ''];
    log.lines[first - 1] = b;
    log.lines[second - 1] = a;
    expect(verifyAuditChain(text(log.lines), log.head)).toMatchObject({
      records: first - 1,
      problem: { kind: 'reordered', line: first },
    });
  });

  it('reports a forged line inserted in the middle, however it was made, as inserted there', () => {
    const base = makeLog(10);
    const before = base.records[4] as AuditRecord;
    const forgedBody = buildRecord(
      { ...event(99), computer: 'FORGED' },
      { seq: 6, prev: before.hash },
      new Date(Date.UTC(2026, 10, 1, 0, 4, 30)),
    );
    const forgeries = {
      // Right seq and prev, hash recomputed: it chains from line 5, but line 7 chains around it.
      chained: rehashed(forgedBody),
      // Fields made up, hash too.
      naive: serializeRecord({ ...forgedBody, seq: 42, hash: 'c'.repeat(64) }),
      // A copy of the line before it.
      copied: base.lines[4] ?? '',
    };
    for (const [how, forged] of Object.entries(forgeries)) {
      const lines = [...base.lines];
      lines.splice(5, 0, forged);
      expect(verifyAuditChain(text(lines), base.head), how).toMatchObject({
        records: 5,
        problem: { kind: 'inserted', line: 6 },
      });
    }
  });

  it('reports a copy of an earlier line, placed further on, as inserted', () => {
    const log = makeLog(10);
    log.lines.splice(6, 0, log.lines[1] ?? '');
    expect(verifyAuditChain(text(log.lines), log.head)).toMatchObject({
      problem: { kind: 'inserted', line: 7 },
    });
  });

  it('reports a last line without its line break as truncated', () => {
    const log = makeLog(6);
    const whole = text(log.lines);
    for (const cut of [whole.slice(0, -1), whole.slice(0, -40)]) {
      expect(verifyAuditChain(cut, log.head)).toMatchObject({
        records: 5,
        problem: { kind: 'truncated', line: 6 },
      });
    }
  });

  it('reports a middle line that is not JSON as unparsable', () => {
    const log = makeLog(6);
    log.lines[2] = (log.lines[2] ?? '').slice(0, 50);
    expect(verifyAuditChain(text(log.lines), log.head)).toMatchObject({
      problem: { kind: 'unparsable', line: 3 },
    });
    const blank = makeLog(6);
    blank.lines.splice(3, 0, '');
    expect(verifyAuditChain(text(blank.lines), blank.head)).toMatchObject({
      problem: { kind: 'unparsable', line: 4 },
    });
  });

  it('takes a head one record behind (a writer stopped between its two writes), not two', () => {
    const log = makeLog(6);
    const previous = { seq: 5, hash: log.records[4]?.hash ?? '' };
    expect(verifyAuditChain(text(log.lines), previous)).toMatchObject({ ok: true, records: 6 });
    expect(verifyAuditChain(text(log.lines.slice(0, 1)), null)).toMatchObject({ ok: true });
    const twoBehind = { seq: 4, hash: log.records[3]?.hash ?? '' };
    expect(verifyAuditChain(text(log.lines), twoBehind)).toMatchObject({
      problem: { kind: 'unconfirmed', line: 5 },
    });
    expect(verifyAuditChain(text(log.lines), null)).toMatchObject({
      problem: { kind: 'unconfirmed', line: 1 },
    });
  });

  it('reports a damaged head', () => {
    const log = makeLog(3);
    expect(verifyAuditChain(text(log.lines), 'damaged')).toMatchObject({
      problem: { kind: 'unparsable', line: null },
    });
  });
});
