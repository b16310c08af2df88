import { entraSettings } from '../../../shared/ipc/entra-values.js';
import type { EntraSettings } from '../../../shared/ipc/contract.js';
import { readJsonFile, writeJsonFileAtomic, WriteQueue } from './json-file.js';

/** entra.json: the app registration, tenant and cloud the console signs in with. */
export interface EntraSettingsStore {
  /** null until configured; a damaged file counts as not configured (configure rewrites it). */
  get(): Promise<EntraSettings | null>;
  set(settings: EntraSettings): Promise<void>;
}

export function fileEntraSettingsStore(path: string): EntraSettingsStore {
  const queue = new WriteQueue();
  return {
    async get() {
      let raw: unknown;
      try {
        raw = await readJsonFile(path);
      } catch {
        return null;
      }
      const parsed = entraSettings.safeParse(raw);
      return parsed.success ? parsed.data : null;
    },
    set: (settings) => queue.run(() => writeJsonFileAtomic(path, settings)),
  };
}
