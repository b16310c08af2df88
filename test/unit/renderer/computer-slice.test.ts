import { describe, expect, it } from 'vitest';
import { buildLapsApi } from '../../../shared/ipc/api.js';
import type { Channel } from '../../../shared/ipc/channels.js';
import { ok } from '../../../shared/ipc/result.js';
import {
  RECENT_COMPUTERS_KEY,
  RECENT_COMPUTERS_MAX,
  type KeyValueStorage,
} from '../../../renderer/src/store/recent-computers.js';
import { createConsoleStore } from '../../../renderer/src/store/store.js';

const PASSWORD = 'S3cret-0Ol1I!';
const CONNECTION_ID = '5b0c0d8e-1111-4222-8333-444455556666';
const DN = 'CN=PC0001,OU=Workstations,DC=lab,DC=test';
const OLD_PASSWORDS = ['0ld-Pass-1!', '0lder-Pass-2?'];

/** A window.laps whose main side answers from a table, recording every call. */
function fakeApi() {
  const calls: Channel[] = [];
  const replies: Partial<Record<Channel, unknown>> = {
    'connection.open': ok({
      connectionId: CONNECTION_ID,
      profile: 'lab',
      server: 'dc1:636',
      defaultNamingContext: 'DC=lab,DC=test',
      dnsHostName: null,
    }),
    'computer.read': ok({
      computer: {
        name: 'PC0001',
        dn: DN,
        samAccountName: 'PC0001$',
        dnsHostName: null,
        isDisabled: false,
      },
      flavours: [
        {
          source: 'windows-laps',
          account: 'Administrator',
          updated: '2026-01-01T00:00:00.000Z',
          expires: '2026-02-01T00:00:00.000Z',
          isPasswordReadable: true,
          encryption: null,
        },
      ],
      expiration: { windowsLaps: '2026-02-01T00:00:00.000Z', legacy: null },
      hiddenSources: [],
      isDomainController: false,
      dsrm: null,
    }),
    'computer.reveal': ok({
      computer: 'PC0001',
      dn: DN,
      target: 'password',
      source: 'windows-laps',
      account: 'Administrator',
      password: PASSWORD,
      updated: null,
      expires: null,
    }),
    'computer.history': ok({
      computer: 'PC0001',
      dn: DN,
      target: 'password',
      entries: OLD_PASSWORDS.map((password, index) => ({
        account: 'Administrator',
        password,
        updated: `2025-12-0${index + 1}T00:00:00.000Z`,
      })),
    }),
  };
  const api = buildLapsApi((channel) => {
    calls.push(channel);
    return Promise.resolve(replies[channel] ?? ok(null));
  });
  return { api, calls };
}

function memoryStorage(): KeyValueStorage & { readonly entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    getItem: (key) => entries.get(key) ?? null,
    setItem: (key, value) => void entries.set(key, value),
  };
}

describe('the computer properties slice', () => {
  it('reads a computer on open without asking for its password', async () => {
    const { api, calls } = fakeApi();
    const store = createConsoleStore(api, memoryStorage());
    await store.getState().connect('lab');
    await store.getState().openComputerProperties({ name: 'PC0001', dn: DN });
    expect(store.getState().computerStatus).toBe('ready');
    expect(calls).not.toContain('computer.reveal');
    expect(calls).not.toContain('computer.copy');
  });

  it('hands a revealed password to the caller and never keeps it in the store', async () => {
    const { api } = fakeApi();
    const storage = memoryStorage();
    const store = createConsoleStore(api, storage);
    await store.getState().connect('lab');
    await store.getState().openComputerProperties({ name: 'PC0001', dn: DN });
    const revealed = await store.getState().revealPassword();
    expect(revealed).toMatchObject({ ok: true, value: { password: PASSWORD } });
    expect(JSON.stringify(store.getState())).not.toContain(PASSWORD);
    store.getState().closeComputerProperties();
    expect(store.getState().openComputer).toBeNull();
    expect(store.getState().computerDetails).toBeNull();
    expect(JSON.stringify(store.getState())).not.toContain(PASSWORD);
    expect(JSON.stringify([...storage.entries])).not.toContain(PASSWORD);
  });

  it('fetches the history only when asked, and drops it from the store when the view or the computer closes', async () => {
    const { api, calls } = fakeApi();
    const storage = memoryStorage();
    const store = createConsoleStore(api, storage);
    const holdsOldPasswords = () => {
      const state = JSON.stringify(store.getState());
      return OLD_PASSWORDS.some((password) => state.includes(password));
    };
    await store.getState().connect('lab');
    await store.getState().openComputerProperties({ name: 'PC0001', dn: DN });
    expect(calls).not.toContain('computer.history');
    expect(store.getState().passwordHistory).toBeNull();

    expect(await store.getState().openPasswordHistory('password')).toBeNull();
    expect(calls.filter((channel) => channel === 'computer.history')).toHaveLength(1);
    expect(store.getState().passwordHistory).toMatchObject({
      target: 'password',
      status: 'ready',
      entries: [{ password: OLD_PASSWORDS[0] }, { password: OLD_PASSWORDS[1] }],
    });
    store.getState().closePasswordHistory();
    expect(store.getState().passwordHistory).toBeNull();
    expect(holdsOldPasswords()).toBe(false);

    await store.getState().openPasswordHistory('password');
    expect(holdsOldPasswords()).toBe(true);
    store.getState().closeComputerProperties();
    expect(store.getState().passwordHistory).toBeNull();
    expect(holdsOldPasswords()).toBe(false);
    expect(JSON.stringify([...storage.entries])).not.toContain(OLD_PASSWORDS[0]);
  });

  it('does not let a history that answers after its view closed land in the store', async () => {
    const { api } = fakeApi();
    const store = createConsoleStore(api, memoryStorage());
    await store.getState().connect('lab');
    await store.getState().openComputerProperties({ name: 'PC0001', dn: DN });
    const pending = store.getState().openPasswordHistory('dsrm');
    store.getState().closePasswordHistory();
    expect(await pending).toBeNull();
    expect(store.getState().passwordHistory).toBeNull();
  });

  it('remembers the last ten computers opened, newest first, names and DNs only', async () => {
    const { api } = fakeApi();
    const storage = memoryStorage();
    const store = createConsoleStore(api, storage);
    await store.getState().connect('lab');
    for (let index = 1; index <= 12; index += 1)
      await store
        .getState()
        .openComputerProperties({ name: `PC${index}`, dn: `CN=PC${index},DC=lab,DC=test` });
    await store.getState().openComputerProperties({ name: 'PC5', dn: 'CN=PC5,DC=lab,DC=test' });
    const recent = store.getState().recentComputers;
    expect(recent).toHaveLength(RECENT_COMPUTERS_MAX);
    expect(recent.map((computer) => computer.name).slice(0, 3)).toEqual(['PC5', 'PC12', 'PC11']);
    const saved = JSON.parse(storage.entries.get(RECENT_COMPUTERS_KEY) ?? '[]') as unknown[];
    expect(saved).toEqual(recent);
    // A new session starts from what was saved.
    expect(createConsoleStore(api, storage).getState().recentComputers).toEqual(recent);
  });

  it('ignores a recent-computers entry that is not a name and a DN', () => {
    const storage = memoryStorage();
    storage.setItem(
      RECENT_COMPUTERS_KEY,
      JSON.stringify([{ name: 'PC1', dn: 'CN=PC1,DC=x' }, { name: 1 }, 'x', null]),
    );
    const { api } = fakeApi();
    expect(createConsoleStore(api, storage).getState().recentComputers).toEqual([
      { name: 'PC1', dn: 'CN=PC1,DC=x' },
    ]);
  });
});
