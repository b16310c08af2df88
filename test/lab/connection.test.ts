import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profilesPath } from '../../main/core/profiles/profile-store.js';
import { kinitAs, requireLab, type LabComputer } from './lab-env.js';
import { errorOf, jsonOf, runLapsctl } from './lapsctl.js';

const lab = requireLab();

/** A TCP server on loopback that accepts connections and never says a word. */
async function silentServer(): Promise<{ port: number; close: () => void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

/** Forwards to the DC, then drops both sides once `cutAfterBytes` have come back from it. */
async function dyingProxy(
  target: { host: string; port: number },
  cutAfterBytes: number,
): Promise<{ port: number; close: () => void }> {
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    let forwarded = 0;
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      forwarded += chunk.length;
      if (forwarded > cutAfterBytes) {
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

/** Runs lapsctl inside a private mount namespace with the lab's resolver (and optionally hosts). */
const inLabNetwork =
  (files: { resolvConf: string; hosts?: string }) => (argv: readonly string[]) => [
    'unshare',
    '-m',
    'sh',
    '-c',
    `mount --bind "$0" /etc/resolv.conf ${files.hosts ? '&& mount --bind "$1" /etc/hosts' : ''} && shift && exec "$@"`,
    files.resolvConf,
    files.hosts ?? '-',
    ...argv,
  ];

describe.skipIf(!lab)('connecting to the lab DC', () => {
  if (!lab) return;
  const secret = (user: 'administrator' | 'helpdesk') => [
    '--user',
    lab.users[user].upn,
    '--password-file',
    lab.users[user].passwordFile,
  ];
  const windowsLaps = lab.computers.find(
    (c): c is LabComputer & { windowsLaps: NonNullable<LabComputer['windowsLaps']> } =>
      c.windowsLaps !== null && c.ou === 'workstations' && c.legacy === null,
  );
  const inServers = lab.computers.find((c) => c.windowsLaps !== null && c.ou === 'servers');
  if (!windowsLaps || !inServers)
    throw new Error('the lab seed lacks Windows LAPS computers in Workstations and Servers');
  const dcPort = Number(new URL(lab.ldapsUrl).port || 636);

  describe('TLS', () => {
    it('reads over LDAPS and over StartTLS, with the certificate verified against the given CA', async () => {
      for (const server of [lab.ldapsUrl, lab.startTlsUrl]) {
        const body = jsonOf<{ password: string }>(
          await runLapsctl([
            'get',
            windowsLaps.name,
            '--json',
            '--server',
            server,
            '--ca',
            lab.caFile,
            ...secret('administrator'),
          ]),
        );
        expect(body.password).toBe(windowsLaps.windowsLaps.password);
      }
    });

    it('exits 5 when the certificate does not chain to the trusted CAs', async () => {
      const otherCa = mkdtempSync(join(tmpdir(), 'other-ca-'));
      // A real CA certificate, just not the lab's.
      writeFileSync(join(otherCa, 'ca.pem'), (await import('node:tls')).rootCertificates[0] ?? '');
      for (const ca of [['--ca', join(otherCa, 'ca.pem')], []]) {
        for (const server of [lab.ldapsUrl, lab.startTlsUrl]) {
          const result = await runLapsctl([
            'get',
            windowsLaps.name,
            '--json',
            '--server',
            server,
            ...ca,
            ...secret('administrator'),
          ]);
          expect(result.code).toBe(5);
          expect(errorOf(result).code).toBe('tls-failed');
          expect(errorOf(result).message).toContain('--ca');
        }
      }
    });

    it('exits 5 when the server name is not in the certificate', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'hosts-'));
      writeFileSync(join(dir, 'hosts'), '127.0.0.1 localhost\n127.0.0.1 not-the-dc.lab.test\n');
      const result = await runLapsctl(
        [
          'get',
          windowsLaps.name,
          '--json',
          '--server',
          `ldaps://not-the-dc.lab.test:${dcPort}`,
          '--ca',
          lab.caFile,
          ...secret('administrator'),
        ],
        {
          wrap: inLabNetwork({ resolvConf: lab.resolvConf, hosts: join(dir, 'hosts') }),
        },
      );
      expect(result.code).toBe(5);
      expect(errorOf(result)).toMatchObject({
        code: 'tls-failed',
        message: expect.stringContaining('ERR_TLS_CERT_ALTNAME_INVALID') as unknown,
      });
    });

    it('exits 5 when ldaps:// is pointed at the plain LDAP port', async () => {
      const result = await runLapsctl([
        'get',
        windowsLaps.name,
        '--json',
        '--server',
        lab.startTlsUrl.replace('ldap://', 'ldaps://'),
        '--ca',
        lab.caFile,
        ...secret('administrator'),
      ]);
      expect(result.code).toBe(5);
    });
  });

  describe('a DC that fails', () => {
    let silent: Awaited<ReturnType<typeof silentServer>>;
    let dying: Awaited<ReturnType<typeof dyingProxy>>;
    beforeAll(async () => {
      silent = await silentServer();
      // The TLS handshake and the bind answer fit in a few kB; a 500-computer search does not.
      dying = await dyingProxy({ host: '127.0.0.1', port: dcPort }, 24_000);
    });
    afterAll(() => {
      silent.close();
      dying.close();
    });

    it('exits 5 within 5 s when the DC accepts the connection but never answers', async () => {
      for (const scheme of ['ldaps', 'ldap']) {
        const result = await runLapsctl([
          'get',
          'PC0001',
          '--json',
          '--server',
          `${scheme}://127.0.0.1:${silent.port}`,
          '--ca',
          lab.caFile,
          ...secret('administrator'),
        ]);
        expect(result.code).toBe(5);
        expect(errorOf(result).code).toBe('dc-unreachable');
        expect(result.elapsedMs).toBeLessThan(5_000);
      }
    });

    it('exits 5 at once when nothing listens', async () => {
      const result = await runLapsctl([
        'get',
        'PC0001',
        '--json',
        '--server',
        'ldaps://127.0.0.1:1',
        '--ca',
        lab.caFile,
        ...secret('administrator'),
      ]);
      expect(result.code).toBe(5);
      expect(errorOf(result).message).toContain('ECONNREFUSED');
      expect(result.elapsedMs).toBeLessThan(3_000);
    });

    it('exits 5 with "connection lost" when the DC dies mid-request', async () => {
      const result = await runLapsctl([
        'search',
        '*',
        '--limit',
        '10000',
        '--json',
        '--server',
        `ldaps://127.0.0.1:${dying.port}`,
        '--ca',
        lab.caFile,
        ...secret('administrator'),
      ]);
      expect(result.stdout).toBe('');
      expect(result.code).toBe(5);
      expect(errorOf(result)).toMatchObject({
        code: 'dc-unreachable',
        message: expect.stringContaining('lost') as unknown,
      });
    });
  });

  describe('simple bind', () => {
    it('takes DOMAIN\\user as well as a UPN', async () => {
      const body = jsonOf<{ password: string }>(
        await runLapsctl([
          'get',
          windowsLaps.name,
          '--json',
          '--server',
          lab.ldapsUrl,
          '--ca',
          lab.caFile,
          '--user',
          `LAB\\${lab.users.helpdesk.samAccountName}`,
          '--password-file',
          lab.users.helpdesk.passwordFile,
        ]),
      );
      expect(body.password).toBe(windowsLaps.windowsLaps.password);
    });

    it('exits 5 for a wrong password, saying so', async () => {
      const result = await runLapsctl(
        [
          'get',
          windowsLaps.name,
          '--json',
          '--server',
          lab.ldapsUrl,
          '--ca',
          lab.caFile,
          '--user',
          lab.users.helpdesk.upn,
          '--password-env',
          'PW',
        ],
        { env: { PW: 'wrong-password' } },
      );
      expect(result.code).toBe(5);
      expect(errorOf(result)).toEqual({
        code: 'auth-failed',
        message: expect.stringContaining('user name or password is wrong') as unknown,
      });
    });

    it('takes the password from an environment variable', async () => {
      const { readFileSync } = await import('node:fs');
      const result = await runLapsctl(
        [
          'get',
          windowsLaps.name,
          '--json',
          '--server',
          lab.ldapsUrl,
          '--ca',
          lab.caFile,
          '--user',
          lab.users.helpdesk.upn,
          '--password-env',
          'PW',
        ],
        {
          env: { PW: readFileSync(lab.users.helpdesk.passwordFile, 'utf8') },
        },
      );
      expect(jsonOf<{ password: string }>(result).password).toBe(windowsLaps.windowsLaps.password);
    });

    it('refuses an empty password instead of binding anonymously', async () => {
      const result = await runLapsctl(
        [
          'get',
          windowsLaps.name,
          '--server',
          lab.ldapsUrl,
          '--ca',
          lab.caFile,
          '--user',
          lab.users.helpdesk.upn,
          '--password-env',
          'PW',
        ],
        { env: { PW: '' } },
      );
      expect(result.code).toBe(2);
    });

    it('connects with a saved profile', async () => {
      // The profiles the lab wrote, in a folder of the test's own.
      const dir = mkdtempSync(join(tmpdir(), 'lab-profiles-'));
      copyFileSync(profilesPath(process.env), join(dir, 'profiles.json'));
      const result = await runLapsctl(['get', windowsLaps.name, '--json', '--profile', 'lab'], {
        env: { LAPS_CONSOLE_CONFIG_DIR: dir },
      });
      expect(jsonOf<{ password: string }>(result).password).toBe(windowsLaps.windowsLaps.password);
    });
  });

  describe('Kerberos', () => {
    const ccacheDir = mkdtempSync(join(tmpdir(), 'krb5cc-'));
    const kerberosEnv = (user: 'administrator' | 'helpdesk') => ({
      KRB5_CONFIG: lab.krb5Config,
      KRB5CCNAME: `FILE:${join(ccacheDir, user)}`,
    });
    beforeAll(async () => {
      await kinitAs('administrator', join(ccacheDir, 'administrator'));
      await kinitAs('helpdesk', join(ccacheDir, 'helpdesk'));
    });

    it('reads with the kinit ticket and no password, over LDAPS and StartTLS', async () => {
      for (const server of [lab.ldapsUrl, lab.startTlsUrl]) {
        const result = await runLapsctl(
          [
            'get',
            windowsLaps.name,
            '--json',
            '--auth',
            'kerberos',
            '--server',
            server,
            '--ca',
            lab.caFile,
          ],
          { env: kerberosEnv('administrator') },
        );
        expect(result.stderr).toBe('');
        expect(jsonOf<{ password: string }>(result).password).toBe(
          windowsLaps.windowsLaps.password,
        );
      }
    });

    it("signs in as the ticket's user: helpdesk is denied outside its OU", async () => {
      const inOu = await runLapsctl(
        [
          'get',
          windowsLaps.name,
          '--json',
          '--auth',
          'kerberos',
          '--server',
          lab.ldapsUrl,
          '--ca',
          lab.caFile,
        ],
        { env: kerberosEnv('helpdesk') },
      );
      expect(jsonOf<{ password: string }>(inOu).password).toBe(windowsLaps.windowsLaps.password);
      const outside = await runLapsctl(
        ['get', inServers.name, '--auth', 'kerberos', '--server', lab.ldapsUrl, '--ca', lab.caFile],
        { env: kerberosEnv('helpdesk') },
      );
      expect(outside.code).toBe(4);
    });

    it('exits 5 without a ticket, telling the user to kinit', async () => {
      const result = await runLapsctl(
        [
          'get',
          windowsLaps.name,
          '--json',
          '--auth',
          'kerberos',
          '--server',
          lab.ldapsUrl,
          '--ca',
          lab.caFile,
        ],
        {
          env: { KRB5_CONFIG: lab.krb5Config, KRB5CCNAME: `FILE:${join(ccacheDir, 'none')}` },
        },
      );
      expect(result.code).toBe(5);
      expect(errorOf(result)).toMatchObject({
        code: 'auth-failed',
        message: expect.stringContaining('kinit') as unknown,
      });
    });

    it('finds the DCs by DNS with no flags at all, skipping the dead DC listed first', async () => {
      const result = await runLapsctl(['get', windowsLaps.name, '--json', '--ca', lab.caFile], {
        env: kerberosEnv('administrator'),
        wrap: inLabNetwork({ resolvConf: lab.resolvConf }),
      });
      expect(result.stderr).toBe('');
      expect(jsonOf<{ password: string }>(result).password).toBe(windowsLaps.windowsLaps.password);
    });

    it('finds the DCs by DNS for a simple bind too', async () => {
      const result = await runLapsctl(
        [
          'get',
          windowsLaps.name,
          '--json',
          '--domain',
          lab.domain,
          '--ca',
          lab.caFile,
          ...secret('administrator'),
        ],
        { wrap: inLabNetwork({ resolvConf: lab.resolvConf }) },
      );
      expect(jsonOf<{ password: string }>(result).password).toBe(windowsLaps.windowsLaps.password);
    });
  });
});
