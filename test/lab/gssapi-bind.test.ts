/**
 * Kerberos (SASL GSSAPI) bind against the lab DC, with no password on the LDAP connection. The
 * lab accepts GSSAPI over TLS without channel bindings, as a Windows DC does by default (Samba:
 * ldap server require strong auth = allow_sasl_without_tls_channel_bindings).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindWithKerberos } from '../../main/core/directory/gssapi-bind.js';
import { AuthenticationError, UsageError } from '../../main/core/errors/laps-error.js';
import { kinitAs, requireLab } from './lab-env.js';

const WHO_AM_I = '1.3.6.1.4.1.4203.1.11.3'; // RFC 4532

const found = requireLab();
const lab = found && {
  ldapsUrl: found.ldapsUrl,
  startTlsUrl: found.startTlsUrl,
  ca: readFileSync(found.caFile, 'utf8'),
  krb5Config: found.krb5Config,
  baseDn: found.baseDn,
};

describe.skipIf(!lab)('Kerberos bind (SASL GSSAPI) to the lab DC', () => {
  if (!lab) return;
  const tlsOptions = { ca: lab.ca, minVersion: 'TLSv1.2' as const };
  const saved = { KRB5_CONFIG: process.env.KRB5_CONFIG, KRB5CCNAME: process.env.KRB5CCNAME };
  let scratch = '';
  let adminCache = '';
  /** The DC's DNS name from its RootDSE: the host part of its ldap/ service principal. */
  let dcHost = '';
  const clients: Client[] = [];

  /** An anonymous TLS client: ldaps:// (it connects on first use), or ldap:// after StartTLS. */
  async function connect(over: 'LDAPS' | 'StartTLS'): Promise<Client> {
    if (!lab) throw new Error('no lab');
    const url = over === 'LDAPS' ? lab.ldapsUrl : lab.startTlsUrl;
    const client = new Client({
      url,
      timeout: 10_000,
      connectTimeout: 5_000,
      ...(over === 'LDAPS' ? { tlsOptions } : {}),
    });
    clients.push(client);
    const host = new URL(url).hostname;
    if (over === 'StartTLS') {
      await client.startTLS({
        ...tlsOptions,
        ...(net.isIP(host) === 0 ? { servername: host } : {}),
      });
    }
    return client;
  }

  async function whoAmI(client: Client): Promise<string> {
    return (await client.exop(WHO_AM_I)).value ?? '';
  }

  /**
   * The ticket cache (and krb5.conf) the Kerberos library reads for the next bind. It reads this
   * process's environment, which works because vitest runs test files in forks (its default),
   * where process.env is the real environment, unlike in worker threads.
   */
  function useKerberos(ccache: string, krb5Config = lab?.krb5Config ?? ''): void {
    process.env.KRB5_CONFIG = krb5Config;
    process.env.KRB5CCNAME = `FILE:${ccache}`;
  }

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'gssapi-bind-'));
    adminCache = join(scratch, 'administrator.cc');
    await kinitAs('administrator', adminCache);
    const client = await connect('LDAPS');
    const { searchEntries } = await client.search('', {
      scope: 'base',
      attributes: ['dnsHostName'],
    });
    const name = searchEntries[0]?.dnsHostName;
    if (typeof name !== 'string' || name === '')
      throw new Error('the DC has no dnsHostName in its RootDSE');
    dcHost = name;
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.unbind().catch(() => undefined)));
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  it.each(['LDAPS', 'StartTLS'] as const)(
    'signs in over %s with the ticket alone, and the DC then sees the Kerberos identity',
    async (over) => {
      useKerberos(adminCache);
      const client = await connect(over);
      expect(await whoAmI(client)).toBe(''); // anonymous until the bind

      await bindWithKerberos(client, { host: dcHost, timeoutMs: 10_000 });

      expect(client.isBound).toBe(true);
      expect(await whoAmI(client)).toMatch(/^u:[^\\]+\\Administrator$/i);
      // Normal operations still frame correctly on the same connection after our bind rounds.
      const { searchEntries } = await client.search(lab.baseDn, {
        filter: '(sAMAccountName=Administrator)',
        attributes: ['sAMAccountName', 'objectSid'],
        explicitBufferAttributes: ['objectSid'],
      });
      expect(searchEntries.map((entry) => entry.sAMAccountName)).toEqual(['Administrator']);
      let entries = 0;
      for await (const page of client.searchPaginated(lab.baseDn, {
        filter: '(objectClass=*)',
        attributes: ['distinguishedName'],
        paged: { pageSize: 20 },
      })) {
        entries += page.searchEntries.length;
      }
      expect(entries).toBeGreaterThan(20);
      const rootDse = await client.search('', {
        scope: 'base',
        attributes: ['defaultNamingContext'],
      });
      const namingContext = rootDse.searchEntries[0]?.defaultNamingContext;
      expect(typeof namingContext === 'string' && namingContext.toLowerCase()).toBe(
        lab.baseDn.toLowerCase(),
      );
    },
  );

  it('connects an ldaps:// client that has not connected yet, as client.bind does', async () => {
    useKerberos(adminCache);
    const client = await connect('LDAPS');
    expect(client.isConnected).toBe(false);
    await bindWithKerberos(client, { host: dcHost, timeoutMs: 10_000 });
    expect(await whoAmI(client)).toMatch(/^u:[^\\]+\\Administrator$/i);
  });

  it('refuses a connection without TLS, before sending anything', async () => {
    useKerberos(adminCache);
    const client = new Client({ url: lab.startTlsUrl, timeout: 10_000, connectTimeout: 5_000 });
    clients.push(client);
    expect(await whoAmI(client)).toBe('');
    await expect(bindWithKerberos(client, { host: dcHost, timeoutMs: 10_000 })).rejects.toThrow(
      UsageError,
    );
    expect(await whoAmI(client)).toBe('');
  });

  it('tells to run kinit when there is no ticket cache', async () => {
    useKerberos(join(scratch, 'no-such.cc'));
    const client = await connect('LDAPS');
    const failure = bindWithKerberos(client, { host: dcHost, timeoutMs: 10_000 });
    await expect(failure).rejects.toThrow(AuthenticationError);
    await expect(failure).rejects.toThrow(/No Kerberos ticket.*run kinit/);
    expect(await whoAmI(client)).toBe(''); // nothing was sent: still usable, still anonymous
  });

  it('tells to run kinit when the ticket has expired', async () => {
    const shortLived = join(scratch, 'short-lived.cc');
    await kinitAs('administrator', shortLived, { lifetime: '2s' });
    await sleep(3_500);
    useKerberos(shortLived);
    const client = await connect('LDAPS');
    const failure = bindWithKerberos(client, { host: dcHost, timeoutMs: 10_000 });
    await expect(failure).rejects.toThrow(AuthenticationError);
    await expect(failure).rejects.toThrow(/expired.*run kinit/);
  });

  it('names the missing service principal when the host has none', async () => {
    useKerberos(adminCache);
    const client = await connect('LDAPS');
    const host = `no-such-dc.${dcHost.slice(dcHost.indexOf('.') + 1)}`;
    const failure = bindWithKerberos(client, { host, timeoutMs: 10_000 });
    await expect(failure).rejects.toThrow(AuthenticationError);
    await expect(failure).rejects.toThrow(`no Kerberos service principal ldap/${host}`);
  });

  it('says the KDC cannot be reached when krb5.conf points at nothing', async () => {
    // A fresh cache holds the TGT only, so the bind must ask the KDC for the service ticket.
    const tgtOnly = join(scratch, 'tgt-only.cc');
    await kinitAs('administrator', tgtOnly);
    const config = readFileSync(lab.krb5Config, 'utf8');
    const noKdc = config.replace(/^(\s*kdc\s*=\s*).*$/gm, '$1127.0.0.1:1');
    expect(noKdc).not.toBe(config);
    writeFileSync(join(scratch, 'no-kdc.conf'), noKdc);
    useKerberos(tgtOnly, join(scratch, 'no-kdc.conf'));
    const client = await connect('LDAPS');
    const failure = bindWithKerberos(client, { host: dcHost, timeoutMs: 10_000 });
    await expect(failure).rejects.toThrow(AuthenticationError);
    await expect(failure).rejects.toThrow(/No Kerberos KDC could be reached/);
  });
});
