import type { StateCreator } from 'zustand';
import type { LapsApi } from '../../../shared/ipc/api.js';
import type { ConsoleSettings } from '../../../shared/ipc/contract.js';
import type { IpcErrorInfo } from '../../../shared/ipc/result.js';
import type { ConsoleState } from './store.js';

export interface SettingsSlice {
  readonly settings: ConsoleSettings | null;
  readonly settingsStatus: 'idle' | 'loading' | 'saving' | 'saved' | 'failed';
  readonly settingsError: IpcErrorInfo | null;
  loadSettings: () => Promise<void>;
  saveSettings: (settings: ConsoleSettings) => Promise<void>;
}

export const createSettingsSlice =
  (api: LapsApi): StateCreator<ConsoleState, [], [], SettingsSlice> =>
  (set) => ({
    settings: null,
    settingsStatus: 'idle',
    settingsError: null,
    async loadSettings() {
      set({ settingsStatus: 'loading', settingsError: null });
      const result = await api.settings.get({});
      if (result.ok) set({ settings: result.value, settingsStatus: 'idle' });
      else set({ settingsStatus: 'failed', settingsError: result.error });
    },
    async saveSettings(settings) {
      set({ settingsStatus: 'saving', settingsError: null });
      const result = await api.settings.set(settings);
      if (result.ok) set({ settings: result.value, settingsStatus: 'saved' });
      else set({ settingsStatus: 'failed', settingsError: result.error });
    },
  });
