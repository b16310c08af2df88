import type { LapsApi } from '../../shared/ipc/api.js';

declare global {
  interface Window {
    /** Exposed by preload (Electron) or by the test host's bridge: the whole API to main. */
    readonly laps: LapsApi;
  }
}

export function lapsApi(): LapsApi {
  return window.laps;
}
