import type { ConsoleSettings } from '../../../shared/ipc/contract.js';
import { isPlainRecord, readJsonFile, writeJsonFileAtomic, WriteQueue } from './json-file.js';
import type { SettingsStore } from './ports.js';

export const DEFAULT_SETTINGS: ConsoleSettings = { clipboardClearSeconds: 30 };

/** settings.json in the config folder; a missing or damaged file means the defaults. */
export function fileSettingsStore(path: string): SettingsStore {
  const queue = new WriteQueue();
  const read = async (): Promise<ConsoleSettings> => {
    let raw: unknown;
    try {
      raw = await readJsonFile(path);
    } catch {
      return DEFAULT_SETTINGS;
    }
    const seconds = isPlainRecord(raw) ? raw.clipboardClearSeconds : undefined;
    return typeof seconds === 'number' &&
      Number.isInteger(seconds) &&
      seconds >= 5 &&
      seconds <= 600
      ? { clipboardClearSeconds: seconds }
      : DEFAULT_SETTINGS;
  };
  return {
    get: read,
    set: (settings) =>
      queue.run(async () => {
        await writeJsonFileAtomic(path, settings);
        return settings;
      }),
  };
}
