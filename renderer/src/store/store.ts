// One store, one slice per view (zustand's slices pattern). No password ever enters it: the
// LAPS tab and the Entra view keep a revealed one in their own component state, dropped when
// they close; Entra tokens stay in main, named here by an opaque account id.
import { create } from 'zustand';
import type { LapsApi } from '../../../shared/ipc/api.js';
import { createAuditSlice, type AuditSlice } from './audit-slice.js';
import { createComputerSlice, type ComputerSlice } from './computer-slice.js';
import { createConnectionSlice, type ConnectionSlice } from './connection-slice.js';
import { createEntraSlice, type EntraSlice, type EntraSliceOptions } from './entra-slice.js';
import { createProfilesSlice, type ProfilesSlice } from './profiles-slice.js';
import type { KeyValueStorage } from './recent-computers.js';
import { createSearchSlice, type SearchSlice } from './search-slice.js';
import { createSettingsSlice, type SettingsSlice } from './settings-slice.js';

export type ConsoleState = ProfilesSlice &
  ConnectionSlice &
  SearchSlice &
  ComputerSlice &
  SettingsSlice &
  AuditSlice &
  EntraSlice;

export function createConsoleStore(
  api: LapsApi,
  storage?: KeyValueStorage,
  entraOptions?: EntraSliceOptions,
) {
  return create<ConsoleState>()((...parts) => ({
    ...createProfilesSlice(api)(...parts),
    ...createConnectionSlice(api)(...parts),
    ...createSearchSlice(api)(...parts),
    ...createComputerSlice(api, storage)(...parts),
    ...createSettingsSlice(api)(...parts),
    ...createAuditSlice(api)(...parts),
    ...createEntraSlice(api, entraOptions)(...parts),
  }));
}

export type ConsoleStore = ReturnType<typeof createConsoleStore>;
