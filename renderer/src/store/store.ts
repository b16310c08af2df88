// One store, one slice per view (zustand's slices pattern). No password ever enters it: the
// LAPS tab keeps a revealed one in its own component state, dropped when it closes.
import { create } from 'zustand';
import type { LapsApi } from '../../../shared/ipc/api.js';
import { createAuditSlice, type AuditSlice } from './audit-slice.js';
import { createComputerSlice, type ComputerSlice } from './computer-slice.js';
import { createConnectionSlice, type ConnectionSlice } from './connection-slice.js';
import { createProfilesSlice, type ProfilesSlice } from './profiles-slice.js';
import type { KeyValueStorage } from './recent-computers.js';
import { createSearchSlice, type SearchSlice } from './search-slice.js';
import { createSettingsSlice, type SettingsSlice } from './settings-slice.js';

export type ConsoleState = ProfilesSlice &
  ConnectionSlice &
  SearchSlice &
  ComputerSlice &
  SettingsSlice &
  AuditSlice;

export function createConsoleStore(api: LapsApi, storage?: KeyValueStorage) {
  return create<ConsoleState>()((...parts) => ({
    ...createProfilesSlice(api)(...parts),
    ...createConnectionSlice(api)(...parts),
    ...createSearchSlice(api)(...parts),
    ...createComputerSlice(api, storage)(...parts),
    ...createSettingsSlice(api)(...parts),
    ...createAuditSlice(api)(...parts),
  }));
}

export type ConsoleStore = ReturnType<typeof createConsoleStore>;
