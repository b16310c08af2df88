import type { StateCreator } from 'zustand';
import type { LapsApi } from '../../../shared/ipc/api.js';
import type { ChannelOutput } from '../../../shared/ipc/contract.js';
import type { IpcErrorInfo } from '../../../shared/ipc/result.js';
import type { ConsoleState } from './store.js';

export interface ConnectionSlice {
  /** The open connection: main holds the session, the renderer only its opaque id. */
  readonly connection: ChannelOutput<'connection.open'> | null;
  /** The profile being connected to. */
  readonly connectingTo: string | null;
  readonly connectError: IpcErrorInfo | null;
  connect: (name: string) => Promise<void>;
  disconnect: () => Promise<void>;
}

export const createConnectionSlice =
  (api: LapsApi): StateCreator<ConsoleState, [], [], ConnectionSlice> =>
  (set, get) => ({
    connection: null,
    connectingTo: null,
    connectError: null,
    async connect(name) {
      set({ connectingTo: name, connectError: null });
      const result = await api.connection.open({ name });
      if (result.ok) set({ connection: result.value, connectingTo: null });
      else set({ connectError: result.error, connectingTo: null });
    },
    async disconnect() {
      const { connection } = get();
      get().closeComputerProperties();
      get().resetSearch();
      set({ connection: null });
      if (connection) await api.connection.close({ connectionId: connection.connectionId });
    },
  });
