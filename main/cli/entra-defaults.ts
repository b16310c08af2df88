import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configDirectory } from '../core/profiles/profile-store.js';
import { UsageError } from '../core/errors/laps-error.js';

/** What `lapsctl entra` takes from the console's entra.json when no flag says otherwise. */
export interface EntraDefaults {
  readonly clientId?: string;
  readonly tenant?: string;
  readonly cloud?: string;
  readonly authority?: string;
  readonly graphUrl?: string;
  /** A PEM CA file to trust instead of the system store. */
  readonly ca?: string;
}

const KEYS = ['clientId', 'tenant', 'cloud', 'authority', 'graphUrl', 'ca'] as const;

/**
 * The console's Entra settings (entra.json in the config folder), so that a helpdesk who set the
 * console up types no --client-id or --tenant. Empty when there is no file; a damaged file is an
 * error, since a silently ignored one would sign in somewhere else.
 */
export async function readEntraDefaults(env: NodeJS.ProcessEnv): Promise<EntraDefaults> {
  const file = join(configDirectory(env), 'entra.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UsageError(`Cannot read ${file}: ${(error as Error).message}.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(
      `${file} is not valid JSON: fix it in the console's Entra ID settings, or remove it.`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new UsageError(`${file} must hold one JSON object: fix it or remove it.`);
  const record = parsed as Record<string, unknown>;
  const defaults: Record<string, string> = {};
  for (const key of KEYS) {
    const value = record[key];
    if (value === undefined) continue;
    if (typeof value !== 'string')
      throw new UsageError(`${file}: "${key}" must be text: fix it or remove it.`);
    defaults[key] = value;
  }
  return defaults;
}
