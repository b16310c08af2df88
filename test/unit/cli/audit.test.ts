import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from './run-in-process.js';
import { appendAuditRecord, auditLogPaths } from '../../../main/core/audit/audit-log.js';
import type { AuditEvent } from '../../../main/core/audit/audit-record.js';

const run = runInProcess;

/** A config folder, with `count` records in its audit log. */
async function configWithRecords(count: number): Promise<{ env: NodeJS.ProcessEnv; log: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'lapsctl-audit-'));
  const paths = auditLogPaths(dir);
  for (let index = 1; index <= count; index++) {
    const event: AuditEvent = {
      action: index % 2 === 0 ? 'expire' : 'reveal',
      computer: index === 3 ? 'EVIL\u001b[2J' : `PC${index}`,
      dn: `CN=PC${index},DC=lab,DC=test`,
      source: 'windows-laps',
      detail: index % 2 === 0 ? '2031-01-01T00:00:00.000Z' : null,
      actor: { osUser: 'ana', identity: 'helpdesk@lab.test', server: 'ldaps://dc1:636' },
      app: 'lapsctl',
    };
    await appendAuditRecord(paths, event, {
      now: new Date(Date.UTC(2026, 10, 23, 10, index)),
    });
  }
  return { env: { LAPS_CONSOLE_CONFIG_DIR: dir }, log: paths.log };
}

describe('lapsctl audit verify', () => {
  it('says a log with no records yet is intact', async () => {
    const { env } = await configWithRecords(0);
    const result = await run(['audit', 'verify'], env);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('no records yet');
    const json = await run(['audit', 'verify', '--json'], env);
    expect(JSON.parse(json.stdout)).toEqual({ ok: true, records: 0, lastHash: '0'.repeat(64) });
  });

  it('counts the records of an intact log, with exit 0', async () => {
    const { env } = await configWithRecords(4);
    const result = await run(['audit', 'verify'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/: 4 records, chain intact \(last hash [0-9a-f]{64}\)\.\n$/);
    expect(JSON.parse((await run(['audit', 'verify', '--json'], env)).stdout)).toMatchObject({
      ok: true,
      records: 4,
    });
  });

  it('exits 8 naming the line and the kind when a line was edited', async () => {
    const { env, log } = await configWithRecords(4);
    writeFileSync(log, readFileSync(log, 'utf8').replace('"PC2"', '"PC9"'));
    const result = await run(['audit', 'verify'], env);
    expect(result.code).toBe(8);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('is damaged (edited): line 2 was edited');
    const json = await run(['audit', 'verify', '--json'], env);
    expect(json.code).toBe(8);
    expect(JSON.parse(json.stderr)).toEqual({
      error: {
        code: 'malformed-data',
        message: expect.stringContaining('line 2') as unknown,
        kind: 'edited',
        line: 2,
      },
    });
  });

  it('exits 8 when the last line was removed', async () => {
    const { env, log } = await configWithRecords(3);
    const lines = readFileSync(log, 'utf8').split('\n');
    writeFileSync(log, `${lines.slice(0, 2).join('\n')}\n`);
    const result = await run(['audit', 'verify', '--json'], env);
    expect(result.code).toBe(8);
    expect(JSON.parse(result.stderr)).toMatchObject({ error: { kind: 'removed', line: 3 } });
  });
});

describe('lapsctl audit show', () => {
  it('lists the newest records last, control characters escaped', async () => {
    const { env } = await configWithRecords(4);
    const result = await run(['audit', 'show'], env);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\s+SEQ\s+TIME \(UTC\)\s+ACTION\s+COMPUTER\s+BY$/);
    expect(lines).toHaveLength(5);
    expect(lines[4]).toMatch(
      /^\s+4 {2}2026-11-23 10:04:00 {2}expire +PC4 +helpdesk@lab\.test \(ana, lapsctl, ldaps:\/\/dc1:636\) {2}2031-01-01T00:00:00\.000Z$/,
    );
    expect(result.stdout).toContain('EVIL\\u001b[2J');
    expect(result.stdout).not.toContain('\u001b');
  });

  it('takes --limit and prints JSON records with --json', async () => {
    const { env } = await configWithRecords(5);
    const result = await run(['audit', 'show', '--limit', '2', '--json'], env);
    expect(result.code).toBe(0);
    const records = JSON.parse(result.stdout) as { seq: number; computer: string }[];
    expect(records.map((record) => record.seq)).toEqual([4, 5]);
    expect((await run(['audit', 'show', '--json'], (await configWithRecords(0)).env)).stdout).toBe(
      '[]\n',
    );
  });
});

describe('lapsctl audit arguments', () => {
  it.each([
    [['audit'], 'takes a subcommand'],
    [['audit', '--json'], 'takes a subcommand'],
    [['audit', 'erase'], 'Unknown audit subcommand "erase"'],
    [['audit', 'verify', 'extra'], 'takes no arguments'],
    [['audit', 'verify', '--limit', '3'], 'audit verify takes no --limit'],
    [['audit', 'show', '--limit', 'all'], 'whole number'],
    [['audit', 'show', '--server', 'ldaps://dc1'], 'audit show takes no --server'],
    [['audit', 'verify', '--profile', 'lab'], 'it reads the local audit log only'],
  ])('exits 2 for %j', async (argv, message) => {
    const result = await run(argv, (await configWithRecords(0)).env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe('fail closed', () => {
  it('stops expire before it connects when the audit log cannot be written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lapsctl-audit-'));
    mkdirSync(join(dir, 'config'));
    symlinkSync('/dev/full', join(dir, 'config', 'audit.jsonl'));
    // Port 9 would answer "unreachable" (exit 5): the audit check comes first.
    const result = await run(
      [
        'expire',
        'PC1',
        '--json',
        '--server',
        'ldaps://127.0.0.1:9',
        '--user',
        'a@b',
        '--password-env',
        'PW',
      ],
      { LAPS_CONSOLE_CONFIG_DIR: join(dir, 'config'), PW: 'x' },
    );
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stderr)).toEqual({
      error: {
        code: 'audit-unavailable',
        message: expect.stringMatching(/the expiration was not changed\.$/) as unknown,
      },
    });
  });
});
