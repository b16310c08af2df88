import type { StateCreator } from 'zustand';
import type { LapsApi } from '../../../shared/ipc/api.js';
import type { ComputerHit } from '../../../shared/ipc/contract.js';
import type { IpcErrorInfo } from '../../../shared/ipc/result.js';
import type { ConsoleState } from './store.js';

// Short: main cancels a search as soon as a newer one from the same window arrives, so a brief
// pause is enough to skip the keystrokes of a fast typist without making anyone wait.
export const SEARCH_DEBOUNCE_MS = 40;
/** "Show all": the contract's largest page (type-ahead keeps main's smaller default). */
export const SEARCH_ALL_LIMIT = 10_000;

export interface SearchSlice {
  readonly searchText: string;
  readonly hits: readonly ComputerHit[];
  readonly isTruncated: boolean;
  readonly searchStatus: 'idle' | 'searching' | 'done' | 'failed';
  readonly searchError: IpcErrorInfo | null;
  /** Type-ahead: sets the text and searches once typing pauses. */
  setSearchText: (text: string) => void;
  /** The search was truncated: run it again for up to SEARCH_ALL_LIMIT hits. */
  searchAll: () => Promise<void>;
  resetSearch: () => void;
}

export const createSearchSlice =
  (api: LapsApi): StateCreator<ConsoleState, [], [], SearchSlice> =>
  (set, get) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Only the latest request's reply is shown; main cancels the earlier ones anyway.
    let latest = 0;

    const search = async (text: string, limit?: number): Promise<void> => {
      const { connection } = get();
      if (!connection) return;
      const request = ++latest;
      set({ searchStatus: 'searching', searchError: null });
      const result = await api.computer.search({
        connectionId: connection.connectionId,
        text,
        ...(limit !== undefined ? { limit } : {}),
      });
      if (request !== latest) return;
      if (result.ok)
        set({
          hits: result.value.hits,
          isTruncated: result.value.isTruncated,
          searchStatus: 'done',
        });
      else if (result.error.code !== 'cancelled')
        set({ hits: [], isTruncated: false, searchStatus: 'failed', searchError: result.error });
    };

    return {
      searchText: '',
      hits: [],
      isTruncated: false,
      searchStatus: 'idle',
      searchError: null,
      setSearchText(text) {
        set({ searchText: text });
        clearTimeout(timer);
        if (text.trim() === '') {
          latest += 1;
          set({ hits: [], isTruncated: false, searchStatus: 'idle', searchError: null });
          return;
        }
        timer = setTimeout(() => void search(text), SEARCH_DEBOUNCE_MS);
      },
      async searchAll() {
        clearTimeout(timer);
        const text = get().searchText;
        if (text.trim() !== '') await search(text, SEARCH_ALL_LIMIT);
      },
      resetSearch() {
        clearTimeout(timer);
        latest += 1;
        set({
          searchText: '',
          hits: [],
          isTruncated: false,
          searchStatus: 'idle',
          searchError: null,
        });
      },
    };
  };
