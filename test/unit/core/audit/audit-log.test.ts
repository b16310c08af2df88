import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditUnavailableError } from '../../../../main/core/audit/audit-errors.js';
import {
  appendAuditRecord,
  auditLogPaths,
  checkAuditWritable,
  readRecentAuditRecords,
  type AuditLogPaths,
} from '../../../../main/core/audit/audit-log.js';
import type { AuditEvent, AuditRecord } from '../../../../main/core/audit/audit-record.js';
import { readFileTail } from '../../../../main/core/audit/audit-tail.js';
import { verifyAuditLog } from '../../../../main/core/audit/audit-verify.js';

const scratch = mkdtempSync(join(tmpdir(), 'audit-log-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let folders = 0;
/** A config folder that does not exist yet. */
const newPaths = (): AuditLogPaths => auditLogPaths(join(scratch, `config-${++folders}`));

const PASSWORD = 'Secr3t-Pa$$word-Ümlaut';

function reveal(computer: string): AuditEvent {
  return {
    action: 'reveal',
    computer,
    dn: `CN=${computer},OU=Workstations,DC=lab,DC=test`,
    source: 'windows-laps',
    detail: null,
    actor: { osUser: 'ana', identity: 'helpdesk@lab.test', server: 'ldaps://dc1:636' },
    app: 'lapsctl',
  };
}

const linesOf = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AuditRecord);

async function auditError(work: Promise<unknown>): Promise<AuditUnavailableError> {
  const error: unknown = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AuditUnavailableError);
  return error as AuditUnavailableError;
}

describe('appending to the audit log', () => {
  it('creates the folder 0700 and the log 0600, and chains each line to the one before', async () => {
    const paths = newPaths();
    const first = await appendAuditRecord(paths, reveal('PC0001'));
    const second = await appendAuditRecord(paths, { ...reveal('PC0002'), action: 'copy' });
    expect(statSync(paths.directory).mode & 0o777).toBe(0o700);
    expect(statSync(paths.log).mode & 0o777).toBe(0o600);
    expect(statSync(paths.head).mode & 0o777).toBe(0o600);
    expect(first).toMatchObject({ seq: 1, prev: '0'.repeat(64) });
    expect(second).toMatchObject({ seq: 2, prev: first.hash, action: 'copy' });
    expect(linesOf(paths.log)).toEqual([first, second]);
    expect(JSON.parse(readFileSync(paths.head, 'utf8'))).toEqual({ seq: 2, hash: second.hash });
    expect(existsSync(paths.lock)).toBe(false);
    expect(await verifyAuditLog(paths)).toEqual({ ok: true, records: 2, lastHash: second.hash });
  });

  it('writes no password, even one handed to it by mistake', async () => {
    const paths = newPaths();
    const careless = { ...reveal('PC0003'), password: PASSWORD, detail: null };
    await appendAuditRecord(paths, careless);
    for (const file of [paths.log, paths.head])
      expect(readFileSync(file, 'utf8')).not.toContain(PASSWORD);
  });

  it('shows the last records, newest last', async () => {
    const paths = newPaths();
    for (let index = 0; index < 5; index++) await appendAuditRecord(paths, reveal(`PC${index}`));
    const { records } = await readRecentAuditRecords(paths, 3);
    expect(records.map((record) => record.computer)).toEqual(['PC2', 'PC3', 'PC4']);
    expect(await readRecentAuditRecords(newPaths(), 3)).toEqual({ records: [], skippedLines: 0 });
  });

  it('fails closed when the folder cannot be made, naming the path and what was not done', async () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, '');
    const error = await auditError(
      appendAuditRecord(auditLogPaths(join(file, 'config')), reveal('PC1')),
    );
    expect(error.code).toBe('audit-unavailable');
    expect(error.message).toMatch(/^Cannot write the audit log at .*a-file\/config \(ENOTDIR/);
    expect(error.message).toMatch(/the password was not shown\.$/);
  });

  it('refuses a log that is not a regular file (/dev/full, /dev/null), writing nothing', async () => {
    for (const device of ['/dev/full', '/dev/null']) {
      const paths = newPaths();
      mkdirSync(paths.directory, { recursive: true });
      symlinkSync(device, paths.log);
      const error = await auditError(appendAuditRecord(paths, reveal('PC1')));
      expect(error.code).toBe('audit-unavailable');
      expect(error.message).toContain('not a regular file');
      expect(readdirSync(paths.directory)).toEqual(['audit.jsonl']);
      await expect(checkAuditWritable(paths, 'expire')).rejects.toThrow(
        /the expiration was not changed\.$/,
      );
    }
  });

  it('takes the line back when the head cannot be written, so nothing is half-written', async () => {
    const paths = newPaths();
    await appendAuditRecord(paths, reveal('PC1'));
    const before = readFileSync(paths.log);
    const headBefore = readFileSync(paths.head);
    // A folder where the new head is written first.
    mkdirSync(`${paths.head}.${process.pid}.tmp`);
    const error = await auditError(appendAuditRecord(paths, reveal('PC2')));
    expect(error.message).toContain('audit.head (EISDIR');
    expect(readFileSync(paths.log)).toEqual(before);
    expect(readFileSync(paths.head)).toEqual(headBefore);
  });

  it('will not append after a cut or damaged end, which would bury the evidence', async () => {
    const paths = newPaths();
    for (let index = 0; index < 3; index++) await appendAuditRecord(paths, reveal(`PC${index}`));
    const whole = readFileSync(paths.log, 'utf8');
    const lines = whole.split('\n');
    const cases = {
      'the last line removed': lines.slice(0, 2).join('\n') + '\n',
      'a partial last line': whole.slice(0, -10),
      'a last line that is no record': `${whole}{"seq":4}\n`,
    };
    for (const [what, damaged] of Object.entries(cases)) {
      writeFileSync(paths.log, damaged);
      const error = await auditError(appendAuditRecord(paths, reveal('PC9')));
      expect(error.message, what).toContain('lapsctl audit verify');
      expect(readFileSync(paths.log, 'utf8'), what).toBe(damaged);
    }
  });

  it('goes on after a writer stopped between the line and the head', async () => {
    const paths = newPaths();
    await appendAuditRecord(paths, reveal('PC1'));
    rmSync(paths.head);
    await appendAuditRecord(paths, reveal('PC2'));
    expect(await verifyAuditLog(paths)).toMatchObject({ ok: true, records: 2 });
  });
});

describe('the lock between writers', () => {
  it('sets aside a lock whose holder is no longer running', async () => {
    const paths = newPaths();
    mkdirSync(paths.directory, { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid;
    writeFileSync(paths.lock, JSON.stringify({ pid: dead, host: hostname(), nonce: 'x' }));
    await appendAuditRecord(paths, reveal('PC1'), { lock: { maxWaitMs: 1000 } });
    expect(existsSync(paths.lock)).toBe(false);
  });

  it('sets aside a lock older than the stale age, whoever holds it', async () => {
    const paths = newPaths();
    mkdirSync(paths.directory, { recursive: true });
    writeFileSync(paths.lock, JSON.stringify({ pid: 1, host: 'elsewhere', nonce: 'x' }));
    const old = new Date(Date.now() - 60_000);
    utimesSync(paths.lock, old, old);
    await appendAuditRecord(paths, reveal('PC1'), { lock: { maxWaitMs: 1000 } });
    expect(linesOf(paths.log)).toHaveLength(1);
  });

  it('waits for a live holder, then gives up with audit-unavailable, leaving its lock', async () => {
    const paths = newPaths();
    mkdirSync(paths.directory, { recursive: true });
    const live = JSON.stringify({ pid: process.pid, host: hostname(), nonce: 'other' });
    writeFileSync(paths.lock, live);
    const started = Date.now();
    const error = await auditError(
      appendAuditRecord(paths, reveal('PC1'), { lock: { maxWaitMs: 300 } }),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(error.message).toContain(`busy: process ${process.pid}`);
    expect(readFileSync(paths.lock, 'utf8')).toBe(live);
    expect(existsSync(paths.log)).toBe(false);
  });
});

describe('reading the end of the log', () => {
  it('reads the last lines from the end, not the whole file', async () => {
    const path = join(scratch, 'long.jsonl');
    const lines = Array.from({ length: 20_000 }, (_, index) => `{"line":${index}}`);
    writeFileSync(path, lines.map((line) => `${line}\n`).join(''));
    const handle = await open(path, 'r');
    let bytesRead = 0;
    const counting = {
      read: async (buffer: Buffer, offset: number, length: number, position: number) => {
        const result = await handle.read(buffer, offset, length, position);
        bytesRead += result.bytesRead;
        return result;
      },
    } as unknown as typeof handle;
    try {
      const size = statSync(path).size;
      const tail = await readFileTail(counting, size, 2);
      expect(tail).toEqual({ lines: lines.slice(-2), partial: '', isWholeFile: false });
      expect(bytesRead).toBeLessThanOrEqual(16 * 1024);
      expect(size).toBeGreaterThan(10 * bytesRead);
    } finally {
      await handle.close();
    }
  });

  it('hands back a cut last line apart', async () => {
    const path = join(scratch, 'cut.jsonl');
    writeFileSync(path, 'one\ntwo\nthr');
    const handle = await open(path, 'r');
    try {
      expect(await readFileTail(handle, statSync(path).size, 5)).toEqual({
        lines: ['one', 'two'],
        partial: 'thr',
        isWholeFile: true,
      });
    } finally {
      await handle.close();
    }
  });
});

describe('other processes writing the same log', () => {
  const childSource = fileURLToPath(new URL('./audit-child.ts', import.meta.url));
  const child = join(scratch, 'audit-child.mjs');
  beforeAll(async () => {
    await build({
      entryPoints: [childSource],
      outfile: child,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
    });
  });

  interface ChildRun {
    readonly ready: Promise<void>;
    readonly done: Promise<{ code: number | null; result: unknown; stderr: string }>;
    go(): void;
  }

  function runChild(args: readonly string[], wrap: readonly string[] = []): ChildRun {
    const argv = [...wrap, process.execPath, child, ...args];
    const proc = spawn(argv[0] ?? '', argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let onReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (onReady = resolve));
    proc.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.startsWith('ready\n')) onReady();
    });
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const done = new Promise<{ code: number | null; result: unknown; stderr: string }>(
      (resolve, reject) => {
        proc.on('error', reject);
        proc.on('close', (code) => {
          const last = stdout.trim().split('\n').at(-1) ?? '';
          let result: unknown = null;
          try {
            result = JSON.parse(last);
          } catch {
            // Reported below with stderr.
          }
          resolve({ code, result, stderr });
        });
      },
    );
    return { ready, done, go: () => proc.stdin.end('go\n') };
  }

  it('keeps one unbroken chain when two processes append 100 records each at once', async () => {
    const paths = newPaths();
    const writers = ['A', 'B'].map((label) =>
      runChild(['append', paths.directory, '100', label, '--barrier']),
    );
    await Promise.all(writers.map((writer) => writer.ready));
    for (const writer of writers) writer.go();
    const results = await Promise.all(writers.map((writer) => writer.done));
    for (const { code, result, stderr } of results) {
      expect(result, stderr).toEqual({ appended: 100 });
      expect(code).toBe(0);
    }
    const records = linesOf(paths.log);
    expect(records.map((record) => record.seq)).toEqual(
      Array.from({ length: 200 }, (_, index) => index + 1),
    );
    expect(new Set(records.map((record) => record.computer)).size).toBe(200);
    // They did run at the same time: the writers take turns in the log.
    const turns = records.filter(
      (record, index) => index > 0 && record.computer[0] !== records[index - 1]?.computer[0],
    ).length;
    expect(turns).toBeGreaterThan(2);
    expect(await verifyAuditLog(paths)).toMatchObject({ ok: true, records: 200 });
  }, 60_000);

  it('takes back a line the file system accepted only in part (EFBIG past the size limit)', async () => {
    const paths = newPaths();
    // `ulimit -f` counts 1024-byte blocks: append until the next line cannot fit in what is
    // left of the last block, but part of it can.
    const roomIn = (size: number) => Math.ceil(size / 1024) * 1024 - size;
    let size = 0;
    let lineBytes = 0;
    do {
      await appendAuditRecord(paths, reveal(`PC-${size}`));
      lineBytes = statSync(paths.log).size - size;
      size += lineBytes;
    } while (roomIn(size) < 1 || roomIn(size) > lineBytes - 16);
    const limitBlocks = Math.ceil(size / 1024);
    const before = readFileSync(paths.log);
    const { result, stderr } = await runChild(
      ['append', paths.directory, '1', 'PC-LAST'],
      ['bash', '-c', `trap '' XFSZ; ulimit -f ${limitBlocks}; exec "$@"`, 'bash'],
    ).done;
    expect(result, stderr).toMatchObject({
      appended: 0,
      error: { code: 'audit-unavailable', message: expect.stringContaining('EFBIG') as unknown },
    });
    expect(readFileSync(paths.log)).toEqual(before);
    expect(await verifyAuditLog(paths)).toMatchObject({ ok: true });
  });

  // A real full disk: a small tmpfs, in a private mount namespace (no root needed).
  const canMountTmpfs =
    process.platform === 'linux' &&
    spawnSync('unshare', ['-rm', 'sh', '-c', 'mount -t tmpfs -o size=64k none /mnt'], {
      stdio: 'ignore',
    }).status === 0;

  it.skipIf(!canMountTmpfs && process.env.CI !== 'true')(
    'fails closed on a full disk with ENOSPC, leaving the log and its head as they were',
    async () => {
      const directory = join(scratch, `tmpfs-${++folders}`);
      mkdirSync(directory);
      const { result, stderr } = await runChild(
        ['full-disk', directory],
        [
          'unshare',
          '-rm',
          'sh',
          '-c',
          `mount -t tmpfs -o size=256k none "${directory}" && exec "$@"`,
          'sh',
        ],
      ).done;
      expect(result, stderr).toMatchObject({
        error: {
          code: 'audit-unavailable',
          message: expect.stringMatching(
            /^Cannot write the audit log at .*audit\.jsonl \(ENOSPC: disk full\): free space there; the password was not shown\.$/,
          ) as unknown,
        },
        isLogUnchanged: true,
        isHeadUnchanged: true,
        verify: { ok: true },
      });
    },
  );
});
