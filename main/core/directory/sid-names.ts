import { EqualityFilter, OrFilter } from 'ldapts';
import { sidToBytes } from '../dpapi-ng/gkdi.js';
import type { DirectorySession } from './session.js';

// Names already looked up, per session: a list of encrypted computers names the same group over
// and over, and one LDAP round trip for it is enough.
const known = new WeakMap<DirectorySession, Map<string, string | null>>();

/**
 * The account names (sAMAccountName) of SIDs, in one search of the domain by objectSid. A SID
 * the directory does not hold, or may not show this reader, maps to null: a name is a courtesy,
 * never a reason to fail the read it decorates.
 */
export async function resolveSidNames(
  session: DirectorySession,
  sids: readonly string[],
): Promise<ReadonlyMap<string, string | null>> {
  const cache = known.get(session) ?? new Map<string, string | null>();
  known.set(session, cache);
  const missing = [...new Set(sids)].filter((sid) => !cache.has(sid));
  if (missing.length > 0) {
    for (const sid of missing) cache.set(sid, null);
    try {
      const base = (await session.rootDse()).defaultNamingContext;
      const { searchEntries } = await session.client.search(base, {
        scope: 'sub',
        filter: new OrFilter({
          filters: missing.map(
            (sid) =>
              new EqualityFilter({ attribute: 'objectSid', value: Buffer.from(sidToBytes(sid)) }),
          ),
        }),
        attributes: ['objectSid', 'sAMAccountName', 'cn'],
        explicitBufferAttributes: ['objectSid'],
        sizeLimit: missing.length,
      });
      for (const entry of searchEntries) {
        const sid = entry.objectSid;
        const name = entry.sAMAccountName ?? entry.cn;
        if (!Buffer.isBuffer(sid) || typeof name !== 'string') continue;
        const text = missing.find((one) => Buffer.from(sidToBytes(one)).equals(sid));
        if (text !== undefined) cache.set(text, name);
      }
    } catch {
      // Unreadable or unreachable: the names stay unknown (null); the caller shows the SID.
    }
  }
  return new Map(sids.map((sid) => [sid, cache.get(sid) ?? null]));
}
