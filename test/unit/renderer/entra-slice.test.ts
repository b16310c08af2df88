import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildLapsApi } from '../../../shared/ipc/api.js';
import type { Channel } from '../../../shared/ipc/channels.js';
import { fail, ok } from '../../../shared/ipc/result.js';
import { createConsoleStore } from '../../../renderer/src/store/store.js';

const PASSWORD = 'Qx7-#vN7kP2!é';
const OLD_PASSWORDS = ['0ld-Entra-1!', '0lder-Entra-2?'];
const SETTINGS = {
  clientId: '0c1e7d4a-5b6f-4a8e-9c2d-3e4f5a6b7c01',
  tenant: 'contoso.onmicrosoft.com',
  cloud: 'global',
} as const;
const HELPDESK = {
  accountId: 'oid-helpdesk.tid',
  username: 'helpdesk@contoso.com',
  name: 'Help Desk',
  tenantId: 'tid',
};
const READER = {
  accountId: 'oid-reader.tid',
  username: 'reader@contoso.com',
  name: null,
  tenantId: 'tid',
};
const FLOW_ID = '3f2b1c0d-1111-4222-8333-444455556666';
const DEVICE = {
  deviceId: '4a1b0001-1c2d-4e5f-8a9b-000000001000',
  deviceName: 'DESKTOP-ABC',
  lastBackupDateTime: '2026-11-20T08:00:00Z',
  refreshDateTime: '2026-12-20T08:00:00Z',
};
const DETAILS = {
  operatingSystem: 'Windows',
  operatingSystemVersion: '10.0.26100.2314',
  trustType: 'AzureAd',
  approximateLastSignInDateTime: '2026-11-20T08:00:00Z',
};
const POLL_MS = 1000;

type Replies = Partial<Record<Channel, (input: unknown) => unknown>>;

/** A window.laps whose main side answers from a table of functions, recording every call. */
function fakeApi(overrides: Replies = {}) {
  const calls: { channel: Channel; input: unknown }[] = [];
  let accounts = [HELPDESK, READER];
  const replies: Replies = {
    'entra.status': () => ok({ settings: SETTINGS, accounts, isCachePersistent: true }),
    'entra.configure': (input) => {
      accounts = [];
      return ok(input);
    },
    'entra.beginSignIn': () =>
      ok({
        flowId: FLOW_ID,
        deviceCode: {
          userCode: 'ABCD-EFGH',
          verificationUri: 'https://microsoft.com/devicelogin',
          message: 'Enter ABCD-EFGH.',
        },
      }),
    'entra.completeSignIn': () => {
      accounts = [HELPDESK, READER];
      return ok(READER);
    },
    'entra.search': () => ok({ devices: [DEVICE], isTruncated: false }),
    'entra.read': () => ok({ device: DEVICE, details: DETAILS }),
    'entra.reveal': () =>
      ok({
        ...DEVICE,
        account: 'Administrator',
        password: PASSWORD,
        backupDateTime: DEVICE.lastBackupDateTime,
      }),
    'entra.copy': () =>
      ok({
        ...DEVICE,
        backupDateTime: DEVICE.lastBackupDateTime,
        clearsAt: '2026-11-24T01:00:00Z',
      }),
    'entra.history': () =>
      ok({
        deviceId: DEVICE.deviceId,
        deviceName: DEVICE.deviceName,
        entries: OLD_PASSWORDS.map((password, index) => ({
          account: 'Administrator',
          password,
          backupDateTime: `2026-10-0${index + 1}T00:00:00Z`,
        })),
      }),
    'entra.rotate': () =>
      ok({
        deviceId: DEVICE.deviceId,
        deviceName: DEVICE.deviceName,
        requestedAt: '2026-11-24T00:30:00Z',
        lastBackupDateTime: DEVICE.lastBackupDateTime,
      }),
    'entra.rotationStatus': () =>
      ok({ hasNewBackup: false, lastBackupDateTime: DEVICE.lastBackupDateTime }),
    ...overrides,
  };
  const api = buildLapsApi((channel, input) => {
    calls.push({ channel, input });
    return Promise.resolve(replies[channel]?.(input) ?? ok(null));
  });
  const called = (channel: Channel) => calls.filter((call) => call.channel === channel);
  return { api, calls, called };
}

function signedInStore(overrides: Replies = {}) {
  const fake = fakeApi(overrides);
  const store = createConsoleStore(fake.api, undefined, {
    rotationPollMs: POLL_MS,
    searchDebounceMs: 10,
  });
  return { ...fake, store };
}

describe('the Entra ID slice', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reads the settings and the accounts, and acts as the first account signed in', async () => {
    const { store } = signedInStore();
    await store.getState().loadEntraStatus();
    const state = store.getState();
    expect(state.entraSettings).toEqual(SETTINGS);
    expect(state.entraAccounts).toEqual([HELPDESK, READER]);
    expect(state.entraAccountId).toBe(HELPDESK.accountId);
  });

  it('acts as no account when none is signed in or the settings are missing', async () => {
    const { store } = signedInStore({
      'entra.status': () => ok({ settings: null, accounts: [], isCachePersistent: false }),
    });
    await store.getState().loadEntraStatus();
    expect(store.getState().entraAccountId).toBeNull();
    expect(store.getState().isEntraCachePersistent).toBe(false);
    const revealed = await store.getState().revealEntraPassword(DEVICE.deviceId);
    expect(revealed).toMatchObject({ ok: false, error: { code: 'auth-failed' } });
  });

  it('shows the device code while the user signs in, then acts as the new account', async () => {
    let complete: (value: unknown) => void = () => undefined;
    const { store } = signedInStore({
      'entra.completeSignIn': () =>
        new Promise((resolve) => {
          complete = resolve;
        }),
    });
    await store.getState().loadEntraStatus();
    store.getState().setAddingEntraAccount(true);
    const signingIn = store.getState().signInToEntra('device-code');
    await vi.waitFor(() => expect(store.getState().entraSignIn?.status).toBe('waiting'));
    expect(store.getState().entraSignIn?.deviceCode?.userCode).toBe('ABCD-EFGH');
    complete(ok(READER));
    await signingIn;
    expect(store.getState().entraSignIn).toBeNull();
    expect(store.getState().isAddingEntraAccount).toBe(false);
    expect(store.getState().entraAccountId).toBe(READER.accountId);
  });

  it('cancels a sign-in in main and ignores its late answer', async () => {
    let complete: (value: unknown) => void = () => undefined;
    const { store, called } = signedInStore({
      'entra.completeSignIn': () =>
        new Promise((resolve) => {
          complete = resolve;
        }),
    });
    await store.getState().loadEntraStatus();
    const signingIn = store.getState().signInToEntra('browser');
    await vi.waitFor(() => expect(store.getState().entraSignIn?.status).toBe('waiting'));
    await store.getState().cancelEntraSignIn();
    expect(called('entra.cancelSignIn')).toEqual([
      { channel: 'entra.cancelSignIn', input: { flowId: FLOW_ID } },
    ]);
    complete(ok(READER));
    await signingIn;
    expect(store.getState().entraSignIn).toBeNull();
    expect(store.getState().entraAccountId).toBe(HELPDESK.accountId);
  });

  it('keeps a failed sign-in on screen with its sentence', async () => {
    const { store } = signedInStore({
      'entra.completeSignIn': () => fail('auth-failed', 'The sign-in was refused: try again.'),
    });
    await store.getState().signInToEntra('browser');
    expect(store.getState().entraSignIn).toMatchObject({
      status: 'failed',
      error: { code: 'auth-failed' },
    });
  });

  it('searches once typing pauses, as the account in use, and clears on empty text', async () => {
    const { store, called } = signedInStore();
    await store.getState().loadEntraStatus();
    store.getState().setEntraSearchText('D');
    store.getState().setEntraSearchText('DE');
    store.getState().setEntraSearchText('DES');
    await vi.advanceTimersByTimeAsync(20);
    expect(called('entra.search').map((call) => call.input)).toEqual([
      { accountId: HELPDESK.accountId, text: 'DES' },
    ]);
    expect(store.getState().entraDevices).toEqual([DEVICE]);
    store.getState().setEntraSearchText('  ');
    expect(store.getState().entraDevices).toEqual([]);
    expect(store.getState().entraSearchStatus).toBe('idle');
  });

  it('searches at once when asked, without waiting for the pause', async () => {
    const { store, called } = signedInStore();
    await store.getState().loadEntraStatus();
    store.getState().setEntraSearchText('DESKTOP-ABC');
    expect(store.getState().entraSearchedText).toBe('');
    await store.getState().searchEntraNow();
    expect(store.getState().entraSearchedText).toBe('DESKTOP-ABC');
    await vi.advanceTimersByTimeAsync(20);
    expect(called('entra.search')).toHaveLength(1);
  });

  it('forgets the devices found when another account is chosen', async () => {
    const { store } = signedInStore();
    await store.getState().loadEntraStatus();
    store.getState().setEntraSearchText('DES');
    await vi.advanceTimersByTimeAsync(20);
    await store.getState().openEntraDevice(DEVICE);
    store.getState().selectEntraAccount(READER.accountId);
    const state = store.getState();
    expect(state.entraAccountId).toBe(READER.accountId);
    expect(state.entraDevices).toEqual([]);
    expect(state.entraSearchText).toBe('');
    expect(state.entraDevice).toBeNull();
  });

  it('ignores an account id that is not signed in', async () => {
    const { store } = signedInStore();
    await store.getState().loadEntraStatus();
    store.getState().selectEntraAccount('someone-else.tid');
    expect(store.getState().entraAccountId).toBe(HELPDESK.accountId);
  });

  it('signs the account in use out and acts as the next one', async () => {
    const { store, called } = signedInStore({
      'entra.status': () =>
        ok({
          settings: SETTINGS,
          accounts: called('entra.signOut').length > 0 ? [READER] : [HELPDESK, READER],
          isCachePersistent: true,
        }),
    });
    await store.getState().loadEntraStatus();
    await store.getState().signOutOfEntra(HELPDESK.accountId);
    expect(called('entra.signOut')[0]?.input).toEqual({ accountId: HELPDESK.accountId });
    expect(store.getState().entraAccounts).toEqual([READER]);
    expect(store.getState().entraAccountId).toBe(READER.accountId);
  });

  it('forgets every account when other settings are saved', async () => {
    const { store } = signedInStore();
    await store.getState().loadEntraStatus();
    const result = await store.getState().configureEntra({ ...SETTINGS, tenant: 'fabrikam.com' });
    expect(result.ok).toBe(true);
    expect(store.getState().entraAccounts).toEqual([]);
    expect(store.getState().entraAccountId).toBeNull();
  });

  it('opens a device with its directory record and closes it again', async () => {
    const { store, called } = signedInStore();
    await store.getState().loadEntraStatus();
    await store.getState().openEntraDevice(DEVICE);
    expect(store.getState().entraDeviceDetails).toEqual(DETAILS);
    expect(store.getState().entraDeviceStatus).toBe('ready');
    expect(called('entra.reveal')).toEqual([]);
    store.getState().closeEntraDevice();
    expect(store.getState().entraDevice).toBeNull();
    expect(store.getState().entraDeviceDetails).toBeNull();
  });

  it('hands passwords and the history to the caller and never keeps them in the store', async () => {
    const { store, called } = signedInStore();
    await store.getState().loadEntraStatus();
    await store.getState().openEntraDevice(DEVICE);
    const revealed = await store.getState().revealEntraPassword(DEVICE.deviceId);
    expect(revealed).toMatchObject({ ok: true, value: { password: PASSWORD } });
    const history = await store.getState().readEntraHistory(DEVICE.deviceId);
    expect(history).toMatchObject({
      ok: true,
      value: { entries: OLD_PASSWORDS.map((password) => ({ password })) },
    });
    await store.getState().copyEntraPassword(DEVICE.deviceId, '2026-10-01T00:00:00Z');
    expect(called('entra.copy')[0]?.input).toEqual({
      accountId: HELPDESK.accountId,
      deviceId: DEVICE.deviceId,
      backupDateTime: '2026-10-01T00:00:00Z',
    });
    const state = JSON.stringify(store.getState());
    for (const password of [PASSWORD, ...OLD_PASSWORDS]) expect(state).not.toContain(password);
  });

  it('looks a hybrid computer up by its exact name, and says when Entra ID has no such device', async () => {
    let devices = [DEVICE];
    const { store, called } = signedInStore({
      'entra.search': () => ok({ devices, isTruncated: false }),
    });
    await store.getState().loadEntraStatus();
    const found = await store.getState().findEntraDevice('DESKTOP-ABC');
    expect(found).toEqual({ ok: true, value: { device: DEVICE, details: DETAILS } });
    expect(called('entra.search')[0]?.input).toEqual({
      accountId: HELPDESK.accountId,
      text: 'DESKTOP-ABC',
      exact: true,
      limit: 1,
    });
    devices = [];
    expect(await store.getState().findEntraDevice('PC0001')).toEqual({ ok: true, value: null });
  });

  it('watches a rotation every poll interval until the new backup arrives, then stops', async () => {
    const newBackup = '2026-11-24T00:45:00Z';
    let looks = 0;
    const { store, called } = signedInStore({
      'entra.rotationStatus': () => {
        looks += 1;
        return ok(
          looks < 3
            ? { hasNewBackup: false, lastBackupDateTime: DEVICE.lastBackupDateTime }
            : { hasNewBackup: true, lastBackupDateTime: newBackup },
        );
      },
    });
    await store.getState().loadEntraStatus();
    await store.getState().openEntraDevice(DEVICE);
    await store.getState().rotateEntraDevice(DEVICE);
    expect(store.getState().entraRotation).toMatchObject({
      status: 'watching',
      after: DEVICE.lastBackupDateTime,
    });
    expect(called('entra.rotationStatus')).toEqual([]);
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(called('entra.rotationStatus')).toHaveLength(1);
    expect(called('entra.rotationStatus')[0]?.input).toEqual({
      accountId: HELPDESK.accountId,
      deviceId: DEVICE.deviceId,
      after: DEVICE.lastBackupDateTime,
    });
    expect(store.getState().entraRotation?.lastCheckedAt).not.toBeNull();
    await vi.advanceTimersByTimeAsync(POLL_MS * 2);
    expect(store.getState().entraRotation).toMatchObject({
      status: 'arrived',
      newBackupDateTime: newBackup,
    });
    expect(store.getState().entraDevice?.lastBackupDateTime).toBe(newBackup);
    await vi.advanceTimersByTimeAsync(POLL_MS * 5);
    expect(called('entra.rotationStatus')).toHaveLength(3);
  });

  it('looks at once on "Check now", without doubling the timed looks', async () => {
    const { store, called } = signedInStore();
    await store.getState().loadEntraStatus();
    await store.getState().rotateEntraDevice(DEVICE);
    await store.getState().checkEntraRotation();
    expect(called('entra.rotationStatus')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(called('entra.rotationStatus')).toHaveLength(2);
  });

  it('says a rotation Intune refused, and watches nothing', async () => {
    const { store, called } = signedInStore({
      'entra.rotate': () =>
        fail('access-denied', 'Rotating needs the Intune Administrator role: ask for it.'),
    });
    await store.getState().loadEntraStatus();
    await store.getState().rotateEntraDevice(DEVICE);
    expect(store.getState().entraRotation).toMatchObject({
      status: 'request-failed',
      error: { code: 'access-denied' },
    });
    await vi.advanceTimersByTimeAsync(POLL_MS * 3);
    expect(called('entra.rotationStatus')).toEqual([]);
  });

  it('stops watching when asked', async () => {
    const { store, called } = signedInStore();
    await store.getState().loadEntraStatus();
    await store.getState().rotateEntraDevice(DEVICE);
    store.getState().dismissEntraRotation();
    await vi.advanceTimersByTimeAsync(POLL_MS * 3);
    expect(store.getState().entraRotation).toBeNull();
    expect(called('entra.rotationStatus')).toEqual([]);
  });
});
