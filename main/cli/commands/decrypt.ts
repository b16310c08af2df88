import { open } from 'node:fs/promises';
import { osUserName } from '../../core/audit/audit-actor.js';
import { appendAuditRecord, type AuditLogPaths } from '../../core/audit/audit-log.js';
import { parseDpapiNgBlob } from '../../core/dpapi-ng/blob.js';
import { parseKeyIdentifier } from '../../core/dpapi-ng/gkdi.js';
import { rootKeySource } from '../../core/dpapi-ng/key-source.js';
import { decryptLapsBlob, splitLapsValueOrBlob } from '../../core/dpapi-ng/laps.js';
import { rootKeyFromJson } from '../../core/dpapi-ng/root-key-json.js';
import { MalformedDataError, UsageError } from '../../core/errors/laps-error.js';
import { describeTime, isoOrNull, writeBlock, writeJson, type Output } from '../output.js';

/** A LAPS value is a few kilobytes; a root key file a few, times the keys in it. */
const MAX_BLOB_FILE = 64 * 1024;
const MAX_ROOT_KEY_FILE = 1024 * 1024;

/**
 * Reads a file the user names, refusing one larger than `max` before reading it: a wrong path
 * to a huge file must not fill the memory. A missing or unreadable file is a usage error.
 */
export async function readBoundedFile(path: string, what: string, max: number): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new UsageError(
      `Cannot read the ${what} ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
    );
  }
  try {
    const { size } = await handle.stat();
    if (size > max)
      throw new MalformedDataError(
        `The ${what} ${path} is ${size} bytes, far more than one can be (at most ${max}).`,
      );
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** Binary as is; a file of only hex digits or only base64 (an export or a paste) decoded. */
function blobBytes(file: Buffer): Buffer {
  const text = file.toString('latin1').trim();
  if (/^([0-9a-fA-F]{2}\s*)+$/.test(text)) return Buffer.from(text.replace(/\s+/g, ''), 'hex');
  if (/^[A-Za-z0-9+/\s]+={0,2}$/.test(text) && text.length >= 64)
    return Buffer.from(text, 'base64');
  return file;
}

function parseJson(bytes: Buffer, where: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    throw new MalformedDataError(`${where} is not JSON: give the file kds-export wrote.`);
  }
}

/** `lapsctl decrypt`: a LAPS value decrypted offline with a KDS root key (disaster recovery). */
export async function runDecrypt(
  blobFile: string | undefined,
  rootKeyFile: string | undefined,
  output: Output,
  auditPaths: AuditLogPaths,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  if (blobFile === undefined || rootKeyFile === undefined)
    throw new UsageError('decrypt needs --blob-file FILE and --root-key-file FILE.');
  const value = blobBytes(await readBoundedFile(blobFile, 'blob file', MAX_BLOB_FILE));
  const json = parseJson(
    await readBoundedFile(rootKeyFile, 'root key file', MAX_ROOT_KEY_FILE),
    rootKeyFile,
  );
  // One key as the issue describes it, or the list kds-export writes.
  const keys = (Array.isArray(json) ? json : [json]).map((one, i) =>
    rootKeyFromJson(one, Array.isArray(json) ? `${rootKeyFile} [${i}]` : rootKeyFile),
  );
  const { blob } = splitLapsValueOrBlob(value);
  const rootKeyId = parseKeyIdentifier(parseDpapiNgBlob(blob).keyIdentifier).rootKeyId;
  const payload = await decryptLapsBlob(
    blob,
    rootKeySource(() => Promise.resolve(keys)),
  );
  // Recorded before it is shown, like every reveal; no directory took part.
  await appendAuditRecord(auditPaths, {
    action: 'decrypt',
    computer: '',
    dn: '',
    source: 'windows-laps-encrypted',
    detail: `offline: ${blobFile} with KDS root key ${rootKeyId}`,
    actor: { osUser: osUserName(env), identity: 'offline', server: null },
    app: 'lapsctl',
  });
  if (output.json) {
    writeJson(output, {
      account: payload.account,
      password: payload.password,
      updated: isoOrNull(payload.updated),
    });
    return;
  }
  writeBlock(output, [
    ['Account', payload.account],
    ['Password', payload.password],
    ['Updated', describeTime(payload.updated, output.now)],
  ]);
}
