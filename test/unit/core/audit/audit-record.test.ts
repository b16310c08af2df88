import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildRecord,
  canonicalRecordJson,
  GENESIS_HASH,
  hashRecord,
  parseRecordLine,
  serializeRecord,
  type AuditEvent,
} from '../../../../main/core/audit/audit-record.js';

const EVENT: AuditEvent = {
  action: 'expire',
  computer: 'PC0001',
  dn: 'CN=PC0001,OU=Branch (North)\\, Sales,DC=lab,DC=test',
  source: 'legacy',
  detail: '2031-05-06T07:08:09.123Z',
  actor: { osUser: 'ana', identity: 'LAB\\resetter', server: 'ldaps://dc1.lab.test:636' },
  app: 'console',
};
const TIME = new Date('2026-11-23T12:00:00.000Z');

describe('the canonical form of a record', () => {
  it('is the record without its hash, keys in the documented order, no spaces', () => {
    const record = buildRecord(EVENT, { seq: 7, prev: 'a'.repeat(64) }, TIME);
    // The hash field is not part of what it covers.
    expect(canonicalRecordJson(record)).toBe(
      '{"seq":7,"time":"2026-11-23T12:00:00.000Z","action":"expire","computer":"PC0001",' +
        '"dn":"CN=PC0001,OU=Branch (North)\\\\, Sales,DC=lab,DC=test","source":"legacy",' +
        '"detail":"2031-05-06T07:08:09.123Z","actor":{"osUser":"ana","identity":"LAB\\\\resetter",' +
        `"server":"ldaps://dc1.lab.test:636"},"app":"console","prev":"${'a'.repeat(64)}"}`,
    );
  });

  it('hashes to the hex SHA-256 of that text in UTF-8', () => {
    const record = buildRecord(
      { ...EVENT, computer: 'ÜBER-PC', dn: 'CN=ÜBER-PC,DC=lab,DC=test' },
      { seq: 1, prev: GENESIS_HASH },
      TIME,
    );
    const { hash, ...body } = record;
    expect(hash).toBe(
      createHash('sha256')
        .update(Buffer.from(canonicalRecordJson(body), 'utf8'))
        .digest('hex'),
    );
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on the order the caller wrote the fields in', () => {
    const record = buildRecord(EVENT, { seq: 3, prev: GENESIS_HASH }, TIME);
    const shuffled = Object.fromEntries(Object.entries(record).reverse()) as typeof record;
    const actorShuffled = {
      ...shuffled,
      actor: { server: record.actor.server, identity: record.actor.identity, osUser: 'ana' },
    };
    expect(hashRecord(shuffled)).toBe(record.hash);
    expect(hashRecord(actorShuffled)).toBe(record.hash);
    expect(serializeRecord(actorShuffled)).toBe(serializeRecord(record));
  });

  it('leaves out anything the record type does not name, a password above all', () => {
    const withSecret = { ...EVENT, password: 'Tr0ub4dor&3', actor: { ...EVENT.actor, pw: 'x' } };
    const record = buildRecord(withSecret, { seq: 1, prev: GENESIS_HASH }, TIME);
    expect(serializeRecord(record)).not.toContain('Tr0ub4dor');
    expect(serializeRecord(record)).not.toContain('"pw"');
    expect(Object.keys(record)).toEqual([
      'seq',
      'time',
      'action',
      'computer',
      'dn',
      'source',
      'detail',
      'actor',
      'app',
      'prev',
      'hash',
    ]);
  });

  it('writes a line that is the canonical form with the hash added last', () => {
    const record = buildRecord(EVENT, { seq: 2, prev: GENESIS_HASH }, TIME);
    const { hash, ...body } = record;
    expect(serializeRecord(record)).toBe(
      `${canonicalRecordJson(body).slice(0, -1)},"hash":"${hash}"}`,
    );
    expect(serializeRecord(record)).not.toContain('\n');
  });
});

describe('reading a line', () => {
  const line = serializeRecord(buildRecord(EVENT, { seq: 1, prev: GENESIS_HASH }, TIME));

  it('gives back the record it was written from', () => {
    expect(parseRecordLine(line)).toEqual({
      record: buildRecord(EVENT, { seq: 1, prev: GENESIS_HASH }, TIME),
    });
  });

  it('tells a line that is not JSON from a record whose fields changed kind', () => {
    expect(parseRecordLine(line.slice(0, 40))).toHaveProperty('unparsable');
    expect(parseRecordLine('[1,2]')).toHaveProperty('unparsable');
    for (const [field, value] of [
      ['seq', '"1"'],
      ['seq', '0'],
      ['time', '"yesterday"'],
      ['action', '"delete"'],
      ['source', '"intune"'],
      ['detail', '42'],
      ['app', '"other"'],
      ['prev', '"00"'],
      ['actor', 'null'],
    ] as const) {
      const changed = JSON.parse(line) as Record<string, unknown>;
      changed[field] = JSON.parse(value);
      expect(parseRecordLine(JSON.stringify(changed)), field).toHaveProperty('malformed');
    }
  });

  it('reads a record of a password kept in Entra ID', () => {
    const entra = { ...(JSON.parse(line) as Record<string, unknown>), source: 'entra' };
    expect(parseRecordLine(JSON.stringify(entra))).toMatchObject({ record: { source: 'entra' } });
  });
});
