import { lapsApi } from '../laps.js';
import { createConsoleStore } from './store.js';

/** The app's store, over window.laps; recent computers in localStorage. */
export const useConsole = createConsoleStore(lapsApi(), window.localStorage);
