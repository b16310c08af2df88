import { readFile } from 'node:fs/promises';
import { homedir, platform } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors/laps-error.js';
import type { ConnectionProfile, ProfileFile } from './profile.js';

/**
 * The folder the CLI and the console share: LAPS_CONSOLE_CONFIG_DIR, else the platform's
 * per-user config folder (the one Electron calls userData for an app named laps-console).
 */
export function configDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LAPS_CONSOLE_CONFIG_DIR) return env.LAPS_CONSOLE_CONFIG_DIR;
  switch (platform()) {
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'laps-console');
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'laps-console');
    default:
      return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'laps-console');
  }
}

export function profilesPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDirectory(env), 'profiles.json');
}

export async function readProfiles(env: NodeJS.ProcessEnv = process.env): Promise<ProfileFile> {
  const path = profilesPath(env);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
    throw new UsageError(
      `Cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}): check its permissions.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`${path} is not valid JSON: fix or remove it.`);
  }
  const profiles = (parsed as { profiles?: unknown } | null)?.profiles;
  if (typeof profiles !== 'object' || profiles === null || Array.isArray(profiles)) {
    throw new UsageError(`${path} has no "profiles" object: fix or remove it.`);
  }
  const checked: Record<string, ConnectionProfile> = {};
  for (const [name, value] of Object.entries(profiles))
    checked[name] = checkProfile(value, `profile "${name}" in ${path}`);
  return { profiles: checked };
}

export async function loadProfile(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ConnectionProfile> {
  const { profiles } = await readProfiles(env);
  const profile = profiles[name];
  if (!profile) {
    const known = Object.keys(profiles);
    throw new UsageError(
      `There is no profile "${name}" in ${profilesPath(env)}${known.length ? ` (known: ${known.join(', ')})` : ''}.`,
    );
  }
  return profile;
}

const STRING_FIELDS = [
  'server',
  'domain',
  'ca',
  'base',
  'user',
  'passwordFile',
  'passwordEnv',
  'gkdiEndpoint',
] as const;

function checkProfile(value: unknown, where: string): ConnectionProfile {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError(`The ${where} is not an object.`);
  const record = value as Record<string, unknown>;
  const auth = record.auth ?? 'simple';
  if (auth !== 'simple' && auth !== 'kerberos')
    throw new UsageError(
      `The ${where} has auth ${JSON.stringify(auth)}: use "simple" or "kerberos".`,
    );
  const profile: Record<string, unknown> = { auth };
  for (const field of STRING_FIELDS) {
    const fieldValue = record[field];
    if (fieldValue === undefined) continue;
    if (typeof fieldValue !== 'string')
      throw new UsageError(`The ${where} has a non-text "${field}".`);
    profile[field] = fieldValue;
  }
  if (record.timeoutMs !== undefined) {
    if (typeof record.timeoutMs !== 'number' || !(record.timeoutMs > 0))
      throw new UsageError(`The ${where} has an invalid "timeoutMs".`);
    profile.timeoutMs = record.timeoutMs;
  }
  return profile as unknown as ConnectionProfile;
}
