// lapsctl entra against the Entra emulator: the built CLI, unpatched, with only its URLs pointed
// at the emulator and its test CA trusted with --ca.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEntraEmulator, type EntraEmulator } from '../../fixtures/entra-emulator/index.js';

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

function lapsctl(args: string[], onStderr?: (text: string) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--use-openssl-ca', LAPSCTL, ...args], {
      env: {
        PATH: process.env.PATH,
        LAPS_CONSOLE_CONFIG_DIR: configDir,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      onStderr?.(stderr);
    });
    // A sign-in that waits for a code nobody approves must not outlive the test.
    const timer = setTimeout(() => child.kill(), 20_000);
    child.on('error', reject);
    child.on('close', () => clearTimeout(timer));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
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
      let approved = false;
      const result = await lapsctl(
        [
          'entra',
          'get',
          lapsDevices()[0]?.displayName ?? '',
          '--json',
          '--device-code',
          '--client-id',
          emulator.clients.publicClientId,
          ...emulatorFlags(),
        ],
        (stderr) => {
          const code = /enter the code ([A-Z0-9-]+)/i.exec(stderr)?.[1];
          if (code !== undefined && !approved) {
            approved = true;
            emulator.approveDeviceCode(code, 'reader', { consent: true });
          }
        },
      );
      expect(approved).toBe(true);
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
      let approved = false;
      const device = lapsDevices()[0];
      const result = await lapsctl(
        [
          'entra',
          'get',
          device?.displayName ?? '',
          '--json',
          '--device-code',
          '--client-id',
          emulator.clients.publicClientId,
          ...emulatorFlags(),
        ],
        (stderr) => {
          const code = /enter the code ([A-Z0-9-]+)/i.exec(stderr)?.[1];
          if (code !== undefined && !approved) {
            approved = true;
            emulator.approveDeviceCode(code, 'helpdesk', { consent: true });
          }
        },
      );
      expect(result.stderr).toContain('enter the code');
      expect(result.code).toBe(0);
      expect((JSON.parse(result.stdout) as { password: string }).password).toBe(
        device?.laps?.credentials[0]?.password,
      );
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
      app: 'lapsctl',
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
    const records = JSON.parse(shown.stdout) as { action: string }[];
    expect(records.map((r) => r.action)).toEqual(['rotate', 'reveal']);
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
