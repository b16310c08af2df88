// The computer properties view (ADUC's LAPS tab). What is read here never holds a password:
// computer.read's contract has no password field. A revealed password is returned to the view
// that asked (its own React state) and never set in the store. The one exception is the History
// view's list of old passwords, fetched on its explicit action and dropped from the store when
// that view (or the computer) closes.
import type { StateCreator } from 'zustand';
import type { LapsApi } from '../../../shared/ipc/api.js';
import type { ChannelOutput, HistoryEntry, LapsTarget } from '../../../shared/ipc/contract.js';
import type { IpcErrorInfo, Result } from '../../../shared/ipc/result.js';
import {
  loadRecentComputers,
  rememberComputer,
  type KeyValueStorage,
  type RecentComputer,
} from './recent-computers.js';
import type { ConsoleState } from './store.js';

export type ComputerDetails = ChannelOutput<'computer.read'>;
export type LapsSource = ComputerDetails['flavours'][number]['source'];
export type { HistoryEntry, LapsTarget };

/** Which password: a flavour's current one, a DC's DSRM one, or an old one (copy only). */
export interface PasswordChoice {
  readonly source?: LapsSource;
  readonly target?: LapsTarget;
  /** An entry of the History view, named by its update time. */
  readonly historyEntry?: string;
}

/** The History view of the open computer: its old passwords, newest first. */
export interface PasswordHistory {
  readonly target: LapsTarget;
  readonly status: 'loading' | 'ready' | 'failed';
  readonly entries: readonly HistoryEntry[];
  readonly error: IpcErrorInfo | null;
}

export interface ComputerSlice {
  /** The computer whose properties are open, or null. */
  readonly openComputer: RecentComputer | null;
  readonly computerDetails: ComputerDetails | null;
  readonly computerStatus: 'idle' | 'loading' | 'ready' | 'failed';
  readonly computerError: IpcErrorInfo | null;
  readonly recentComputers: readonly RecentComputer[];
  openComputerProperties: (computer: RecentComputer) => Promise<void>;
  closeComputerProperties: () => void;
  refreshComputer: () => Promise<void>;
  readonly passwordHistory: PasswordHistory | null;
  /** The password, for the caller's own state only. */
  revealPassword: (
    choice?: Omit<PasswordChoice, 'historyEntry'>,
  ) => Promise<Result<ChannelOutput<'computer.reveal'>>>;
  copyPassword: (choice?: PasswordChoice) => Promise<Result<ChannelOutput<'computer.copy'>>>;
  /** Decrypts the history (computer.history) into passwordHistory; the failure, if any. */
  openPasswordHistory: (target: LapsTarget) => Promise<IpcErrorInfo | null>;
  /** Drops the old passwords from the store. */
  closePasswordHistory: () => void;
  /** at: ISO instant with zone, or null for now. Re-reads the computer once it is set. */
  setExpiration: (at: string | null) => Promise<Result<ChannelOutput<'computer.setExpiration'>>>;
}

const NOT_CONNECTED: IpcErrorInfo = {
  code: 'not-connected',
  message: 'No computer is open, or the connection was closed: connect again.',
};

export const createComputerSlice =
  (
    api: LapsApi,
    storage: KeyValueStorage | undefined,
  ): StateCreator<ConsoleState, [], [], ComputerSlice> =>
  (set, get) => {
    // A slow read for a computer closed since must not land on the one opened next; likewise a
    // slow history for a History view closed since.
    let generation = 0;
    let historyGeneration = 0;

    const target = () => {
      const { connection, openComputer } = get();
      return connection && openComputer
        ? { connectionId: connection.connectionId, dn: openComputer.dn }
        : null;
    };

    const read = async (): Promise<void> => {
      const on = target();
      if (!on) return;
      const request = ++generation;
      const result = await api.computer.read(on);
      if (request !== generation) return;
      if (result.ok) {
        set({ computerDetails: result.value, computerStatus: 'ready', computerError: null });
      } else set({ computerStatus: 'failed', computerError: result.error });
    };

    return {
      openComputer: null,
      computerDetails: null,
      computerStatus: 'idle',
      computerError: null,
      recentComputers: loadRecentComputers(storage),
      passwordHistory: null,
      async openComputerProperties(computer) {
        historyGeneration += 1;
        set((state) => ({
          passwordHistory: null,
          openComputer: { name: computer.name, dn: computer.dn },
          computerDetails: null,
          computerStatus: 'loading',
          computerError: null,
          recentComputers: rememberComputer(storage, state.recentComputers, computer),
        }));
        await read();
      },
      closeComputerProperties() {
        generation += 1;
        historyGeneration += 1;
        set({
          passwordHistory: null,
          openComputer: null,
          computerDetails: null,
          computerStatus: 'idle',
          computerError: null,
        });
      },
      refreshComputer: read,
      async revealPassword(choice = {}) {
        const on = target();
        if (!on) return { ok: false, error: NOT_CONNECTED };
        return api.computer.reveal({ ...on, ...choice });
      },
      async copyPassword(choice = {}) {
        const on = target();
        if (!on) return { ok: false, error: NOT_CONNECTED };
        return api.computer.copy({ ...on, ...choice });
      },
      async openPasswordHistory(which) {
        const on = target();
        if (!on) return NOT_CONNECTED;
        const request = ++historyGeneration;
        set({ passwordHistory: { target: which, status: 'loading', entries: [], error: null } });
        const result = await api.computer.history({ ...on, target: which });
        if (request !== historyGeneration) return null;
        set({
          passwordHistory: result.ok
            ? { target: which, status: 'ready', entries: result.value.entries, error: null }
            : { target: which, status: 'failed', entries: [], error: result.error },
        });
        return result.ok ? null : result.error;
      },
      closePasswordHistory() {
        historyGeneration += 1;
        set({ passwordHistory: null });
      },
      async setExpiration(at) {
        const on = target();
        if (!on) return { ok: false, error: NOT_CONNECTED };
        const result = await api.computer.setExpiration({ ...on, at });
        if (result.ok) await read();
        return result;
      },
    };
  };
