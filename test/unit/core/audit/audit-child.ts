// A separate process that writes the audit log, as a second lapsctl or the console would.
// audit-log.test.ts bundles it with esbuild and runs it with plain node:
//   append DIR COUNT LABEL [--barrier]   append COUNT records (after "go" on stdin with --barrier)
//   full-disk DIR                        fill DIR's file system, then try one more append
// It prints one JSON line with what happened.
import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LapsError } from '../../../../main/core/errors/laps-error.js';
import { appendAuditRecord, auditLogPaths } from '../../../../main/core/audit/audit-log.js';
import type { AuditEvent } from '../../../../main/core/audit/audit-record.js';
import { verifyAuditLog } from '../../../../main/core/audit/audit-verify.js';

const [command, directory = '', ...rest] = process.argv.slice(2);
const paths = auditLogPaths(directory);

function event(computer: string): AuditEvent {
  return {
    action: 'reveal',
    computer,
    dn: `CN=${computer},OU=Workstations,DC=lab,DC=test`,
    source: 'windows-laps',
    detail: null,
    actor: { osUser: 'tester', identity: 'helpdesk@lab.test', server: 'ldaps://dc1:636' },
    app: 'lapsctl',
  };
}

function errorOf(error: unknown): { code: string; message: string } {
  return error instanceof LapsError
    ? { code: error.code, message: error.message }
    : { code: 'thrown', message: String(error) };
}

async function append(): Promise<unknown> {
  const [countText = '1', label = 'child', barrier] = rest;
  if (barrier === '--barrier') {
    process.stdout.write('ready\n');
    await new Promise((resolve) => process.stdin.once('data', resolve));
  }
  const count = Number(countText);
  for (let index = 0; index < count; index++) {
    // One action at a time, as a user or the console makes them, not a tight loop.
    await sleep(Math.random() * 2);
    try {
      await appendAuditRecord(paths, event(`${label}-${index}`), { lock: { maxWaitMs: 30_000 } });
    } catch (error) {
      return { appended: index, error: errorOf(error) };
    }
  }
  return { appended: count };
}

/**
 * Fills the file system the log is on but for one page, for the lock file, then appends once
 * more. The log's last page has some room but not enough for the line: the file system takes
 * part of it, then says ENOSPC.
 */
async function fullDisk(): Promise<unknown> {
  const PAGE = 4096;
  let size = 0;
  let lineBytes = 0;
  do {
    await appendAuditRecord(paths, event(`before-${size}`));
    lineBytes = (await stat(paths.log)).size - size;
    size += lineBytes;
  } while (size % PAGE === 0 || PAGE - (size % PAGE) > lineBytes - 16);
  const filler = await open(join(directory, 'filler'), 'w');
  const block = Buffer.alloc(PAGE, 0x61);
  try {
    for (;;) await filler.write(block);
  } catch {
    // ENOSPC: full. Give one page back, for the lock.
    await filler.truncate((await filler.stat()).size - PAGE);
  } finally {
    await filler.close();
  }
  const logBefore = await readFile(paths.log);
  const headBefore = await readFile(paths.head);
  let error: unknown = null;
  try {
    await appendAuditRecord(paths, event('after'));
  } catch (caught) {
    error = caught;
  }
  return {
    error: error === null ? null : errorOf(error),
    isLogUnchanged: logBefore.equals(await readFile(paths.log)),
    isHeadUnchanged: headBefore.equals(await readFile(paths.head)),
    verify: await verifyAuditLog(paths),
  };
}

const result = command === 'append' ? await append() : await fullDisk();
process.stdout.write(`${JSON.stringify(result)}\n`);
