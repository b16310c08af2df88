import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { appendAuditRecord, auditLogPaths } from '../../../../main/core/audit/audit-log.js';
import { fileAuditLogReader } from '../../../../main/core/console/audit-log-reader.js';
import { ConnectionRegistry } from '../../../../main/core/console/connection-registry.js';
import { dispatch } from '../../../../main/core/console/dispatch.js';
import {
  createConsoleService,
  type ConsoleService,
} from '../../../../main/core/console/handlers.js';
import {
  consoleFile,
  fileProfileRepository,
} from '../../../../main/core/console/profile-repository.js';
import { fileSettingsStore } from '../../../../main/core/console/settings-file.js';
import { fileEntraSettingsStore } from '../../../../main/core/console/entra-settings-file.js';
import { fileTokenCache } from '../../../../main/core/console/token-cache-file.js';
import {
  AuthenticationError,
  LapsError,
  NotAuthorizedToDecryptError,
} from '../../../../main/core/errors/laps-error.js';
import type { ComputerLapsState } from '../../../../main/core/laps/laps-state.js';
import type { Channel } from '../../../../shared/ipc/channels.js';
import type { ChannelInput } from '../../../../shared/ipc/contract.js';
import type { Result } from '../../../../shared/ipc/result.js';
import {
  MemoryAuditLog,
  MemoryClipboard,
  MemorySecretStore,
  MemorySecretCipher,
  RecordingBrowser,
} from '../../../fixtures/test-host/memory-ports.js';
import { FakeDirectory } from './fake-directory.js';

const DN = 'CN=PC0001,OU=Workstations,DC=lab,DC=test';
const PASSWORD = 'JB`R%9MA,$X<#2zUB';
const STATE: ComputerLapsState = {
  computer: {
    name: 'PC0001',
    dn: DN,
    samAccountName: 'PC0001$',
    dnsHostName: 'pc0001.lab.test',
    isDisabled: false,
  },
  records: [
    {
      source: 'windows-laps',
      account: 'Administrator',
      password: PASSWORD,
      updated: { kind: 'time', date: new Date('2026-11-20T17:35:21.658Z') },
      expires: { kind: 'never' },
      encryption: null,
    },
    {
      source: 'legacy',
      account: null,
      password: 'legacy-pw',
      updated: null,
      expires: { kind: 'time', date: new Date('2026-12-20T17:35:21.658Z') },
      encryption: null,
    },
  ],
  windowsLapsExpires: { kind: 'never' },
  legacyExpires: { kind: 'time', date: new Date('2026-12-20T17:35:21.658Z') },
  hiddenSources: [],
  isDomainController: false,
  dsrm: null,
};

let configDir: string;
let directory: FakeDirectory;
let secrets: MemorySecretStore;
let clipboard: MemoryClipboard;
let audit: MemoryAuditLog;
let service: ConsoleService;

const WINDOW = { windowKey: 'window-one' };
const OTHER_WINDOW = { windowKey: 'window-two' };

function call<C extends Channel>(
  channel: C,
  input: ChannelInput<C>,
  caller = WINDOW,
): Promise<Result<unknown>> {
  return dispatch(service.handlers, channel, input, caller);
}

async function value<C extends Channel>(
  channel: C,
  input: ChannelInput<C>,
  caller = WINDOW,
): Promise<Record<string, unknown>> {
  const result = await call(channel, input, caller);
  if (!result.ok)
    throw new Error(`${channel} failed: ${result.error.code} ${result.error.message}`);
  return result.value as Record<string, unknown>;
}

async function writeProfiles(profiles: Record<string, unknown>): Promise<void> {
  await writeFile(join(configDir, 'profiles.json'), JSON.stringify({ profiles }));
}

interface ProfilesFile {
  profiles: Record<string, Record<string, unknown>>;
}

async function readProfilesFile(): Promise<ProfilesFile> {
  return JSON.parse(await readFile(join(configDir, 'profiles.json'), 'utf8')) as ProfilesFile;
}

async function connect(caller = WINDOW): Promise<string> {
  return (await value('connection.open', { name: 'lab' }, caller)).connectionId as string;
}

beforeEach(async () => {
  configDir = await mkdtemp(join(tmpdir(), 'laps-console-'));
  directory = new FakeDirectory();
  directory.computers.set(DN, STATE);
  secrets = new MemorySecretStore();
  clipboard = new MemoryClipboard();
  audit = new MemoryAuditLog();
  service = createConsoleService({
    ...contextOf(),
    now: () => new Date('2026-11-23T12:00:00.000Z'),
  });
  await writeProfiles({
    lab: {
      server: 'ldaps://127.0.0.1:636',
      auth: 'simple',
      user: 'Administrator@lab.test',
      passwordFile: '/var/tmp/pw',
    },
    kerb: { server: 'ldaps://dc1.lab.test', auth: 'kerberos', futureField: 'kept' },
  });
});

afterEach(async () => {
  vi.useRealTimers();
  await service.dispose();
  await rm(configDir, { recursive: true, force: true });
});

describe('profiles', () => {
  it('lists profiles with where their password comes from, never the password', async () => {
    await secrets.set('kerb', 'ignored');
    const { profiles } = await value('profile.list', {});
    expect(profiles).toEqual([
      { name: 'kerb', auth: 'kerberos', server: 'ldaps://dc1.lab.test', passwordSource: 'none' },
      {
        name: 'lab',
        auth: 'simple',
        server: 'ldaps://127.0.0.1:636',
        user: 'Administrator@lab.test',
        passwordSource: 'file',
      },
    ]);
  });

  it('saves a password in the secret store only, never in profiles.json', async () => {
    const summary = await value('profile.save', {
      name: 'corp',
      profile: { auth: 'simple', server: 'ldaps://dc1.corp.example.com', user: 'me@corp' },
      password: 'Sup3r$ecret',
    });
    expect(summary.passwordSource).toBe('saved');
    expect(await secrets.get('corp')).toBe('Sup3r$ecret');
    const file = await readFile(join(configDir, 'profiles.json'), 'utf8');
    expect(file).not.toContain('Sup3r$ecret');
    expect((JSON.parse(file) as ProfilesFile).profiles.corp).toEqual({
      auth: 'simple',
      server: 'ldaps://dc1.corp.example.com',
      user: 'me@corp',
    });
  });

  it('keeps every other profile, and fields it does not know, as they were', async () => {
    await value('profile.save', {
      name: 'corp',
      profile: { auth: 'kerberos', domain: 'corp.example.com' },
    });
    const file = await readProfilesFile();
    expect(file.profiles.kerb?.futureField).toBe('kept');
    expect(file.profiles.lab?.passwordFile).toBe('/var/tmp/pw');
  });

  it('saves and lists the key service endpoint that decrypting goes to', async () => {
    const profile = {
      auth: 'simple',
      server: 'ldaps://127.0.0.1:636',
      user: 'lapsadmin@lab.test',
      gkdiEndpoint: '127.0.0.1:49735',
    } as const;
    const summary = await value('profile.save', { name: 'keys', profile });
    expect(summary).toMatchObject({ gkdiEndpoint: '127.0.0.1:49735' });
    expect((await readProfilesFile()).profiles.keys).toEqual(profile);
  });

  it('keeps a password file while the profile still points at the same server and user', async () => {
    const summary = await value('profile.save', {
      name: 'lab',
      profile: {
        auth: 'simple',
        server: 'ldaps://127.0.0.1:636',
        user: 'Administrator@lab.test',
        base: 'DC=lab,DC=test',
      },
    });
    expect(summary.passwordSource).toBe('file');
  });

  it('drops saved and file passwords when the server or user changes, so none follows elsewhere', async () => {
    await secrets.set('lab', 'was-saved');
    const summary = await value('profile.save', {
      name: 'lab',
      profile: {
        auth: 'simple',
        server: 'ldaps://evil.example.com',
        user: 'Administrator@lab.test',
      },
    });
    expect(summary.passwordSource).toBe('none');
    expect(await secrets.has('lab')).toBe(false);
    const file = await readProfilesFile();
    expect(file.profiles.lab?.passwordFile).toBeUndefined();
  });

  it('forgets a saved password when asked with null', async () => {
    await secrets.set('lab', 'was-saved');
    await value('profile.save', {
      name: 'lab',
      profile: { auth: 'simple', server: 'ldaps://127.0.0.1:636', user: 'Administrator@lab.test' },
      password: null,
    });
    expect(await secrets.has('lab')).toBe(false);
  });

  it('deletes a profile and its saved password; an unknown one is a usage error', async () => {
    await secrets.set('lab', 'was-saved');
    expect(await value('profile.delete', { name: 'lab' })).toBeNull();
    expect(await secrets.has('lab')).toBe(false);
    const again = await call('profile.delete', { name: 'lab' });
    expect(again).toMatchObject({ ok: false, error: { code: 'usage' } });
  });
});

describe('connections', () => {
  it('tests a saved profile with its saved password, and closes the test connection', async () => {
    await secrets.set('lab', 'saved-pw');
    const info = await value('connection.test', { name: 'lab' });
    expect(info).toEqual({
      server: 'dc1.lab.test:636',
      defaultNamingContext: 'DC=lab,DC=test',
      dnsHostName: 'dc1.lab.test',
    });
    expect(directory.opens[0]?.password).toBe('saved-pw');
    expect(directory.links[0]?.isClosed).toBe(true);
  });

  it('tests a draft profile with the password given, keeping it nowhere', async () => {
    await value('connection.test', {
      profile: { auth: 'simple', server: 'ldaps://dc2.lab.test', user: 'me@lab.test' },
      password: 'draft-pw',
    });
    expect(directory.opens[0]).toEqual({
      profile: { auth: 'simple', server: 'ldaps://dc2.lab.test', user: 'me@lab.test' },
      password: 'draft-pw',
    });
    expect(await secrets.has('draft')).toBe(false);
  });

  it('reports exactly what failed: the error code and its sentence', async () => {
    directory.openError = new AuthenticationError(
      'Sign-in to 127.0.0.1:636 failed: the user name or password is wrong.',
    );
    expect(await call('connection.test', { name: 'lab' })).toEqual({
      ok: false,
      error: {
        code: 'auth-failed',
        message: 'Sign-in to 127.0.0.1:636 failed: the user name or password is wrong.',
      },
    });
  });

  it('says which profiles exist when asked for an unknown one', async () => {
    const result = await call('connection.open', { name: 'nope' });
    expect(result).toMatchObject({ ok: false, error: { code: 'usage' } });
    expect(!result.ok && result.error.message).toContain('known: lab, kerb');
  });

  it('gives the renderer an opaque id that only its own window can use', async () => {
    const id = await connect();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const fromOther = await call('computer.read', { connectionId: id, dn: DN }, OTHER_WINDOW);
    expect(fromOther).toMatchObject({ ok: false, error: { code: 'not-connected' } });
    expect(await call('computer.read', { connectionId: id, dn: DN })).toMatchObject({ ok: true });
  });

  it('closes a connection: its id is then refused', async () => {
    const id = await connect();
    expect(await value('connection.close', { connectionId: id })).toBeNull();
    expect(directory.links[0]?.isClosed).toBe(true);
    expect(await call('computer.read', { connectionId: id, dn: DN })).toMatchObject({
      ok: false,
      error: { code: 'not-connected' },
    });
  });

  it('closes a window’s connections when the window goes', async () => {
    const id = await connect();
    await service.windowGone(WINDOW.windowKey);
    expect(await call('computer.read', { connectionId: id, dn: DN })).toMatchObject({
      ok: false,
      error: { code: 'not-connected' },
    });
  });

  it('bounds how many connections one window may hold', async () => {
    for (let i = 0; i < 8; i += 1) await connect();
    expect(await call('connection.open', { name: 'lab' })).toMatchObject({
      ok: false,
      error: { code: 'usage' },
    });
    expect(await call('connection.open', { name: 'lab' }, OTHER_WINDOW)).toMatchObject({
      ok: true,
    });
  });
});

describe('search', () => {
  beforeEach(() => {
    directory.hits = ['PC0001', 'PC0002', 'PC0003'].map((computer) => ({
      computer,
      dn: `CN=${computer},DC=lab,DC=test`,
      dnsHostName: null,
      source: 'windows-laps',
      expires: '2026-12-20T17:35:21.658Z',
    }));
  });

  it('returns hits and says when the limit cut them short', async () => {
    const id = await connect();
    const all = await value('computer.search', { connectionId: id, text: 'PC' });
    expect(all).toMatchObject({ isTruncated: false });
    expect((all.hits as unknown[]).length).toBe(3);
    const two = await value('computer.search', { connectionId: id, text: 'PC', limit: 2 });
    expect(two).toMatchObject({ isTruncated: true });
  });

  it('cancels the window’s previous search when a new one arrives, on a link of its own', async () => {
    const id = await connect();
    let open!: () => void;
    directory.searchGate = new Promise((resolve) => (open = resolve));
    const first = call('computer.search', { connectionId: id, text: 'PC' });
    await vi.waitFor(() => expect(directory.links.length).toBe(2));
    const second = call('computer.search', { connectionId: id, text: 'PC000' });
    expect(await first).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    open();
    expect(await second).toMatchObject({ ok: true });
    // The primary link serves reads throughout; the cancelled search's link was replaced.
    expect(directory.links[0]?.isClosed).toBe(false);
    expect(directory.links[1]?.isClosed).toBe(true);
    expect(directory.links.length).toBe(3);
  });

  it('does not cancel a search of another window', async () => {
    const mine = await connect();
    const theirs = await connect(OTHER_WINDOW);
    let open!: () => void;
    directory.searchGate = new Promise((resolve) => (open = resolve));
    const first = call('computer.search', { connectionId: mine, text: 'PC' });
    const second = call('computer.search', { connectionId: theirs, text: 'PC' }, OTHER_WINDOW);
    open();
    expect(await first).toMatchObject({ ok: true });
    expect(await second).toMatchObject({ ok: true });
  });
});

describe('computers', () => {
  it('reads the LAPS tab without any password', async () => {
    const id = await connect();
    const read = await value('computer.read', { connectionId: id, dn: DN });
    expect(JSON.stringify(read)).not.toContain(PASSWORD);
    expect(JSON.stringify(read)).not.toContain('legacy-pw');
    expect(read).toEqual({
      computer: STATE.computer,
      flavours: [
        {
          source: 'windows-laps',
          account: 'Administrator',
          updated: '2026-11-20T17:35:21.658Z',
          expires: 'never',
          isPasswordReadable: true,
          encryption: null,
        },
        {
          source: 'legacy',
          account: null,
          updated: null,
          expires: '2026-12-20T17:35:21.658Z',
          isPasswordReadable: true,
          encryption: null,
        },
      ],
      expiration: { windowsLaps: 'never', legacy: '2026-12-20T17:35:21.658Z' },
      hiddenSources: [],
      isDomainController: false,
      dsrm: null,
    });
    expect(audit.records).toEqual([]);
  });

  it('reveals the best password, or the flavour asked for, and audits it without the password', async () => {
    const id = await connect();
    const best = await value('computer.reveal', { connectionId: id, dn: DN });
    expect(best).toMatchObject({ source: 'windows-laps', password: PASSWORD });
    const legacy = await value('computer.reveal', { connectionId: id, dn: DN, source: 'legacy' });
    expect(legacy).toMatchObject({ source: 'legacy', password: 'legacy-pw' });
    expect(audit.records.map((record) => [record.action, record.source])).toEqual([
      ['reveal', 'windows-laps'],
      ['reveal', 'legacy'],
    ]);
    expect(audit.records[0]).toMatchObject({
      computer: 'PC0001',
      dn: DN,
      detail: null,
      app: 'console',
      actor: { identity: 'Administrator@lab.test', server: 'dc1.lab.test:636' },
    });
    expect(JSON.stringify(audit.records)).not.toContain(PASSWORD);
  });

  it('refuses to reveal when the audit log cannot record it', async () => {
    const failing = createConsoleService({
      ...contextOf(),
      audit: () => Promise.reject(new LapsError('unexpected', 'The audit log cannot be written.')),
    });
    const opened = await dispatch(failing.handlers, 'connection.open', { name: 'lab' }, WINDOW);
    const id = opened.ok ? (opened.value as { connectionId: string }).connectionId : '';
    const result = await dispatch(
      failing.handlers,
      'computer.reveal',
      { connectionId: id, dn: DN },
      WINDOW,
    );
    await failing.dispose();
    expect(result).toEqual({
      ok: false,
      error: { code: 'unexpected', message: 'The audit log cannot be written.' },
    });
  });

  it('says "access denied" for a flavour that is there but hidden', async () => {
    directory.computers.set(DN, { ...STATE, records: [], hiddenSources: ['windows-laps'] });
    const id = await connect();
    const result = await call('computer.reveal', { connectionId: id, dn: DN });
    expect(result).toMatchObject({ ok: false, error: { code: 'access-denied' } });
    const legacy = await call('computer.reveal', { connectionId: id, dn: DN, source: 'legacy' });
    expect(legacy).toMatchObject({ ok: false, error: { code: 'no-laps-password' } });
  });

  it('copies the password in main: the reply has none, and the clipboard is cleared after N s', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-23T12:00:00.000Z') });
    await value('settings.set', { clipboardClearSeconds: 10 });
    const id = await connect();
    const copied = await value('computer.copy', { connectionId: id, dn: DN });
    expect(copied).toEqual({
      computer: 'PC0001',
      dn: DN,
      target: 'password',
      source: 'windows-laps',
      clearsAt: '2026-11-23T12:00:10.000Z',
    });
    expect(clipboard.text).toBe(PASSWORD);
    await vi.advanceTimersByTimeAsync(9_000);
    expect(clipboard.text).toBe(PASSWORD);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(clipboard.text).toBe('');
    expect(audit.records.map((record) => record.action)).toEqual(['copy']);
  });

  it('leaves the clipboard alone when the user copied something else since', async () => {
    vi.useFakeTimers();
    const id = await connect();
    await value('computer.copy', { connectionId: id, dn: DN });
    clipboard.text = 'something the user copied';
    await vi.advanceTimersByTimeAsync(30_000);
    expect(clipboard.text).toBe('something the user copied');
  });

  it('clears our password from the clipboard when the app quits', async () => {
    const id = await connect();
    await value('computer.copy', { connectionId: id, dn: DN });
    await service.dispose();
    expect(clipboard.text).toBe('');
  });

  it('sets the expiration (null: now) and returns what the DC read back, audited', async () => {
    const id = await connect();
    const now = await value('computer.setExpiration', { connectionId: id, dn: DN, at: null });
    expect(now).toEqual({
      computer: 'PC0001',
      dn: DN,
      expires: '2026-11-23T12:00:00.000Z',
      flavours: ['windows-laps'],
    });
    const later = await value('computer.setExpiration', {
      connectionId: id,
      dn: DN,
      at: '2026-12-01T18:00:00+01:00',
    });
    expect(later.expires).toBe('2026-12-01T17:00:00.000Z');
    expect(audit.records.map((record) => record.detail)).toEqual([
      '2026-11-23T12:00:00.000Z',
      '2026-12-01T17:00:00.000Z',
    ]);
  });
});

describe('settings', () => {
  it('clears the clipboard after 30 s unless set otherwise, and keeps what is set', async () => {
    expect(await value('settings.get', {})).toEqual({ clipboardClearSeconds: 30 });
    expect(await value('settings.set', { clipboardClearSeconds: 90 })).toEqual({
      clipboardClearSeconds: 90,
    });
    expect(await value('settings.get', {})).toEqual({ clipboardClearSeconds: 90 });
  });
});

describe('the audit viewer (audit.list, audit.verify) over the real log', () => {
  let logged: ConsoleService;

  beforeEach(() => {
    const paths = auditLogPaths(configDir);
    logged = createConsoleService({
      ...contextOf(),
      audit: (event) => appendAuditRecord(paths, event).then(() => undefined),
    });
  });

  afterEach(() => logged.dispose());

  async function loggedValue(channel: Channel, input: unknown): Promise<Record<string, unknown>> {
    const result = await dispatch(logged.handlers, channel, input, WINDOW);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.value as Record<string, unknown>;
  }

  async function revealTwiceAndExpire(): Promise<void> {
    const { connectionId } = (await loggedValue('connection.open', { name: 'lab' })) as {
      connectionId: string;
    };
    await loggedValue('computer.reveal', { connectionId, dn: DN });
    await loggedValue('computer.reveal', { connectionId, dn: DN, source: 'legacy' });
    await loggedValue('computer.setExpiration', { connectionId, dn: DN, at: null });
  }

  it('lists nothing and verifies an empty log when nothing was done yet', async () => {
    expect(await loggedValue('audit.list', {})).toEqual({ records: [], skippedLines: 0 });
    expect(await loggedValue('audit.verify', {})).toMatchObject({ ok: true, records: 0 });
  });

  it('lists the newest records first, without the chain fields or any password', async () => {
    await revealTwiceAndExpire();
    const { records } = (await loggedValue('audit.list', { limit: 10 })) as {
      records: Record<string, unknown>[];
    };
    expect(records.map((record) => [record.seq, record.action, record.source])).toEqual([
      [3, 'expire', 'windows-laps'],
      [2, 'reveal', 'legacy'],
      [1, 'reveal', 'windows-laps'],
    ]);
    expect(records[0]).toMatchObject({ computer: 'PC0001', dn: DN, app: 'console' });
    expect(Object.keys(records[0] ?? {}).sort()).toEqual(
      ['action', 'actor', 'app', 'computer', 'detail', 'dn', 'seq', 'source', 'time'].sort(),
    );
    const text = JSON.stringify(records);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('legacy-pw');
    expect(text).not.toMatch(/"(hash|prev)"/);
  });

  it('lists an Entra ID record (lapsctl entra or the Entra view) with its source', async () => {
    const deviceId = '4a1b0001-1c2d-4e5f-8a9b-000000001014';
    await appendAuditRecord(auditLogPaths(configDir), {
      action: 'rotate',
      computer: "O'BRIEN-PC",
      dn: `entra:${deviceId}`,
      source: 'entra',
      detail: 'entra, Intune managed device 4a1b0003-1c2d-4e5f-8a9b-000000003014',
      actor: { osUser: 'ops', identity: 'helpdesk@contoso.example', server: 'https://graph' },
      app: 'lapsctl',
    });
    const { records } = (await loggedValue('audit.list', {})) as {
      records: Record<string, unknown>[];
    };
    expect(records).toMatchObject([
      { action: 'rotate', source: 'entra', dn: `entra:${deviceId}`, computer: "O'BRIEN-PC" },
    ]);
  });

  it('lists only the newest `limit` records', async () => {
    await revealTwiceAndExpire();
    const { records } = (await loggedValue('audit.list', { limit: 2 })) as {
      records: { seq: number }[];
    };
    expect(records.map((record) => record.seq)).toEqual([3, 2]);
  });

  it('verifies an intact chain, and names the first edited line once one is changed', async () => {
    await revealTwiceAndExpire();
    expect(await loggedValue('audit.verify', {})).toMatchObject({ ok: true, records: 3 });
    const { log } = auditLogPaths(configDir);
    const lines = (await readFile(log, 'utf8')).split('\n');
    lines[1] = (lines[1] ?? '').replace('"reveal"', '"copy"');
    await writeFile(log, lines.join('\n'));
    expect(await loggedValue('audit.verify', {})).toEqual({
      ok: false,
      records: 1,
      problem: { kind: 'edited', line: 2, message: expect.any(String) as string },
    });
  });

  it('refuses hostile audit.list inputs before reading the log', async () => {
    for (const input of [
      { limit: 0 },
      { limit: 1001 },
      { limit: '5' },
      { limit: 5, path: '/etc/passwd' },
      JSON.parse('{"__proto__":{"limit":5}}') as unknown,
      null,
    ])
      expect(await dispatch(logged.handlers, 'audit.list', input, WINDOW)).toMatchObject({
        ok: false,
        error: { code: 'invalid-request' },
      });
    expect(
      await dispatch(logged.handlers, 'audit.verify', { path: '../audit.jsonl' }, WINDOW),
    ).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });
});

describe('encrypted passwords, their history and DSRM (decrypted in main, audited in the real log)', () => {
  const ENCRYPTED_DN = 'CN=PC0100,OU=Workstations,DC=lab,DC=test';
  const DC_DN = 'CN=DC1,OU=Domain Controllers,DC=lab,DC=test';
  const GROUP_SID = 'S-1-5-21-1004336348-1177238915-682003330-1105';
  const at = (iso: string) => ({ kind: 'time' as const, date: new Date(iso) });
  const payload = (password: string, iso: string) => ({
    account: 'Administrator',
    password,
    updated: at(iso),
  });
  const encryption = { authorizedSid: GROUP_SID, authorizedName: 'LAPS Admins', historyCount: 2 };
  const identity = (name: string, dn: string) => ({
    name,
    dn,
    samAccountName: `${name}$`,
    dnsHostName: null,
    isDisabled: false,
  });
  const encryptedState: ComputerLapsState = {
    computer: identity('PC0100', ENCRYPTED_DN),
    records: [
      {
        source: 'windows-laps-encrypted',
        account: null,
        password: null,
        updated: at('2026-11-22T10:00:00.000Z'),
        expires: at('2026-12-22T10:00:00.000Z'),
        encryption,
      },
    ],
    windowsLapsExpires: at('2026-12-22T10:00:00.000Z'),
    legacyExpires: null,
    hiddenSources: [],
    isDomainController: false,
    dsrm: null,
  };
  const dcState: ComputerLapsState = {
    computer: identity('DC1', DC_DN),
    records: [],
    windowsLapsExpires: at('2026-12-30T00:00:00.000Z'),
    legacyExpires: null,
    // As core reads a DC whose DSRM password is visible: the expiration is that password's.
    hiddenSources: [],
    isDomainController: true,
    dsrm: { ...encryption, historyCount: 1, updated: at('2026-11-21T00:00:00.000Z') },
  };
  let logged: ConsoleService;
  let connectionId: string;
  const paths = () => auditLogPaths(configDir);

  beforeEach(async () => {
    directory.computers.set(ENCRYPTED_DN, encryptedState);
    directory.computers.set(DC_DN, dcState);
    directory.plaintexts.set(`${ENCRYPTED_DN}|password`, {
      current: payload('Current-pw-1', '2026-11-22T10:00:00.000Z'),
      history: [
        payload('Older-pw-2', '2026-11-12T10:00:00.000Z'),
        payload('Oldest-pw-3', '2026-11-02T10:00:00.000Z'),
      ],
    });
    directory.plaintexts.set(`${DC_DN}|dsrm`, {
      current: payload('Dsrm-pw-1', '2026-11-21T00:00:00.000Z'),
      history: [payload('Dsrm-pw-0', '2026-10-21T00:00:00.000Z')],
    });
    logged = createConsoleService({
      ...contextOf(),
      audit: (event) => appendAuditRecord(paths(), event).then(() => undefined),
      now: () => new Date('2026-11-23T12:00:00.000Z'),
    });
    const opened = await loggedCall('connection.open', { name: 'lab' });
    connectionId = opened.ok ? (opened.value as { connectionId: string }).connectionId : '';
  });

  afterEach(() => logged.dispose());

  const loggedCall = <C extends Channel>(channel: C, input: ChannelInput<C>) =>
    dispatch(logged.handlers, channel, input, WINDOW);

  async function loggedValue<C extends Channel>(channel: C, input: ChannelInput<C>) {
    const result = await loggedCall(channel, input);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.value as Record<string, unknown>;
  }

  const auditLines = async () =>
    (await fileAuditLogReader(paths()).recent(100)).records.map((record) => [
      record.action,
      record.source,
      record.detail,
    ]);

  it('names the authorized decryptor and counts the history, decrypting nothing on read', async () => {
    const read = await loggedValue('computer.read', { connectionId, dn: ENCRYPTED_DN });
    expect(read.flavours).toEqual([
      {
        source: 'windows-laps-encrypted',
        account: null,
        updated: '2026-11-22T10:00:00.000Z',
        expires: '2026-12-22T10:00:00.000Z',
        isPasswordReadable: false,
        encryption: { decryptor: { sid: GROUP_SID, name: 'LAPS Admins' }, historyCount: 2 },
      },
    ]);
    expect(read).toMatchObject({ isDomainController: false, dsrm: null });
    const dc = await loggedValue('computer.read', { connectionId, dn: DC_DN });
    expect(dc).toMatchObject({
      // Core says the expiration is the DSRM password's: nothing is hidden from the reader.
      hiddenSources: [],
      isDomainController: true,
      dsrm: {
        updated: '2026-11-21T00:00:00.000Z',
        decryptor: { sid: GROUP_SID, name: 'LAPS Admins' },
        historyCount: 1,
      },
    });
    expect(directory.decrypts).toEqual([]);
    expect(await auditLines()).toEqual([]);
  });

  it('reveals and copies an encrypted password by decrypting it, each audited with the attribute', async () => {
    const revealed = await loggedValue('computer.reveal', { connectionId, dn: ENCRYPTED_DN });
    expect(revealed).toEqual({
      computer: 'PC0100',
      dn: ENCRYPTED_DN,
      target: 'password',
      source: 'windows-laps-encrypted',
      account: 'Administrator',
      password: 'Current-pw-1',
      updated: '2026-11-22T10:00:00.000Z',
      expires: '2026-12-22T10:00:00.000Z',
    });
    const copied = await loggedValue('computer.copy', { connectionId, dn: ENCRYPTED_DN });
    expect(copied).toMatchObject({ target: 'password', source: 'windows-laps-encrypted' });
    expect(clipboard.text).toBe('Current-pw-1');
    expect(directory.decrypts).toEqual([
      { dn: ENCRYPTED_DN, what: 'password', history: false },
      { dn: ENCRYPTED_DN, what: 'password', history: false },
    ]);
    expect(await auditLines()).toEqual([
      ['decrypt', 'windows-laps-encrypted', 'msLAPS-EncryptedPassword'],
      ['copy', 'windows-laps-encrypted', 'msLAPS-EncryptedPassword'],
    ]);
    expect(await fileAuditLogReader(paths()).verify()).toMatchObject({ ok: true, records: 2 });
    expect(await readFile(paths().log, 'utf8')).not.toContain('Current-pw-1');
  });

  it('lists the history newest first only when asked, and copies one entry named by its time', async () => {
    const history = await loggedValue('computer.history', {
      connectionId,
      dn: ENCRYPTED_DN,
      target: 'password',
    });
    expect(history).toEqual({
      computer: 'PC0100',
      dn: ENCRYPTED_DN,
      target: 'password',
      entries: [
        { account: 'Administrator', password: 'Older-pw-2', updated: '2026-11-12T10:00:00.000Z' },
        { account: 'Administrator', password: 'Oldest-pw-3', updated: '2026-11-02T10:00:00.000Z' },
      ],
    });
    await loggedValue('computer.copy', {
      connectionId,
      dn: ENCRYPTED_DN,
      historyEntry: '2026-11-02T10:00:00.000Z',
    });
    expect(clipboard.text).toBe('Oldest-pw-3');
    const gone = await loggedCall('computer.copy', {
      connectionId,
      dn: ENCRYPTED_DN,
      historyEntry: '2020-01-01T00:00:00.000Z',
    });
    expect(gone).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await auditLines()).toEqual([
      ['decrypt', 'windows-laps-encrypted', 'msLAPS-EncryptedPasswordHistory (2 entries)'],
      [
        'copy',
        'windows-laps-encrypted',
        'msLAPS-EncryptedPasswordHistory (entry of 2026-11-02T10:00:00.000Z)',
      ],
    ]);
  });

  it('reveals, copies and lists the history of a DC’s DSRM password', async () => {
    const revealed = await loggedValue('computer.reveal', {
      connectionId,
      dn: DC_DN,
      target: 'dsrm',
    });
    expect(revealed).toMatchObject({
      target: 'dsrm',
      source: 'windows-laps-encrypted',
      password: 'Dsrm-pw-1',
      expires: '2026-12-30T00:00:00.000Z',
    });
    await loggedValue('computer.copy', { connectionId, dn: DC_DN, target: 'dsrm' });
    expect(clipboard.text).toBe('Dsrm-pw-1');
    const history = await loggedValue('computer.history', {
      connectionId,
      dn: DC_DN,
      target: 'dsrm',
    });
    expect(history.entries).toEqual([
      { account: 'Administrator', password: 'Dsrm-pw-0', updated: '2026-10-21T00:00:00.000Z' },
    ]);
    expect(await auditLines()).toEqual([
      ['decrypt', 'windows-laps-encrypted', 'msLAPS-EncryptedDSRMPassword'],
      ['copy', 'windows-laps-encrypted', 'msLAPS-EncryptedDSRMPassword'],
      ['decrypt', 'windows-laps-encrypted', 'msLAPS-EncryptedDSRMPasswordHistory (1 entry)'],
    ]);
  });

  it('says why there is no DSRM password or history before asking the key service', async () => {
    const notDc = await loggedCall('computer.reveal', { connectionId, dn: DN, target: 'dsrm' });
    expect(notDc).toMatchObject({ ok: false, error: { code: 'no-laps-password' } });
    expect(notDc.ok ? '' : notDc.error.message).toContain('not a domain controller');
    const clearHistory = await loggedCall('computer.history', {
      connectionId,
      dn: DN,
      target: 'password',
    });
    expect(clearHistory.ok ? '' : clearHistory.error.message).toContain(
      'keeps old passwords only when it encrypts them',
    );
    expect(directory.decrypts).toEqual([]);
    expect(await auditLines()).toEqual([]);
  });

  it('passes "not authorized to decrypt" on with its sentence, and audits nothing', async () => {
    directory.decryptError = new NotAuthorizedToDecryptError(
      'The key service says helpdesk@lab.test is not a member of LAPS Admins (S-1-5-21-…-1105), the authorized decryptor.',
    );
    for (const channel of ['computer.reveal', 'computer.copy'] as const) {
      const result = await loggedCall(channel, { connectionId, dn: ENCRYPTED_DN });
      expect(result).toEqual({
        ok: false,
        error: { code: 'not-authorized-to-decrypt', message: directory.decryptError.message },
      });
    }
    expect(clipboard.text).toBe('');
    expect(await auditLines()).toEqual([]);
  });

  it('refuses to hand out a decrypted password the audit log cannot record', async () => {
    const failing = createConsoleService({
      ...contextOf(),
      audit: () =>
        Promise.reject(new LapsError('audit-unavailable', 'The audit log cannot be written.')),
    });
    const opened = await dispatch(failing.handlers, 'connection.open', { name: 'lab' }, WINDOW);
    const id = opened.ok ? (opened.value as { connectionId: string }).connectionId : '';
    for (const [channel, input] of [
      ['computer.reveal', { connectionId: id, dn: ENCRYPTED_DN }],
      ['computer.copy', { connectionId: id, dn: DC_DN, target: 'dsrm' }],
      ['computer.history', { connectionId: id, dn: ENCRYPTED_DN, target: 'password' }],
    ] as const) {
      const result = await dispatch(failing.handlers, channel, input, WINDOW);
      expect(result).toMatchObject({ ok: false, error: { code: 'audit-unavailable' } });
    }
    await failing.dispose();
    expect(clipboard.text).toBe('');
  });
});

describe('dispatch', () => {
  it('refuses an unknown channel and a malformed input before any handler runs', async () => {
    expect(await dispatch(service.handlers, 'computer.delete', {}, WINDOW)).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    const hostile = await dispatch(
      service.handlers,
      'profile.save',
      JSON.parse('{"__proto__":{"x":1},"name":"a","profile":{"auth":"kerberos"}}'),
      WINDOW,
    );
    expect(hostile).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(directory.opens).toEqual([]);
  });

  it('keeps its error message short and free of control characters, whatever it is sent', async () => {
    const result = await dispatch(
      service.handlers,
      'profile.list',
      { ['\u0000'.repeat(5000)]: 1 },
      WINDOW,
    );
    expect(!result.ok && result.error.message.length).toBeLessThan(600);
    expect(!result.ok && /\p{Cc}/u.test(result.error.message)).toBe(false);
  });

  it('refuses to send a reply that breaks the output contract', async () => {
    const leaky = createConsoleService(contextOf());
    const handlers = {
      ...leaky.handlers,
      'settings.get': () =>
        Promise.resolve({ clipboardClearSeconds: 30, password: PASSWORD } as never),
    };
    const result = await dispatch(handlers, 'settings.get', {}, WINDOW);
    expect(result).toMatchObject({ ok: false, error: { code: 'unexpected' } });
    expect(JSON.stringify(result)).not.toContain(PASSWORD);
  });
});

function contextOf() {
  const env = { LAPS_CONSOLE_CONFIG_DIR: configDir };
  return {
    profiles: fileProfileRepository(env),
    secrets,
    clipboard,
    settings: fileSettingsStore(consoleFile(env, 'settings.json')),
    connections: new ConnectionRegistry(),
    directory,
    audit: audit.record,
    auditLog: fileAuditLogReader(auditLogPaths(configDir)),
    entra: {
      settings: fileEntraSettingsStore(consoleFile(env, 'entra.json')),
      tokenCache: fileTokenCache(consoleFile(env, 'entra-tokens.bin'), new MemorySecretCipher()),
      browser: new RecordingBrowser(),
    },
  };
}
