// The computer properties view (ADUC's LAPS tab). What is read here never holds a password:
// computer.read's contract has no password field. A revealed password is returned to the view
// that asked (its own React state) and never set in the store.
import type { StateCreator } from 'zustand';
import type { LapsApi } from '../../../shared/ipc/api.js';
import type { ChannelOutput } from '../../../shared/ipc/contract.js';
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
  /** The password, for the caller's own state only. */
  revealPassword: (source?: LapsSource) => Promise<Result<ChannelOutput<'computer.reveal'>>>;
  copyPassword: (source?: LapsSource) => Promise<Result<ChannelOutput<'computer.copy'>>>;
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
    // A slow read for a computer closed since must not land on the one opened next.
    let generation = 0;

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
      async openComputerProperties(computer) {
        set((state) => ({
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
        set({
          openComputer: null,
          computerDetails: null,
          computerStatus: 'idle',
          computerError: null,
        });
      },
      refreshComputer: read,
      async revealPassword(source) {
        const on = target();
        if (!on) return { ok: false, error: NOT_CONNECTED };
        return api.computer.reveal(source ? { ...on, source } : on);
      },
      async copyPassword(source) {
        const on = target();
        if (!on) return { ok: false, error: NOT_CONNECTED };
        return api.computer.copy(source ? { ...on, source } : on);
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
