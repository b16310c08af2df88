import { lapsApi } from '../laps.js';
import { createConsoleStore } from './store.js';

/** The app's store, over window.laps. */
export const useConsole = createConsoleStore(lapsApi());
