// The Entra ID view: settings, signed-in accounts, sign-in under way, device search, the device
// open, and a rotation being watched. No password and no token ever enters this slice: main
// keeps the tokens behind an opaque account id, and a revealed password (or the history) is
// returned to the component that asked, for its own state only.
import type { StateCreator } from 'zustand';
import type { LapsApi } from '../../../shared/ipc/api.js';
import type {
  ChannelOutput,
  EntraAccount,
  EntraDevice,
  EntraDeviceDetails,
  EntraSettings,
} from '../../../shared/ipc/contract.js';
import type { IpcErrorInfo, Result } from '../../../shared/ipc/result.js';
import type { ConsoleState } from './store.js';

/** How often a rotation is watched for the device's new backup (entra.rotationStatus). */
export const ROTATION_POLL_MS = 10_000;
/** Graph is slower than the DC: wait for a longer pause in typing before asking it. */
export const ENTRA_SEARCH_DEBOUNCE_MS = 250;

export type EntraDeviceCodePrompt = NonNullable<ChannelOutput<'entra.beginSignIn'>['deviceCode']>;
export type { EntraAccount, EntraDevice, EntraDeviceDetails, EntraSettings };

export interface EntraSignIn {
  readonly method: 'browser' | 'device-code';
  /** starting: main opens the browser or asks for a code; waiting: the user signs in. */
  readonly status: 'starting' | 'waiting' | 'failed';
  readonly deviceCode: EntraDeviceCodePrompt | null;
  readonly error: IpcErrorInfo | null;
}

/** A rotation asked of Intune, and the watch for the backup the device makes at check-in. */
export interface EntraRotation {
  readonly deviceId: string;
  readonly deviceName: string;
  readonly requestedAt: string;
  /** watching: no newer backup yet; arrived: newBackupDateTime is the device's new backup. */
  readonly status: 'requesting' | 'request-failed' | 'watching' | 'watch-failed' | 'arrived';
  /** The backup to look past. */
  readonly after: string | null;
  readonly lastCheckedAt: string | null;
  readonly newBackupDateTime: string | null;
  readonly error: IpcErrorInfo | null;
}

export interface EntraSlice {
  readonly entraStatus: 'idle' | 'loading' | 'ready' | 'failed';
  readonly entraError: IpcErrorInfo | null;
  /** null until configured. */
  readonly entraSettings: EntraSettings | null;
  readonly entraAccounts: readonly EntraAccount[];
  readonly isEntraCachePersistent: boolean;
  /** The account every request acts as: one of entraAccounts, or null. */
  readonly entraAccountId: string | null;
  readonly entraSignIn: EntraSignIn | null;
  /** The sign-in panel is up with accounts signed in already ("Add account"). */
  readonly isAddingEntraAccount: boolean;
  readonly entraSearchText: string;
  /** The text entraDevices were found for: behind entraSearchText while typing. */
  readonly entraSearchedText: string;
  readonly entraDevices: readonly EntraDevice[];
  readonly isEntraTruncated: boolean;
  readonly entraSearchStatus: 'idle' | 'searching' | 'done' | 'failed';
  readonly entraSearchError: IpcErrorInfo | null;
  /** The device whose panel is open, as the search (or the read) found it. */
  readonly entraDevice: EntraDevice | null;
  readonly entraDeviceDetails: EntraDeviceDetails | null;
  readonly entraDeviceStatus: 'idle' | 'loading' | 'ready' | 'failed';
  readonly entraDeviceError: IpcErrorInfo | null;
  readonly entraRotation: EntraRotation | null;

  loadEntraStatus: () => Promise<void>;
  /** Saves entra.json; main signs every account out, so the slice forgets them too. */
  configureEntra: (settings: EntraSettings) => Promise<Result<EntraSettings>>;
  /** Starts a sign-in and waits for it; the new account becomes the one in use. */
  signInToEntra: (method: EntraSignIn['method']) => Promise<void>;
  cancelEntraSignIn: () => Promise<void>;
  /** Main copies the device code of the sign-in under way. */
  copyEntraDeviceCode: () => Promise<Result<null>>;
  setAddingEntraAccount: (isAdding: boolean) => void;
  signOutOfEntra: (accountId: string) => Promise<void>;
  selectEntraAccount: (accountId: string) => void;
  setEntraSearchText: (text: string) => void;
  /** Searches for the text now, not after the pause (Enter typed before the results came). */
  searchEntraNow: () => Promise<void>;
  openEntraDevice: (device: EntraDevice) => Promise<void>;
  closeEntraDevice: () => void;
  /**
   * Hybrid: the device of this exact name and its record, for the AD computer's properties;
   * null when Entra ID has no LAPS backup of that name. Held by the caller, not here.
   */
  findEntraDevice: (
    name: string,
  ) => Promise<Result<{ device: EntraDevice; details: EntraDeviceDetails | null } | null>>;
  /** The password, for the caller's own state only. */
  revealEntraPassword: (deviceId: string) => Promise<Result<ChannelOutput<'entra.reveal'>>>;
  /** backupDateTime: an old backup (the History view) instead of the newest. */
  copyEntraPassword: (
    deviceId: string,
    backupDateTime?: string,
  ) => Promise<Result<ChannelOutput<'entra.copy'>>>;
  /** Every backup, for the caller's own state only. */
  readEntraHistory: (deviceId: string) => Promise<Result<ChannelOutput<'entra.history'>>>;
  /** Asks Intune to rotate, then watches every pollMs for the new backup. */
  rotateEntraDevice: (device: EntraDevice) => Promise<void>;
  /** One look for the new backup now, besides the timed ones. */
  checkEntraRotation: () => Promise<void>;
  dismissEntraRotation: () => void;
  /** Whether Graph is making this window's pending request wait (429/503), and until when. */
  readGraphWait: () => Promise<ChannelOutput<'entra.activity'>['retry']>;
}

/** No search, no device open, no rotation watched: after sign-out, account switch or start. */
const NO_DEVICES = {
  entraSearchText: '',
  entraSearchedText: '',
  entraDevices: [],
  isEntraTruncated: false,
  entraSearchStatus: 'idle',
  entraSearchError: null,
  entraDevice: null,
  entraDeviceDetails: null,
  entraDeviceStatus: 'idle',
  entraDeviceError: null,
  entraRotation: null,
} as const satisfies Partial<EntraSlice>;

const NOT_SIGNED_IN: IpcErrorInfo = {
  code: 'auth-failed',
  message: 'No Entra ID account is signed in: sign in on the Entra ID tab first.',
};

export interface EntraSliceOptions {
  /** Default ROTATION_POLL_MS; tests pass less. */
  readonly rotationPollMs?: number;
  readonly searchDebounceMs?: number;
}

export const createEntraSlice =
  (api: LapsApi, options: EntraSliceOptions = {}): StateCreator<ConsoleState, [], [], EntraSlice> =>
  (set, get) => {
    const pollMs = options.rotationPollMs ?? ROTATION_POLL_MS;
    const debounceMs = options.searchDebounceMs ?? ENTRA_SEARCH_DEBOUNCE_MS;
    let searchTimer: ReturnType<typeof setTimeout> | undefined;
    let pollTimer: ReturnType<typeof setTimeout> | undefined;
    // Replies that arrive after the user moved on (another search, device, account or sign-in)
    // are dropped.
    let latestSearch = 0;
    let deviceGeneration = 0;
    let rotationGeneration = 0;
    let flowId: string | null = null;
    // A look under way: "Check now" during a timed one (or the reverse) waits for its answer.
    let isPolling = false;

    const account = () => get().entraAccountId;

    const stopRotation = () => {
      rotationGeneration += 1;
      clearTimeout(pollTimer);
    };

    const clearDevices = () => {
      clearTimeout(searchTimer);
      latestSearch += 1;
      deviceGeneration += 1;
      stopRotation();
      set(NO_DEVICES);
    };

    const search = async (text: string): Promise<void> => {
      const accountId = account();
      if (!accountId) return;
      const request = ++latestSearch;
      set({ entraSearchStatus: 'searching', entraSearchError: null });
      const result = await api.entra.search({ accountId, text });
      if (request !== latestSearch) return;
      if (result.ok)
        set({
          entraDevices: result.value.devices,
          isEntraTruncated: result.value.isTruncated,
          entraSearchedText: text,
          entraSearchStatus: 'done',
        });
      else if (result.error.code !== 'cancelled')
        set({
          entraDevices: [],
          isEntraTruncated: false,
          entraSearchedText: text,
          entraSearchStatus: 'failed',
          entraSearchError: result.error,
        });
    };

    /** One rotationStatus look; schedules the next unless the backup arrived or it failed. */
    const poll = async (generation: number): Promise<void> => {
      const accountId = account();
      const rotation = get().entraRotation;
      if (isPolling || !accountId || !rotation || rotation.status !== 'watching') return;
      clearTimeout(pollTimer);
      isPolling = true;
      const result = await api.entra.rotationStatus({
        accountId,
        deviceId: rotation.deviceId,
        after: rotation.after,
      });
      isPolling = false;
      if (generation !== rotationGeneration) return;
      const now = new Date().toISOString();
      if (!result.ok) {
        set({ entraRotation: { ...rotation, status: 'watch-failed', error: result.error } });
        return;
      }
      if (result.value.hasNewBackup) {
        set({
          entraRotation: {
            ...rotation,
            status: 'arrived',
            lastCheckedAt: now,
            newBackupDateTime: result.value.lastBackupDateTime,
          },
        });
        // The open device's backup time is now another one.
        const open = get().entraDevice;
        if (open?.deviceId === rotation.deviceId)
          set({ entraDevice: { ...open, lastBackupDateTime: result.value.lastBackupDateTime } });
        return;
      }
      set({ entraRotation: { ...rotation, lastCheckedAt: now } });
      pollTimer = setTimeout(() => void poll(generation), pollMs);
    };

    return {
      entraStatus: 'idle',
      entraError: null,
      entraSettings: null,
      entraAccounts: [],
      isEntraCachePersistent: true,
      entraAccountId: null,
      entraSignIn: null,
      isAddingEntraAccount: false,
      ...NO_DEVICES,

      async loadEntraStatus() {
        set({ entraStatus: 'loading', entraError: null });
        const result = await api.entra.status({});
        if (!result.ok) return set({ entraStatus: 'failed', entraError: result.error });
        const { settings, accounts, isCachePersistent } = result.value;
        const current = get().entraAccountId;
        const accountId = accounts.some((candidate) => candidate.accountId === current)
          ? current
          : (accounts[0]?.accountId ?? null);
        if (accountId !== current) clearDevices();
        set({
          entraStatus: 'ready',
          entraSettings: settings,
          entraAccounts: accounts,
          isEntraCachePersistent: isCachePersistent,
          entraAccountId: accountId,
        });
      },

      async configureEntra(settings) {
        const result = await api.entra.configure(settings);
        if (result.ok) {
          clearDevices();
          set({ entraSettings: result.value, entraAccounts: [], entraAccountId: null });
          await get().loadEntraStatus();
        }
        return result;
      },

      async signInToEntra(method) {
        if (flowId) await get().cancelEntraSignIn();
        set({ entraSignIn: { method, status: 'starting', deviceCode: null, error: null } });
        const begun = await api.entra.beginSignIn({ method });
        if (!begun.ok) {
          set({ entraSignIn: { method, status: 'failed', deviceCode: null, error: begun.error } });
          return;
        }
        const flow = begun.value.flowId;
        flowId = flow;
        const deviceCode = begun.value.deviceCode;
        set({ entraSignIn: { method, status: 'waiting', deviceCode, error: null } });
        const completed = await api.entra.completeSignIn({ flowId: flow });
        // Cancelled, or another sign-in started meanwhile: that one owns the view now.
        if (flowId !== flow) return;
        flowId = null;
        if (!completed.ok) {
          set({
            entraSignIn:
              completed.error.code === 'cancelled'
                ? null
                : { method, status: 'failed', deviceCode, error: completed.error },
          });
          return;
        }
        set({ entraSignIn: null, isAddingEntraAccount: false });
        await get().loadEntraStatus();
        get().selectEntraAccount(completed.value.accountId);
      },

      async cancelEntraSignIn() {
        const flow = flowId;
        flowId = null;
        set({ entraSignIn: null });
        if (flow) await api.entra.cancelSignIn({ flowId: flow });
      },

      async copyEntraDeviceCode() {
        if (!flowId)
          return {
            ok: false,
            error: { code: 'cancelled', message: 'That sign-in is over: sign in again.' },
          };
        return api.entra.copyDeviceCode({ flowId });
      },

      setAddingEntraAccount(isAdding) {
        set({ isAddingEntraAccount: isAdding });
      },

      async signOutOfEntra(accountId) {
        if (accountId === account()) {
          clearDevices();
          set({ entraAccountId: null });
        }
        const result = await api.entra.signOut({ accountId });
        if (!result.ok) set({ entraError: result.error });
        await get().loadEntraStatus();
      },

      selectEntraAccount(accountId) {
        if (accountId === account()) return;
        if (!get().entraAccounts.some((candidate) => candidate.accountId === accountId)) return;
        // Another account sees other devices and may not read what the last one could.
        clearDevices();
        set({ entraAccountId: accountId });
      },

      setEntraSearchText(text) {
        set({ entraSearchText: text });
        clearTimeout(searchTimer);
        if (text.trim() === '') {
          latestSearch += 1;
          set({
            entraDevices: [],
            entraSearchedText: '',
            isEntraTruncated: false,
            entraSearchStatus: 'idle',
            entraSearchError: null,
          });
          return;
        }
        searchTimer = setTimeout(() => void search(text), debounceMs);
      },

      async searchEntraNow() {
        clearTimeout(searchTimer);
        const text = get().entraSearchText;
        if (text.trim() !== '') await search(text);
      },

      async openEntraDevice(device) {
        const accountId = account();
        if (!accountId) return;
        const request = ++deviceGeneration;
        set({
          entraDevice: device,
          entraDeviceDetails: null,
          entraDeviceStatus: 'loading',
          entraDeviceError: null,
        });
        const result = await api.entra.read({ accountId, deviceId: device.deviceId });
        if (request !== deviceGeneration) return;
        if (result.ok)
          set({
            entraDevice: result.value.device,
            entraDeviceDetails: result.value.details,
            entraDeviceStatus: 'ready',
          });
        else set({ entraDeviceStatus: 'failed', entraDeviceError: result.error });
      },

      closeEntraDevice() {
        deviceGeneration += 1;
        set({
          entraDevice: null,
          entraDeviceDetails: null,
          entraDeviceStatus: 'idle',
          entraDeviceError: null,
        });
      },

      async findEntraDevice(name) {
        const accountId = account();
        if (!accountId) return { ok: false, error: NOT_SIGNED_IN };
        const found = await api.entra.search({ accountId, text: name, exact: true, limit: 1 });
        if (!found.ok) return found;
        const device = found.value.devices[0];
        if (!device) return { ok: true, value: null };
        const read = await api.entra.read({ accountId, deviceId: device.deviceId });
        return read.ok ? { ok: true, value: read.value } : read;
      },

      async revealEntraPassword(deviceId) {
        const accountId = account();
        if (!accountId) return { ok: false, error: NOT_SIGNED_IN };
        return api.entra.reveal({ accountId, deviceId });
      },

      async copyEntraPassword(deviceId, backupDateTime) {
        const accountId = account();
        if (!accountId) return { ok: false, error: NOT_SIGNED_IN };
        return api.entra.copy({
          accountId,
          deviceId,
          ...(backupDateTime !== undefined ? { backupDateTime } : {}),
        });
      },

      async readEntraHistory(deviceId) {
        const accountId = account();
        if (!accountId) return { ok: false, error: NOT_SIGNED_IN };
        return api.entra.history({ accountId, deviceId });
      },

      async rotateEntraDevice(device) {
        const accountId = account();
        if (!accountId) return;
        stopRotation();
        const generation = rotationGeneration;
        const requesting: EntraRotation = {
          deviceId: device.deviceId,
          deviceName: device.deviceName,
          requestedAt: new Date().toISOString(),
          status: 'requesting',
          after: device.lastBackupDateTime,
          lastCheckedAt: null,
          newBackupDateTime: null,
          error: null,
        };
        set({ entraRotation: requesting });
        const result = await api.entra.rotate({ accountId, deviceId: device.deviceId });
        if (generation !== rotationGeneration) return;
        if (!result.ok) {
          set({ entraRotation: { ...requesting, status: 'request-failed', error: result.error } });
          return;
        }
        set({
          entraRotation: {
            ...requesting,
            requestedAt: result.value.requestedAt,
            after: result.value.lastBackupDateTime,
            status: 'watching',
          },
        });
        pollTimer = setTimeout(() => void poll(generation), pollMs);
      },

      checkEntraRotation: () => poll(rotationGeneration),
      readGraphWait: async () => {
        const result = await api.entra.activity({});
        // Only a note beside a spinner: a failed look shows nothing rather than an error.
        return result.ok ? result.value.retry : null;
      },

      dismissEntraRotation() {
        stopRotation();
        set({ entraRotation: null });
      },
    };
  };
