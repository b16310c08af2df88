// The Graph LAPS client and certificate sign-in against the Entra emulator, in process.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLapsGraphClient,
  type LapsGraphClient,
} from '../../../../main/core/entra/graph-client.js';
import type { RetryProgress } from '../../../../main/core/entra/retry.js';
import { APP_ONLY_SCOPES } from '../../../../main/core/entra/scopes.js';
import { certificateTokenSource } from '../../../../main/core/entra/sign-in.js';
import { startEntraEmulator, type EntraEmulator } from '../../../fixtures/entra-emulator/index.js';

let emulator: EntraEmulator;
let graph: LapsGraphClient;
const progress: RetryProgress[] = [];

beforeAll(async () => {
  emulator = await startEntraEmulator();
  const certFile = join(mkdtempSync(join(tmpdir(), 'entra-core-')), 'client.pem');
  writeFileSync(certFile, `${emulator.clients.certPem}\n${emulator.clients.keyPem}\n`);
  const trust = { caPem: emulator.caPem };
  const endpoints = { authority: emulator.authority, graphUrl: emulator.graphUrl };
  const tokens = await certificateTokenSource({
    endpoints,
    clientId: emulator.clients.certClientId,
    certFile,
    appOnlyScopes: APP_ONLY_SCOPES,
    trust,
  });
  graph = createLapsGraphClient({
    graphUrl: emulator.graphUrl,
    tokens,
    trust,
    retry: { onRetry: (p) => progress.push(p), sleep: () => Promise.resolve() },
  });
});
afterAll(async () => {
  await emulator.close();
});

const withLaps = () => emulator.seed.devices.filter((d) => d.laps !== undefined);

describe('LAPS Graph client (emulator)', () => {
  it('pages through @odata.nextLink with $top', async () => {
    const before = emulator.requests.length;
    const devices = await graph.listDevices({ pageSize: 5 });
    expect(devices).toHaveLength(withLaps().length);
    const pages = emulator.requests
      .slice(before)
      .filter((r) => r.path.includes('/directory/deviceLocalCredentials'));
    expect(pages.length).toBe(Math.ceil(withLaps().length / 5));
  });

  it('stops paging once it holds more than the limit', async () => {
    const before = emulator.requests.length;
    const devices = await graph.listDevices({ pageSize: 5, limit: 7 });
    // Two pages of five: enough to show the first seven and to know there are more.
    expect(devices.length).toBeGreaterThan(7);
    expect(devices.length).toBeLessThan(withLaps().length);
    const pages = emulator.requests
      .slice(before)
      .filter((r) => r.path.includes('/directory/deviceLocalCredentials'));
    expect(pages).toHaveLength(2);
  });

  it('finds a name exactly, without regard to case', async () => {
    const devices = await graph.listDevices({ nameEquals: "o'brien-pc" });
    expect(devices.map((d) => d.deviceName)).toEqual(["O'BRIEN-PC"]);
  });

  it('searches by name prefix, a quote in the name included', async () => {
    const devices = await graph.listDevices({ nameStartsWith: "O'BRIEN" });
    expect(devices.map((d) => d.deviceName)).toEqual(["O'BRIEN-PC"]);
  });

  it('reads every credential, newest first, decoding both encodings', async () => {
    for (const encoding of ['utf16le', 'utf8'] as const) {
      const device = withLaps().find((d) => d.laps?.credentials[0]?.encoding === encoding);
      if (!device?.laps) throw new Error(`the seed has no ${encoding} device`);
      const read = await graph.readCredentials(device.displayName);
      expect(read.deviceId).toBe(device.deviceId);
      expect(read.credentials.map((c) => c.password)).toEqual(
        device.laps.credentials.map((c) => c.password),
      );
      expect(read.credentials[0]?.encoding).toBe(encoding === 'utf16le' ? 'utf-16le' : 'utf-8');
    }
  });

  it('reads a device by its device id too', async () => {
    const device = withLaps()[1];
    if (!device) throw new Error('empty seed');
    expect((await graph.readCredentials(device.deviceId)).deviceName).toBe(device.displayName);
  });

  it('says a device is not found', async () => {
    await expect(graph.readCredentials('NO-SUCH-PC')).rejects.toMatchObject({ code: 'not-found' });
  });

  it("reads a device's last backup by name or id without asking for its passwords", async () => {
    const device = withLaps()[2];
    if (!device?.laps) throw new Error('empty seed');
    const before = emulator.requests.length;
    for (const name of [device.displayName, device.deviceId]) {
      const read = await graph.readDevice(name);
      expect(read.deviceId).toBe(device.deviceId);
      expect(read.lastBackupDateTime).toBe(device.laps.credentials[0]?.backupDateTime);
    }
    const calls = emulator.requests.slice(before);
    expect(calls).toHaveLength(2);
    for (const call of calls) expect(decodeURIComponent(call.path)).not.toContain('$select');
  });

  it('says Graph cannot be reached, rather than an unexpected error', async () => {
    const unreachable = createLapsGraphClient({
      graphUrl: 'https://127.0.0.1:9/graph',
      tokens: { accessToken: () => Promise.resolve('token'), identity: () => 'test' },
    });
    await expect(unreachable.listDevices()).rejects.toMatchObject({
      code: 'dc-unreachable',
      message: expect.stringContaining('Cannot reach 127.0.0.1:9') as unknown,
    });
  });

  it('retries injected 429 and 503, reporting progress', async () => {
    progress.length = 0;
    emulator.injectFailures(/deviceLocalCredentials/, [429, 503], 2);
    await graph.listDevices({ nameStartsWith: 'DESKTOP' });
    expect(progress.map((p) => [p.status, p.waitMs])).toEqual([
      [429, 2000],
      [503, 2000],
    ]);
  });
});
