// The entra.* channels through dispatch, over the real EntraSession and Graph client, against the
// Entra emulator: msal-node signs in unpatched, the browser is played by the emulator.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { auditLogPaths } from '../../../../main/core/audit/audit-log.js';
import type { AuditEvent } from '../../../../main/core/audit/audit-record.js';
import { fileAuditLogReader } from '../../../../main/core/console/audit-log-reader.js';
import { ConnectionRegistry } from '../../../../main/core/console/connection-registry.js';
import { dispatch } from '../../../../main/core/console/dispatch.js';
import { isAuthorityPage } from '../../../../main/core/console/entra-handlers.js';
import { fileEntraSettingsStore } from '../../../../main/core/console/entra-settings-file.js';
import {
  createConsoleService,
  type ConsoleService,
} from '../../../../main/core/console/handlers.js';
import type { AuditRecorder, Caller } from '../../../../main/core/console/ports.js';
import {
  consoleFile,
  fileProfileRepository,
} from '../../../../main/core/console/profile-repository.js';
import { fileSettingsStore } from '../../../../main/core/console/settings-file.js';
import { fileTokenCache } from '../../../../main/core/console/token-cache-file.js';
import { LapsError } from '../../../../main/core/errors/laps-error.js';
import type { Channel } from '../../../../shared/ipc/channels.js';
import type {
  ChannelInput,
  ChannelOutput,
  EntraSettings,
} from '../../../../shared/ipc/contract.js';
import type { Result } from '../../../../shared/ipc/result.js';
import {
  startEntraEmulator,
  type EntraEmulator,
  type SeedDevice,
  type UserName,
} from '../../../fixtures/entra-emulator/index.js';
import { HOSTILE_NAMES } from '../../../fixtures/entra-emulator/seed.js';
import {
  MemoryAuditLog,
  MemoryClipboard,
  MemorySecretCipher,
  MemorySecretStore,
  RecordingBrowser,
} from '../../../fixtures/test-host/memory-ports.js';
import { FakeDirectory } from './fake-directory.js';

const WINDOW: Caller = { windowKey: 'window-one' };
const OTHER_WINDOW: Caller = { windowKey: 'window-two' };
const NOW = new Date('2026-11-23T12:00:00.000Z');

let emulator: EntraEmulator;
let configDir: string;
let clipboard: MemoryClipboard;
let audit: MemoryAuditLog;
let browser: RecordingBrowser;
/** Who signs in at the next authorize page that names no account (login_hint names one). */
let browserUser: UserName | null;
/** Sign-ins the "browser" started, awaited at the end of each test. */
let browsing: Promise<void>[];
let service: ConsoleService;

/** Plays the user at the browser: signs in (and consents) at the page, as the hinted account. */
function playBrowser(url: string): Promise<void> {
  const hint = new URL(url).searchParams.get('login_hint');
  const user =
    hint !== null
      ? (Object.keys(emulator.users) as UserName[]).find(
          (name) => emulator.users[name].username === hint,
        )
      : browserUser;
  // Not awaited here: the real browser does not hold shell.openExternal up either.
  if (user !== undefined && user !== null) browsing.push(emulator.signInInteractively(url, user));
  return Promise.resolve();
}

function startService(
  options: {
    cipher?: MemorySecretCipher;
    audit?: AuditRecorder;
    sleep?: (ms: number) => Promise<void>;
  } = {},
): ConsoleService {
  const env = { LAPS_CONSOLE_CONFIG_DIR: configDir };
  return createConsoleService({
    profiles: fileProfileRepository(env),
    secrets: new MemorySecretStore(),
    clipboard,
    settings: fileSettingsStore(consoleFile(env, 'settings.json')),
    connections: new ConnectionRegistry(),
    directory: new FakeDirectory(),
    audit: options.audit ?? audit.record,
    auditLog: fileAuditLogReader(auditLogPaths(configDir)),
    entra: {
      settings: fileEntraSettingsStore(consoleFile(env, 'entra.json')),
      tokenCache: fileTokenCache(
        consoleFile(env, 'entra-tokens.bin'),
        options.cipher ?? new MemorySecretCipher(),
      ),
      browser,
      retry: { sleep: options.sleep ?? (() => Promise.resolve()) },
    },
    now: () => NOW,
  });
}

function call<C extends Channel>(
  channel: C,
  input: ChannelInput<C>,
  caller: Caller = WINDOW,
  on: ConsoleService = service,
): Promise<Result<unknown>> {
  return dispatch(on.handlers, channel, input, caller);
}

async function value<C extends Channel>(
  channel: C,
  input: ChannelInput<C>,
  caller: Caller = WINDOW,
  on: ConsoleService = service,
): Promise<ChannelOutput<C>> {
  const result = await call(channel, input, caller, on);
  if (!result.ok)
    throw new Error(`${channel} failed: ${result.error.code}: ${result.error.message}`);
  return result.value as ChannelOutput<C>;
}

function emulatorSettings(): EntraSettings {
  return {
    clientId: emulator.clients.publicClientId,
    tenant: emulator.tenantId,
    cloud: 'global',
    authority: emulator.authority,
    graphUrl: emulator.graphUrl,
    ca: emulator.caFile,
  };
}

async function signInWithBrowser(user: UserName, caller: Caller = WINDOW) {
  browserUser = user;
  const begun = await value('entra.beginSignIn', { method: 'browser' }, caller);
  return value('entra.completeSignIn', { flowId: begun.flowId }, caller);
}

/** Configured and signed in as helpdesk: the state most tests start from. */
async function signedIn(user: UserName = 'helpdesk'): Promise<string> {
  await value('entra.configure', emulatorSettings());
  return (await signInWithBrowser(user)).accountId;
}

function device(name: string): SeedDevice {
  const found = emulator.seed.devices.find((candidate) => candidate.displayName === name);
  if (found === undefined) throw new Error(`no seeded device ${name}`);
  return found;
}

/** A seeded device with a LAPS backup, some history, and an Intune enrolment. */
function backedUpDevice(): SeedDevice & { laps: NonNullable<SeedDevice['laps']> } {
  const found = emulator.seed.devices.find(
    (candidate) =>
      candidate.laps !== undefined &&
      candidate.laps.credentials.length >= 3 &&
      candidate.managedDeviceId !== undefined,
  );
  if (found?.laps === undefined) throw new Error('the seed has no device with a history');
  return found as SeedDevice & { laps: NonNullable<SeedDevice['laps']> };
}

function tokenFile(): string {
  return join(configDir, 'entra-tokens.bin');
}

beforeEach(async () => {
  // One emulator per test: consent given in one test must not help the next.
  emulator = await startEntraEmulator();
  configDir = await mkdtemp(join(tmpdir(), 'laps-console-entra-'));
  clipboard = new MemoryClipboard();
  audit = new MemoryAuditLog();
  browserUser = 'helpdesk';
  browsing = [];
  browser = new RecordingBrowser(playBrowser);
  service = startService();
});

afterEach(async () => {
  await service.dispose();
  await Promise.allSettled(browsing);
  await emulator.close();
  await rm(configDir, { recursive: true, force: true });
});

describe('entra settings and status', () => {
  it('says Entra ID is not set up until it is configured, and keeps entra.json', async () => {
    expect(await value('entra.status', {})).toEqual({
      settings: null,
      accounts: [],
      isCachePersistent: true,
    });
    expect(await call('entra.beginSignIn', { method: 'browser' })).toMatchObject({
      ok: false,
      error: { code: 'usage', message: expect.stringMatching(/not set up/) as unknown },
    });
    const settings = emulatorSettings();
    expect(await value('entra.configure', settings)).toEqual(settings);
    expect(JSON.parse(await readFile(join(configDir, 'entra.json'), 'utf8'))).toEqual(settings);
    // The next start reads it back.
    const restarted = startService();
    expect((await value('entra.status', {}, WINDOW, restarted)).settings).toEqual(settings);
    await restarted.dispose();
  });

  it('refuses a CA file it cannot read, naming the file, and keeps the old settings', async () => {
    const missing = join(configDir, 'no-such-ca.pem');
    const result = await call('entra.configure', { ...emulatorSettings(), ca: missing });
    expect(result).toMatchObject({ ok: false, error: { code: 'usage' } });
    expect(result.ok ? '' : result.error.message).toContain(missing);
    expect((await value('entra.status', {})).settings).toBeNull();
  });
});

describe('entra sign-in', () => {
  it('signs in with the system browser at the authority, and keeps the tokens encrypted', async () => {
    await value('entra.configure', emulatorSettings());
    const begun = await value('entra.beginSignIn', { method: 'browser' });
    expect(begun.deviceCode).toBeNull();
    expect(browser.urls).toHaveLength(1);
    expect(browser.urls[0]).toMatch(
      new RegExp(`^${emulator.authority.replaceAll('.', '\\.')}/oauth2/v2\\.0/authorize\\?`),
    );
    const account = await value('entra.completeSignIn', { flowId: begun.flowId });
    expect(account).toMatchObject({
      username: emulator.users.helpdesk.username,
      name: emulator.users.helpdesk.name,
      tenantId: emulator.tenantId,
    });
    expect((await value('entra.status', {})).accounts).toEqual([account]);

    const sealed = await readFile(tokenFile());
    expect((await stat(tokenFile())).mode & 0o777).toBe(0o600);
    expect(sealed.subarray(0, MemorySecretCipher.MARK.length).toString()).toBe(
      MemorySecretCipher.MARK,
    );
    const onDisk = sealed.toString('latin1');
    for (const plain of ['access_token', 'refresh_token', 'RefreshToken', 'secret', 'helpdesk@'])
      expect(onDisk).not.toContain(plain);
    expect(await new MemorySecretCipher().decrypt(sealed)).toContain('RefreshToken');
  });

  it('signs in with a device code, keeps two accounts across a restart, and signs one out', async () => {
    const helpdesk = await signedIn('helpdesk');
    const begun = await value('entra.beginSignIn', { method: 'device-code' });
    expect(begun.deviceCode).toMatchObject({
      verificationUri: `${emulator.authorityHost}/devicelogin`,
      message: expect.stringContaining(begun.deviceCode?.userCode ?? '?') as unknown,
    });
    // main copies the flow's own code, for its own window only.
    expect(
      await call('entra.copyDeviceCode', { flowId: begun.flowId }, { windowKey: 'other' }),
    ).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(clipboard.text).toBe('');
    expect(await value('entra.copyDeviceCode', { flowId: begun.flowId })).toBeNull();
    expect(clipboard.text).toBe(begun.deviceCode?.userCode);
    emulator.approveDeviceCode(begun.deviceCode?.userCode ?? '', 'reader');
    const reader = await value('entra.completeSignIn', { flowId: begun.flowId });
    expect(reader.username).toBe(emulator.users.reader.username);

    const restarted = startService();
    const accounts = (await value('entra.status', {}, WINDOW, restarted)).accounts;
    expect(accounts.map((account) => account.accountId).sort()).toEqual(
      [helpdesk, reader.accountId].sort(),
    );
    expect(await value('entra.signOut', { accountId: reader.accountId }, WINDOW, restarted)).toBe(
      null,
    );
    await restarted.dispose();
    const again = startService();
    expect(
      (await value('entra.status', {}, WINDOW, again)).accounts.map((account) => account.username),
    ).toEqual([emulator.users.helpdesk.username]);
    expect(
      await call('entra.search', { accountId: reader.accountId, text: 'DESKTOP' }, WINDOW, again),
    ).toMatchObject({
      ok: false,
      error: { code: 'auth-failed', message: expect.stringMatching(/signed out/) as unknown },
    });
    await again.dispose();
  });

  it('cancels a sign-in the user never finishes, and another window cannot complete it', async () => {
    await value('entra.configure', emulatorSettings());
    browserUser = null;
    const begun = await value('entra.beginSignIn', { method: 'browser' });
    expect(
      await call('entra.completeSignIn', { flowId: begun.flowId }, OTHER_WINDOW),
    ).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    const completing = call('entra.completeSignIn', { flowId: begun.flowId });
    expect(await value('entra.cancelSignIn', { flowId: begun.flowId })).toBeNull();
    expect(await completing).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect((await value('entra.status', {})).accounts).toEqual([]);
  });

  it('cancels the sign-in of a window that goes, and one begun again replaces the first', async () => {
    await value('entra.configure', emulatorSettings());
    browserUser = null;
    const first = await value('entra.beginSignIn', { method: 'device-code' });
    const second = await value('entra.beginSignIn', { method: 'device-code' });
    expect(await call('entra.completeSignIn', { flowId: first.flowId })).toMatchObject({
      ok: false,
      error: { code: 'cancelled' },
    });
    const completing = call('entra.completeSignIn', { flowId: second.flowId });
    await service.windowGone(WINDOW.windowKey);
    expect(await completing).toMatchObject({ ok: false, error: { code: 'cancelled' } });
  });

  it('keeps tokens in memory only where the OS cannot protect them', async () => {
    await service.dispose();
    service = startService({ cipher: new MemorySecretCipher(false) });
    const accountId = await signedIn();
    expect((await value('entra.status', {})).isCachePersistent).toBe(false);
    expect((await value('entra.search', { accountId, text: 'DESKTOP' })).devices.length).toBe(
      emulator.seed.devices.filter(
        (candidate) => candidate.laps && candidate.displayName.startsWith('DESKTOP'),
      ).length,
    );
    await expect(stat(tokenFile())).rejects.toMatchObject({ code: 'ENOENT' });
    const restarted = startService({ cipher: new MemorySecretCipher(false) });
    expect((await value('entra.status', {}, WINDOW, restarted)).accounts).toEqual([]);
    await restarted.dispose();
  });

  it('signs everyone out when another registration or tenant is configured, not for a new CA file', async () => {
    const accountId = await signedIn();
    await value('entra.configure', emulatorSettings());
    // The same authority through another copy of its CA: the same tokens still apply.
    const caCopy = join(configDir, 'ca-copy.pem');
    await writeFile(caCopy, emulator.caPem);
    await value('entra.configure', { ...emulatorSettings(), ca: caCopy });
    expect((await value('entra.status', {})).accounts.map((a) => a.accountId)).toEqual([accountId]);
    await value('entra.search', { accountId, text: 'DESKTOP' });
    await value('entra.configure', { ...emulatorSettings(), tenant: 'contoso.example' });
    expect((await value('entra.status', {})).accounts).toEqual([]);
    await expect(stat(tokenFile())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('treats a token file it cannot decrypt as signed out', async () => {
    await value('entra.configure', emulatorSettings());
    await writeFile(tokenFile(), '{"RefreshToken":{}}');
    const restarted = startService();
    expect((await value('entra.status', {}, WINDOW, restarted)).accounts).toEqual([]);
    await restarted.dispose();
  });

  it('opens only https pages on the configured authority', () => {
    const authority = 'https://login.microsoftonline.com/contoso.example';
    expect(isAuthorityPage(`${authority}/oauth2/v2.0/authorize?x=1`, authority)).toBe(true);
    for (const url of [
      'http://login.microsoftonline.com/contoso.example/oauth2/v2.0/authorize',
      'https://login.microsoftonline.com.evil.example/contoso.example',
      'https://login.microsoftonline.com:8443/contoso.example',
      'https://user@login.microsoftonline.com/contoso.example',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'not a url',
    ])
      expect(isAuthorityPage(url, authority)).toBe(false);
  });
});

describe('entra devices and passwords', () => {
  it('searches by prefix and exactly, hostile names intact, and says when it cut the list', async () => {
    const accountId = await signedIn();
    const all = await value('entra.search', { accountId, text: 'DESKTOP', limit: 3 });
    expect(all.devices).toHaveLength(3);
    expect(all.isTruncated).toBe(true);
    for (const name of HOSTILE_NAMES) {
      const seeded = device(name);
      const found = await value('entra.search', { accountId, text: name, exact: true });
      expect(found.devices.map((d) => d.deviceName)).toEqual(seeded.laps ? [name] : []);
      if (seeded.laps) expect(found.devices[0]?.deviceId).toBe(seeded.deviceId);
    }
    // The hybrid look-up names an AD computer, in whatever case AD has it.
    const lower = await value('entra.search', { accountId, text: "o'brien-pc", exact: true });
    expect(lower.devices.map((d) => d.deviceName)).toEqual(["O'BRIEN-PC"]);
  });

  it('reads a device and its directory record without any password', async () => {
    const accountId = await signedIn();
    const seeded = backedUpDevice();
    const read = await value('entra.read', { accountId, deviceId: seeded.deviceId });
    expect(read).toEqual({
      device: {
        deviceId: seeded.deviceId,
        deviceName: seeded.displayName,
        lastBackupDateTime: new Date(
          seeded.laps.credentials[0]?.backupDateTime ?? '',
        ).toISOString(),
        refreshDateTime: new Date(seeded.laps.refreshDateTime).toISOString(),
      },
      details: {
        operatingSystem: seeded.operatingSystem,
        operatingSystemVersion: seeded.operatingSystemVersion,
        trustType: seeded.trustType,
        approximateLastSignInDateTime: new Date(seeded.approximateLastSignInDateTime).toISOString(),
      },
    });
    expect(JSON.stringify(read)).not.toContain(seeded.laps.credentials[0]?.password ?? '?');
    const noBackup = emulator.seed.devices.find((candidate) => candidate.laps === undefined);
    expect(
      await call('entra.read', { accountId, deviceId: noBackup?.deviceId ?? '' }),
    ).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(audit.records).toEqual([]);
  });

  it('asks for the password permission at the first reveal only, and audits the reveal', async () => {
    const accountId = await signedIn();
    const seeded = backedUpDevice();
    const newest = seeded.laps.credentials[0];
    expect(browser.urls).toHaveLength(1);
    const revealed = await value('entra.reveal', { accountId, deviceId: seeded.deviceId });
    expect(revealed).toEqual({
      deviceId: seeded.deviceId,
      deviceName: seeded.displayName,
      account: newest?.accountName,
      password: newest?.password,
      backupDateTime: new Date(newest?.backupDateTime ?? '').toISOString(),
    });
    // Consent to DeviceLocalCredential.Read.All, in the browser, as the same account.
    expect(browser.urls).toHaveLength(2);
    expect(new URL(browser.urls[1] ?? '').searchParams.get('scope')).toContain(
      'DeviceLocalCredential.Read.All',
    );
    expect(new URL(browser.urls[1] ?? '').searchParams.get('login_hint')).toBe(
      emulator.users.helpdesk.username,
    );
    await value('entra.reveal', { accountId, deviceId: seeded.deviceId });
    expect(browser.urls).toHaveLength(2);
    const expected: Partial<AuditEvent> = {
      action: 'reveal',
      computer: seeded.displayName,
      dn: `entra:${seeded.deviceId}`,
      source: 'entra',
      detail: 'entra',
      app: 'console',
    };
    expect(audit.records).toHaveLength(2);
    expect(audit.records[0]).toMatchObject({
      ...expected,
      actor: { identity: emulator.users.helpdesk.username, server: emulator.graphUrl },
    });
  });

  it('copies the newest or an older password, clears it on quit, and lists history newest first', async () => {
    const accountId = await signedIn();
    const seeded = backedUpDevice();
    const [newest, , oldest] = seeded.laps.credentials;
    const copied = await value('entra.copy', { accountId, deviceId: seeded.deviceId });
    expect(copied).toEqual({
      deviceId: seeded.deviceId,
      deviceName: seeded.displayName,
      backupDateTime: new Date(newest?.backupDateTime ?? '').toISOString(),
      clearsAt: new Date(NOW.getTime() + 30_000).toISOString(),
    });
    expect(clipboard.text).toBe(newest?.password);

    const history = await value('entra.history', { accountId, deviceId: seeded.deviceId });
    expect(history.entries.map((entry) => entry.password)).toEqual(
      seeded.laps.credentials.map((credential) => credential.password),
    );
    const times = history.entries.map((entry) => Date.parse(entry.backupDateTime));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const older = await value('entra.copy', {
      accountId,
      deviceId: seeded.deviceId,
      backupDateTime: history.entries[2]?.backupDateTime ?? '',
    });
    expect(older.backupDateTime).toBe(new Date(oldest?.backupDateTime ?? '').toISOString());
    expect(clipboard.text).toBe(oldest?.password);
    expect(
      await call('entra.copy', {
        accountId,
        deviceId: seeded.deviceId,
        backupDateTime: '2001-01-01T00:00:00Z',
      }),
    ).toMatchObject({ ok: false, error: { code: 'not-found' } });

    expect(audit.records.map((record) => [record.action, record.detail])).toEqual([
      ['copy', 'entra'],
      ['reveal', `entra, history (${seeded.laps.credentials.length} entries)`],
      ['copy', `entra, backup of ${older.backupDateTime}`],
    ]);
    await service.dispose();
    expect(clipboard.text).toBe('');
  });

  it('hands out no password the audit log cannot record', async () => {
    await service.dispose();
    service = startService({
      audit: () =>
        Promise.reject(new LapsError('audit-unavailable', 'The audit log cannot be written.')),
    });
    const accountId = await signedIn();
    const seeded = backedUpDevice();
    for (const channel of ['entra.reveal', 'entra.copy', 'entra.history'] as const) {
      const result = await call(channel, { accountId, deviceId: seeded.deviceId });
      expect(result).toMatchObject({ ok: false, error: { code: 'audit-unavailable' } });
      expect(JSON.stringify(result)).not.toContain(seeded.laps.credentials[0]?.password ?? '?');
    }
    expect(clipboard.text).toBe('');
  });

  it('names the role a reader lacks to see a password', async () => {
    const accountId = await signedIn('reader');
    const seeded = backedUpDevice();
    const result = await call('entra.reveal', { accountId, deviceId: seeded.deviceId });
    expect(result).toMatchObject({ ok: false, error: { code: 'access-denied' } });
    expect(result.ok ? '' : result.error.message).toMatch(
      /DeviceLocalCredential\.Read\.All.*Cloud Device Administrator/,
    );
    // Asked for by id, told by name: the sentence is for a person.
    expect(result.ok ? '' : result.error.message).toContain(seeded.displayName);
    expect(audit.records).toEqual([]);
  });

  it('says to sign in again when Entra revoked the session, and signs in again to reveal', async () => {
    // Tokens under MSAL's refresh margin: every call redeems the refresh token.
    await emulator.close();
    emulator = await startEntraEmulator({ tokenLifetimeSeconds: 120 });
    const accountId = await signedIn();
    emulator.revokeRefreshTokens();
    const search = await call('entra.search', { accountId, text: 'DESKTOP' });
    expect(search).toMatchObject({ ok: false, error: { code: 'auth-failed' } });
    expect(search.ok ? '' : search.error.message).toMatch(/expired or was revoked: sign in again/);
    const seeded = backedUpDevice();
    const revealed = await value('entra.reveal', { accountId, deviceId: seeded.deviceId });
    expect(revealed.password).toBe(seeded.laps.credentials[0]?.password);
    expect(new URL(browser.urls.at(-1) ?? '').searchParams.get('login_hint')).toBe(
      emulator.users.helpdesk.username,
    );
  });

  it('retries a throttled search after Retry-After', async () => {
    const accountId = await signedIn();
    emulator.injectFailures(/deviceLocalCredentials/, [429, 503]);
    expect((await value('entra.search', { accountId, text: 'DESKTOP' })).devices.length).toBe(
      emulator.seed.devices.filter(
        (candidate) => candidate.laps && candidate.displayName.startsWith('DESKTOP'),
      ).length,
    );
  });
});

it('says while Graph makes a request wait, and for how long', async () => {
  let release = () => {};
  const waits: number[] = [];
  await service.dispose();
  service = startService({
    sleep: (ms) => {
      waits.push(ms);
      return new Promise<void>((resolve) => (release = resolve));
    },
  });
  const accountId = await signedIn();
  expect(await value('entra.activity', {})).toEqual({ retry: null });
  emulator.injectFailures(/deviceLocalCredentials/, [429], 7);
  const search = value('entra.search', { accountId, text: 'DESKTOP' });
  await vi.waitFor(() => expect(waits).toEqual([7000]));
  expect(await value('entra.activity', {})).toEqual({
    retry: {
      status: 429,
      nextAttempt: 2,
      maxAttempts: 4,
      retryAt: new Date(NOW.getTime() + 7000).toISOString(),
    },
  });
  // Another window's requests are its own business.
  expect(await value('entra.activity', {}, { windowKey: 'other' })).toEqual({ retry: null });
  release();
  expect((await search).devices.length).toBeGreaterThan(0);
  expect(await value('entra.activity', {})).toEqual({ retry: null });
});

describe('entra rotation', () => {
  it('asks Intune to rotate, audits it, and sees the new backup after the check-in', async () => {
    const accountId = await signedIn();
    const seeded = backedUpDevice();
    const before = new Date(seeded.laps.credentials[0]?.backupDateTime ?? '').toISOString();
    const rotation = await value('entra.rotate', { accountId, deviceId: seeded.deviceId });
    expect(rotation).toEqual({
      deviceId: seeded.deviceId,
      deviceName: seeded.displayName,
      requestedAt: NOW.toISOString(),
      lastBackupDateTime: before,
    });
    expect(audit.records).toMatchObject([
      {
        action: 'rotate',
        dn: `entra:${seeded.deviceId}`,
        source: 'entra',
        detail: `entra, Intune managed device ${seeded.managedDeviceId}`,
      },
    ]);
    const watch = { accountId, deviceId: seeded.deviceId, after: rotation.lastBackupDateTime };
    expect(await value('entra.rotationStatus', watch)).toEqual({
      hasNewBackup: false,
      lastBackupDateTime: before,
    });
    const password = emulator.checkIn(seeded.deviceId);
    const status = await value('entra.rotationStatus', watch);
    expect(status.hasNewBackup).toBe(true);
    expect(Date.parse(status.lastBackupDateTime ?? '')).toBeGreaterThan(Date.parse(before));
    expect((await value('entra.reveal', { accountId, deviceId: seeded.deviceId })).password).toBe(
      password,
    );
  });

  it('says a device Intune does not manage cannot be rotated there', async () => {
    const accountId = await signedIn();
    const unmanaged = emulator.seed.devices.find(
      (candidate) => candidate.laps !== undefined && candidate.managedDeviceId === undefined,
    );
    const result = await call('entra.rotate', { accountId, deviceId: unmanaged?.deviceId ?? '' });
    expect(result).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(result.ok ? '' : result.error.message).toMatch(/not enrolled in Intune/);
    expect(audit.records).toEqual([]);
  });
});
