import type { StateCreator } from 'zustand';
import type { LapsApi } from '../../../shared/ipc/api.js';
import type { ChannelInput, ChannelOutput, ProfileSummary } from '../../../shared/ipc/contract.js';
import type { IpcErrorInfo, Result } from '../../../shared/ipc/result.js';
import type { ConsoleState } from './store.js';

export type ConnectionTest =
  | { readonly state: 'testing' }
  | { readonly state: 'passed'; readonly info: ChannelOutput<'connection.test'> }
  | { readonly state: 'failed'; readonly error: IpcErrorInfo };

export interface ProfilesSlice {
  readonly profiles: readonly ProfileSummary[];
  readonly profilesStatus: 'idle' | 'loading' | 'ready' | 'failed';
  readonly profilesError: IpcErrorInfo | null;
  /** The last "Test connection" of each profile, by name. */
  readonly connectionTests: Readonly<Record<string, ConnectionTest>>;
  loadProfiles: () => Promise<void>;
  testConnection: (name: string) => Promise<void>;
  /** Saves and reloads the list; the password (if any) goes to main's protected store only. */
  saveProfile: (
    input: ChannelInput<'profile.save'>,
  ) => Promise<Result<ChannelOutput<'profile.save'>>>;
  deleteProfile: (name: string) => Promise<Result<null>>;
  /** Tests a profile being edited; its password is used once and kept nowhere. */
  testDraft: (
    input: ChannelInput<'connection.test'>,
  ) => Promise<Result<ChannelOutput<'connection.test'>>>;
}

export const createProfilesSlice =
  (api: LapsApi): StateCreator<ConsoleState, [], [], ProfilesSlice> =>
  (set, get) => ({
    profiles: [],
    profilesStatus: 'idle',
    profilesError: null,
    connectionTests: {},
    async loadProfiles() {
      set({ profilesStatus: 'loading', profilesError: null });
      const result = await api.profile.list({});
      if (result.ok) set({ profiles: result.value.profiles, profilesStatus: 'ready' });
      else set({ profilesStatus: 'failed', profilesError: result.error });
    },
    async testConnection(name) {
      const record = (test: ConnectionTest) =>
        set((state) => ({ connectionTests: { ...state.connectionTests, [name]: test } }));
      record({ state: 'testing' });
      const result = await api.connection.test({ name });
      record(
        result.ok
          ? { state: 'passed', info: result.value }
          : { state: 'failed', error: result.error },
      );
    },
    async saveProfile(input) {
      const result = await api.profile.save(input);
      if (result.ok) await get().loadProfiles();
      return result;
    },
    async deleteProfile(name) {
      const result = await api.profile.delete({ name });
      if (result.ok) await get().loadProfiles();
      return result;
    },
    testDraft: (input) => api.connection.test(input),
  });
