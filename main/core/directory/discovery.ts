import { promises as dns } from 'node:dns';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { DcUnreachableError, UsageError } from '../errors/laps-error.js';
import type { DirectoryTarget } from './target.js';

/**
 * The domain this machine belongs to, as a domain-joined desktop would know it: the Kerberos
 * default realm, then Windows' USERDNSDOMAIN, then the host's own DNS domain.
 */
export async function findCurrentDomain(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const realm = await krb5DefaultRealm(env);
  if (realm) return realm.toLowerCase();
  const userDnsDomain = env.USERDNSDOMAIN?.trim();
  if (userDnsDomain) return userDnsDomain.toLowerCase();
  const hostDomain = await hostDnsDomain();
  if (hostDomain) return hostDomain.toLowerCase();
  throw new UsageError(
    'Cannot tell which domain this computer is in: give --server ldaps://dc.example.com, or a --profile.',
  );
}

async function krb5DefaultRealm(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const paths = (env.KRB5_CONFIG ?? '/etc/krb5.conf').split(':');
  for (const path of paths) {
    try {
      const text = await readFile(path, 'utf8');
      const realm = /^\s*default_realm\s*=\s*(\S+)/m.exec(text)?.[1];
      if (realm) return realm;
    } catch {
      // No krb5.conf here: not a Kerberos client; fall through to the next clue.
    }
  }
  return undefined;
}

async function hostDnsDomain(): Promise<string | undefined> {
  const name = hostname();
  const dot = name.indexOf('.');
  if (dot > 0 && dot < name.length - 1) return name.slice(dot + 1);
  try {
    const resolvConf = await readFile('/etc/resolv.conf', 'utf8');
    return /^\s*(?:domain|search)\s+(\S+)/m.exec(resolvConf)?.[1];
  } catch {
    return undefined;
  }
}

/**
 * The domain's DCs from `_ldap._tcp.dc._msdcs.<domain>` (MS-ADTS 6.3.2.3), in the order RFC 2782
 * says to try them: lowest priority first, and within one priority, randomly by weight.
 * Each is reached by StartTLS on the port the record gives.
 */
export async function findDomainControllers(
  domain: string,
  resolver: Pick<typeof dns, 'resolveSrv'> = dns,
): Promise<DirectoryTarget[]> {
  const name = `_ldap._tcp.dc._msdcs.${domain}`;
  let records: Awaited<ReturnType<typeof dns.resolveSrv>>;
  try {
    records = await resolver.resolveSrv(name);
  } catch (error) {
    throw new DcUnreachableError(
      `No domain controllers for ${domain} were found in DNS (${name}, ${(error as NodeJS.ErrnoException).code ?? 'error'}): check this computer's DNS servers, or give --server.`,
      { cause: error },
    );
  }
  if (records.length === 0) {
    throw new DcUnreachableError(
      `DNS lists no domain controllers for ${domain} (${name}): give --server.`,
    );
  }
  return orderByPriorityAndWeight(records).map((record) => {
    const host = record.name.replace(/\.$/, '');
    return { url: `ldap://${host}:${record.port}`, host, port: record.port, isLdaps: false };
  });
}

export function orderByPriorityAndWeight<T extends { priority: number; weight: number }>(
  records: readonly T[],
  random: () => number = Math.random,
): T[] {
  const byPriority = new Map<number, T[]>();
  for (const record of records)
    byPriority.set(record.priority, [...(byPriority.get(record.priority) ?? []), record]);
  const ordered: T[] = [];
  for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) {
    const pool = [...(byPriority.get(priority) ?? [])];
    while (pool.length > 0) {
      const total = pool.reduce((sum, record) => sum + record.weight, 0);
      let pick = random() * total;
      let index = pool.findIndex((record) => (pick -= record.weight) < 0);
      if (index < 0) index = 0;
      ordered.push(...pool.splice(index, 1));
    }
  }
  return ordered;
}
