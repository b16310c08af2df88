// The renderer's only door to main: window.laps, one method per channel of the shared contract,
// each a single ipcRenderer.invoke. ipcRenderer itself is never exposed.
import { contextBridge, ipcRenderer } from 'electron';
import { buildLapsApi } from '../shared/ipc/api.js';

contextBridge.exposeInMainWorld(
  'laps',
  buildLapsApi((channel, input) => ipcRenderer.invoke(channel, input)),
);
