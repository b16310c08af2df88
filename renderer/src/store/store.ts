// One store, one slice per view (zustand's slices pattern). No password ever enters it here;
// the LAPS tab's slice will hold a revealed one only while its view is open.
import { create } from 'zustand';
import type { LapsApi } from '../../../shared/ipc/api.js';
import { createConnectionSlice, type ConnectionSlice } from './connection-slice.js';
import { createProfilesSlice, type ProfilesSlice } from './profiles-slice.js';
import { createSearchSlice, type SearchSlice } from './search-slice.js';

export type ConsoleState = ProfilesSlice & ConnectionSlice & SearchSlice;

export function createConsoleStore(api: LapsApi) {
  return create<ConsoleState>()((...parts) => ({
    ...createProfilesSlice(api)(...parts),
    ...createConnectionSlice(api)(...parts),
    ...createSearchSlice(api)(...parts),
  }));
}

export type ConsoleStore = ReturnType<typeof createConsoleStore>;
