import { open, unlink } from 'node:fs/promises';
import { auditActorFor } from '../../core/audit/audit-actor.js';
import {
  appendAuditRecord,
  checkAuditWritable,
  type AuditLogPaths,
} from '../../core/audit/audit-log.js';
import { connectWithProfile } from '../../core/directory/connect.js';
import { readKdsRootKeys } from '../../core/directory/kds-root-keys.js';
import { rootKeyToJson } from '../../core/dpapi-ng/root-key-json.js';
import { UsageError } from '../../core/errors/laps-error.js';
import type { ConnectionProfile } from '../../core/profiles/profile.js';
import { writeJson, type Output } from '../output.js';

/**
 * `lapsctl kds-export --out FILE`: the forest's KDS root keys, for the disaster-recovery kit
 * (`lapsctl decrypt --root-key-file`). The file is created new with mode 0600; an existing file
 * is never overwritten. Audited like a reveal: these keys open every encrypted password.
 */
export async function runKdsExport(
  profile: ConnectionProfile,
  out: string | undefined,
  output: Output,
  signal: AbortSignal,
  auditPaths: AuditLogPaths,
): Promise<void> {
  if (out === undefined) throw new UsageError('kds-export needs --out FILE.');
  await checkAuditWritable(auditPaths, 'export');
  const session = await connectWithProfile(profile, { signal });
  try {
    const keys = await readKdsRootKeys(session);
    const ids = keys.map((key) => key.id);
    let file;
    try {
      file = await open(out, 'wx', 0o600);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new UsageError(
        code === 'EEXIST'
          ? `${out} exists: kds-export never overwrites a file; give a new name.`
          : `Cannot create ${out} (${code}).`,
      );
    }
    try {
      // Recorded before a key is written (fail closed): no record, no keys in the file.
      await appendAuditRecord(auditPaths, {
        action: 'export',
        computer: '',
        dn: `CN=Master Root Keys,CN=Group Key Distribution Service,CN=Services,${(await session.rootDse()).configurationNamingContext}`,
        source: null,
        detail: `KDS root keys ${ids.join(', ')} to ${out}`,
        actor: auditActorFor(profile, session),
        app: 'lapsctl',
      });
      await file.writeFile(`${JSON.stringify(keys.map(rootKeyToJson), null, 2)}\n`);
    } catch (error) {
      await file.close();
      await unlink(out).catch(() => undefined);
      throw error;
    }
    await file.close();
    if (output.json) {
      writeJson(output, { out, rootKeys: ids });
      return;
    }
    output.stdout.write(
      `Wrote ${ids.length} KDS root key${ids.length === 1 ? '' : 's'} (${ids.join(', ')}) to ${out}, mode 0600: keep it offline, like a backup of every encrypted LAPS password.\n`,
    );
  } finally {
    await session.close();
  }
}
