import { join } from 'node:path';
import { UsageError } from '../errors/laps-error.js';
import {
  configDirectory,
  loadProfile,
  profilesPath,
  readProfiles,
} from '../profiles/profile-store.js';
import { isPlainRecord, readJsonFile, writeJsonFileAtomic, WriteQueue } from './json-file.js';
import type { ProfileRepository } from './ports.js';

/**
 * profiles.json in the config folder, the file lapsctl reads. Saving rewrites one entry and
 * leaves every other entry exactly as it was (fields the console does not know included).
 */
export function fileProfileRepository(env: NodeJS.ProcessEnv): ProfileRepository {
  const queue = new WriteQueue();
  const path = profilesPath(env);

  const rewrite = (change: (profiles: Record<string, unknown>) => boolean): Promise<boolean> =>
    queue.run(async () => {
      let raw: unknown;
      try {
        raw = (await readJsonFile(path)) ?? { profiles: {} };
      } catch {
        throw new UsageError(`${path} is not valid JSON: fix or remove it.`);
      }
      if (!isPlainRecord(raw) || !isPlainRecord(raw.profiles ?? {}))
        throw new UsageError(`${path} has no "profiles" object: fix or remove it.`);
      // A null-prototype copy: no profile name, however odd, can reach Object.prototype.
      const profiles = Object.assign(
        Object.create(null) as Record<string, unknown>,
        raw.profiles ?? {},
      );
      if (!change(profiles)) return false;
      await writeJsonFileAtomic(path, { ...raw, profiles });
      return true;
    });

  return {
    async list() {
      const { profiles } = await readProfiles(env);
      return new Map(Object.entries(profiles));
    },
    get: (name) => loadProfile(name, env),
    async save(name, profile) {
      await rewrite((profiles) => {
        profiles[name] = profile;
        return true;
      });
    },
    delete: (name) =>
      rewrite((profiles) => {
        if (!Object.hasOwn(profiles, name)) return false;
        return Reflect.deleteProperty(profiles, name);
      }),
  };
}

/** A file of the console's own in the config folder (settings.json, saved-passwords.json). */
export function consoleFile(env: NodeJS.ProcessEnv, name: string): string {
  return join(configDirectory(env), name);
}
