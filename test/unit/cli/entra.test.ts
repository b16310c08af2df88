// lapsctl entra against the Entra emulator: the built CLI, unpatched, with only its URLs pointed
// at the emulator and its test CA trusted with --ca.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEntra } from '../../../main/cli/commands/entra.js';
import { auditLogPaths } from '../../../main/core/audit/audit-log.js';
import {
  startEntraEmulator,
  type EntraEmulator,
  type UserName,
} from '../../fixtures/entra-emulator/index.js';

const LAPSCTL = join(import.meta.dirname, '../../../dist/cli/lapsctl.cjs');

let emulator: EntraEmulator;
let certFile: string;
let configDir: string;

beforeAll(async () => {
  emulator = await startEntraEmulator();
  const dir = mkdtempSync(join(tmpdir(), 'lapsctl-entra-'));
  certFile = join(dir, 'client.pem');
  writeFileSync(certFile, `${emulator.clients.certPem}\n${emulator.clients.keyPem}\n`);
  configDir = join(dir, 'config');
});
afterAll(async () => {
  await emulator.close();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function lapsctl(
  args: string[],
  options: {
    /** Called with all of stderr so far, each time more arrives. */
    onStderr?: (text: string, child: ChildProcess) => void;
    env?: Record<string, string>;
  } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--use-openssl-ca', LAPSCTL, ...args], {
      env: {
        PATH: process.env.PATH,
        LAPS_CONSOLE_CONFIG_DIR: configDir,
        // No desktop opener in the sign-in tests unless they give one.
        BROWSER: 'false',
        ...options.env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      options.onStderr?.(stderr, child);
    });
    // A sign-in that waits for a code nobody approves must not outlive the test.
    const timer = setTimeout(() => child.kill(), 20_000);
    child.on('error', reject);
    child.on('close', () => clearTimeout(timer));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * `lapsctl entra get DEVICE --json --device-code` against the emulator, the code approved (with
 * consent) as `user` as soon as lapsctl prints it, as the user at the verification page would.
 */
async function getWithDeviceCode(
  device: string,
  user: UserName,
): Promise<Run & { wasApproved: boolean }> {
  let wasApproved = false;
  const result = await lapsctl(
    [
      'entra',
      'get',
      device,
      '--json',
      '--device-code',
      '--client-id',
      emulator.clients.publicClientId,
      ...emulatorFlags(),
    ],
    {
      onStderr: (stderr) => {
        const code = /enter the code ([A-Z0-9-]+)/i.exec(stderr)?.[1];
        if (code !== undefined && !wasApproved) {
          wasApproved = true;
          emulator.approveDeviceCode(code, user, { consent: true });
        }
      },
    },
  );
  return { ...result, wasApproved };
}

const emulatorFlags = () => [
  '--authority',
  emulator.authority,
  '--graph-url',
  emulator.graphUrl,
  '--ca',
  emulator.caFile,
];
const certFlags = () => [
  ...emulatorFlags(),
  '--client-id',
  emulator.clients.certClientId,
  '--client-cert',
  certFile,
];

function lapsDevices() {
  return emulator.seed.devices.filter((d) => d.laps !== undefined);
}

describe('lapsctl entra (emulator)', () => {
  it('lists every device with a LAPS backup, following @odata.nextLink', async () => {
    const result = await lapsctl(['entra', 'list', '--json', ...certFlags()]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const listed = JSON.parse(result.stdout) as { computer: string; deviceId: string }[];
    expect(listed.map((d) => d.deviceId).sort()).toEqual(
      lapsDevices()
        .map((d) => d.deviceId)
        .sort(),
    );
  });

  it('filters the list by name prefix', async () => {
    const result = await lapsctl([
      'entra',
      'list',
      '--filter',
      'DESKTOP',
      '--json',
      ...certFlags(),
    ]);
    expect(result.code).toBe(0);
    const listed = JSON.parse(result.stdout) as { computer: string }[];
    expect(listed.length).toBeGreaterThan(0);
    for (const d of listed) expect(d.computer.toUpperCase().startsWith('DESKTOP')).toBe(true);
  });

  it('reads a password and its history, decoding UTF-16LE and UTF-8 alike', async () => {
    const byEncoding = ['utf16le', 'utf8'].map((encoding) =>
      lapsDevices().find(
        (d) =>
          (d.laps?.credentials.length ?? 0) > 1 && d.laps?.credentials[0]?.encoding === encoding,
      ),
    );
    for (const device of byEncoding) {
      expect(device).toBeDefined();
      if (!device?.laps) continue;
      const result = await lapsctl([
        'entra',
        'get',
        device.displayName,
        '--history',
        '--json',
        ...certFlags(),
      ]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const shown = JSON.parse(result.stdout) as {
        password: string;
        deviceId: string;
        history: { password: string }[];
      };
      const [current, ...older] = device.laps.credentials;
      expect(shown.deviceId).toBe(device.deviceId);
      expect(shown.password).toBe(current?.password);
      expect(shown.history.map((h) => h.password)).toEqual(older.map((c) => c.password));
    }
  });

  it('retries a throttled call after Retry-After and says so', async () => {
    emulator.injectFailures(/deviceLocalCredentials/, [429, 503], 1);
    const result = await lapsctl(['entra', 'list', '--json', ...certFlags()]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('HTTP 429');
    expect(result.stderr).toContain('HTTP 503');
  });

  it(
    'signs in with a device code and names the missing permission when refused',
    { timeout: 20_000 },
    async () => {
      // The reader may browse but not read passwords: the 403 says which permission is missing.
      const result = await getWithDeviceCode(lapsDevices()[0]?.displayName ?? '', 'reader');
      expect(result.wasApproved).toBe(true);
      // Consented, yet without a directory role that may read passwords: access denied, exit 4.
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(/DeviceLocalCredential\.Read\.All/);
      expect(result.stderr).toMatch(/Cloud Device Administrator/);
    },
  );

  it(
    'signs in with a device code and reads a password as the helpdesk user',
    { timeout: 20_000 },
    async () => {
      const device = lapsDevices()[0];
      const result = await getWithDeviceCode(device?.displayName ?? '', 'helpdesk');
      expect(result.stderr).toContain('enter the code');
      expect(result.code).toBe(0);
      expect((JSON.parse(result.stdout) as { password: string }).password).toBe(
        device?.laps?.credentials[0]?.password,
      );
      const shown = await lapsctl(['audit', 'show', '--limit', '1', '--json']);
      const [record] = JSON.parse(shown.stdout) as { actor: { identity: string } }[];
      expect(record?.actor.identity).toBe(emulator.users.helpdesk.username);
    },
  );

  it('refuses the emulator when its CA is not trusted', async () => {
    const result = await lapsctl([
      'entra',
      'list',
      ...certFlags().filter((a) => a !== '--ca' && a !== emulator.caFile),
    ]);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('--ca FILE');
  });

  it('records a reveal in the audit log, never the password', async () => {
    const device = lapsDevices()[2];
    const result = await lapsctl(['entra', 'get', device?.displayName ?? '', ...certFlags()]);
    expect(result.code).toBe(0);
    const shown = await lapsctl(['audit', 'show', '--limit', '1', '--json']);
    const [record] = JSON.parse(shown.stdout) as Record<string, unknown>[];
    expect(record).toMatchObject({
      action: 'reveal',
      computer: device?.displayName,
      dn: `entra:${device?.deviceId}`,
      source: 'entra',
      app: 'lapsctl',
      actor: { identity: `app:${emulator.clients.certClientId}`, server: emulator.graphUrl },
    });
    expect(JSON.stringify(record)).not.toContain(device?.laps?.credentials[0]?.password);
  });

  it('asks Intune to rotate, says it happens at check-in, and audits it', async () => {
    const device = emulator.seed.devices.find((d) => d.laps && d.managedDeviceId !== undefined);
    if (!device) throw new Error('the seed has no managed device with LAPS');
    const result = await lapsctl(['entra', 'rotate', device.displayName, '--json', ...certFlags()]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      deviceId: device.deviceId,
      managedDeviceId: device.managedDeviceId,
      requested: true,
    });
    const newPassword = emulator.checkIn(device.deviceId);
    expect(newPassword).toBeDefined();
    const after = await lapsctl(['entra', 'get', device.displayName, '--json', ...certFlags()]);
    expect((JSON.parse(after.stdout) as { password: string }).password).toBe(newPassword);
    const shown = await lapsctl(['audit', 'show', '--limit', '2', '--json']);
    const records = JSON.parse(shown.stdout) as { action: string; source: string }[];
    expect(records.map((r) => [r.action, r.source])).toEqual([
      ['rotate', 'entra'],
      ['reveal', 'entra'],
    ]);
  });

  it('says plainly when a device is not in Intune', async () => {
    const device = emulator.seed.devices.find((d) => d.laps && d.managedDeviceId === undefined);
    if (!device) return;
    const result = await lapsctl(['entra', 'rotate', device.displayName, ...certFlags()]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('not enrolled in Intune');
  });

  it('shows the device record beside the password in text output', async () => {
    const device = lapsDevices()[4];
    const result = await lapsctl(['entra', 'get', device?.displayName ?? '', ...certFlags()]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Device ID     ${device?.deviceId}`);
    expect(result.stdout).toContain(device?.operatingSystem);
    expect(result.stdout).toMatch(/Join type +Microsoft Entra/);
    expect(result.stdout).toContain(`Password      ${device?.laps?.credentials[0]?.password}`);
  });
});

const FAKE_BROWSER = join(import.meta.dirname, 'entra-fake-browser.ts');

describe('lapsctl entra sign-in in the browser (emulator)', () => {
  let autoEmulator: EntraEmulator;
  beforeAll(async () => {
    // Its authorize page signs the helpdesk in at once, as a browser with a session would.
    autoEmulator = await startEntraEmulator({
      autoApproveDeviceCodes: { user: 'helpdesk', consent: true },
    });
  });
  afterAll(async () => {
    await autoEmulator.close();
  });

  it('opens $BROWSER at the authorize URL by default and reads the password', async () => {
    const device = lapsDevices()[3];
    const result = await lapsctl(
      [
        'entra',
        'get',
        device?.displayName ?? '',
        '--json',
        '--client-id',
        autoEmulator.clients.publicClientId,
        '--authority',
        autoEmulator.authority,
        '--graph-url',
        autoEmulator.graphUrl,
        '--ca',
        autoEmulator.caFile,
      ],
      {
        env: {
          BROWSER: `${process.execPath} --import tsx ${FAKE_BROWSER} --ca ${autoEmulator.caFile}`,
        },
      },
    );
    expect(result.stderr).toContain('in the browser that opened');
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { password: string }).password).toBe(
      autoEmulator.seed.devices.find((d) => d.deviceId === device?.deviceId)?.laps?.credentials[0]
        ?.password,
    );
    const authorize = autoEmulator.requests.find((r) => r.path.includes('/oauth2/v2.0/authorize'));
    const query = new URL(authorize?.path ?? '', autoEmulator.authorityHost).searchParams;
    expect(query.get('redirect_uri')).toMatch(/^http:\/\/localhost:\d+$/);
    expect(query.get('scope')).toContain('DeviceLocalCredential.Read.All');
  });
});

describe('lapsctl entra sign-in without a browser (emulator)', () => {
  it(
    'prints the URL when no browser opens, and a browser opened by hand finishes the sign-in',
    { timeout: 20_000 },
    async () => {
      let followed = false;
      const result = await lapsctl(
        [
          'entra',
          'list',
          '--json',
          '--client-id',
          emulator.clients.publicClientId,
          ...emulatorFlags(),
        ],
        {
          env: { BROWSER: '/nonexistent/browser' },
          onStderr: (stderr) => {
            const url = /^(https:\/\/\S+\/authorize\S*)$/m.exec(stderr)?.[1];
            if (url !== undefined && !followed) {
              followed = true;
              void emulator.signInInteractively(url, 'reader');
            }
          },
        },
      );
      expect(result.stderr).toMatch(/Could not open a browser \(\/nonexistent\/browser: .*ENOENT/);
      expect(result.stderr).toContain('--device-code');
      expect(followed).toBe(true);
      expect(result.code).toBe(0);
      expect((JSON.parse(result.stdout) as unknown[]).length).toBe(lapsDevices().length);
    },
  );

  it('stops waiting for the browser on Ctrl+C (exit 130)', { timeout: 20_000 }, async () => {
    let interrupted = false;
    const result = await lapsctl(
      ['entra', 'list', '--client-id', emulator.clients.publicClientId, ...emulatorFlags()],
      {
        // `true` "opens" nothing and exits 0: lapsctl waits for a sign-in that never comes.
        env: { BROWSER: 'true' },
        onStderr: (stderr, child) => {
          if (stderr.includes('in the browser that opened') && !interrupted) {
            interrupted = true;
            child.kill('SIGINT');
          }
        },
      },
    );
    expect(interrupted).toBe(true);
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('cancelled');
  });
});

describe('lapsctl entra with the certificate app (emulator)', () => {
  it('names itself to Graph with the version in package.json', async () => {
    const before = emulator.requests.length;
    const result = await lapsctl(['entra', 'list', '--json', ...certFlags()]);
    expect(result.code).toBe(0);
    const graphCalls = emulator.requests
      .slice(before)
      .filter((r) => r.path.includes('/deviceLocalCredentials'));
    expect(graphCalls.length).toBeGreaterThan(0);
    const { version } = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../../package.json'), 'utf8'),
    ) as { version: string };
    for (const call of graphCalls) {
      expect(call.headers['ocp-client-name']).toBe('LAPS Console');
      expect(call.headers['ocp-client-version']).toBe(version);
    }
  });

  it('exits 4 naming the application permission an app without it lacks', async () => {
    const limited = await startEntraEmulator({ appRoles: ['DeviceLocalCredential.ReadBasic.All'] });
    try {
      const device = limited.seed.devices.find((d) => d.laps !== undefined);
      const flags = [
        '--authority',
        limited.authority,
        '--graph-url',
        limited.graphUrl,
        '--ca',
        limited.caFile,
        '--client-id',
        limited.clients.certClientId,
        '--client-cert',
        certFileFor(limited),
      ];
      expect((await lapsctl(['entra', 'list', ...flags])).code).toBe(0);
      const result = await lapsctl(['entra', 'get', device?.displayName ?? '', ...flags]);
      expect(result.code).toBe(4);
      expect(result.stderr).toContain('the DeviceLocalCredential.Read.All application permission');
    } finally {
      await limited.close();
    }
  });

  it("takes the console's entra.json for what the flags leave out; flags win", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lapsctl-entra-json-'));
    writeFileSync(
      join(dir, 'entra.json'),
      JSON.stringify({
        clientId: emulator.clients.certClientId,
        tenant: emulator.tenantId,
        cloud: 'global',
        authority: emulator.authority,
        // Wrong on purpose: the --graph-url flag below replaces it.
        graphUrl: 'https://127.0.0.1:9/graph',
        ca: emulator.caFile,
      }),
    );
    const env = { LAPS_CONSOLE_CONFIG_DIR: dir };
    const withFlag = await lapsctl(
      ['entra', 'list', '--json', '--client-cert', certFile, '--graph-url', emulator.graphUrl],
      { env },
    );
    expect(withFlag.stderr).toBe('');
    expect(withFlag.code).toBe(0);
    const fromFile = await lapsctl(['entra', 'list', '--client-cert', certFile], { env });
    expect(fromFile.code).toBe(5);
    expect(fromFile.stderr).toContain('Cannot reach 127.0.0.1:9');
  });

  it('says which file is damaged when entra.json is not JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lapsctl-entra-json-'));
    writeFileSync(join(dir, 'entra.json'), '{"clientId": ');
    const result = await lapsctl(['entra', 'list', '--client-cert', certFile], {
      env: { LAPS_CONSOLE_CONFIG_DIR: dir },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${join(dir, 'entra.json')} is not valid JSON`);
  });

  it('gives up waiting for a new backup with exit 6 once --timeout passes', async () => {
    const device = emulator.seed.devices.find((d) => d.laps && d.managedDeviceId !== undefined);
    const started = Date.now();
    const result = await lapsctl([
      'entra',
      'rotate',
      device?.displayName ?? '',
      '--wait',
      '--timeout',
      '1',
      ...certFlags(),
    ]);
    expect(result.code).toBe(6);
    expect(result.stderr).toContain('waiting for the device to back up a new one');
    expect(result.stderr).toContain('has not backed up a new password within 1 s');
    expect(Date.now() - started).toBeLessThan(10_000);
    emulator.checkIn(device?.deviceId ?? '');
  });

  it('waits for the new backup after a rotation, with progress on stderr', async () => {
    const device = emulator.seed.devices.find((d) => d.laps && d.managedDeviceId !== undefined);
    if (!device) throw new Error('the seed has no managed device with LAPS');
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    let hasCheckedIn = false;
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      // The device checks in while lapsctl waits, after it has seen the old backup once.
      if (err.includes('No new backup') && !hasCheckedIn) {
        hasCheckedIn = true;
        emulator.checkIn(device.deviceId);
      }
    });
    const code = await runEntra(
      ['rotate', device.displayName, '--wait', '--json', ...certFlags()],
      { stdout, stderr, json: true, now: new Date() },
      auditLogPaths(configDir),
      { LAPS_CONSOLE_CONFIG_DIR: configDir },
      new AbortController().signal,
      { pollIntervalMs: 50 },
    );
    expect(code).toBe(0);
    const shown = JSON.parse(out) as { previousBackup: string; lastBackup: string };
    expect(Date.parse(shown.lastBackup)).toBeGreaterThan(Date.parse(shown.previousBackup));
    expect(err).toContain(`No new backup of ${device.displayName} yet`);
  });
});

function certFileFor(target: EntraEmulator): string {
  const file = join(mkdtempSync(join(tmpdir(), 'lapsctl-entra-')), 'client.pem');
  writeFileSync(file, `${target.clients.certPem}\n${target.clients.keyPem}\n`);
  return file;
}
