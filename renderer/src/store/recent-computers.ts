// The last computers opened, kept in localStorage across sessions: names and DNs only (never a
// password), validated on the way back in because anything may have edited the storage.

export const RECENT_COMPUTERS_MAX = 10;
export const RECENT_COMPUTERS_KEY = 'laps-console.recent-computers';

export interface RecentComputer {
  readonly name: string;
  readonly dn: string;
}

/** The part of the Web Storage API we use, so that tests can give a Map-backed one. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function isRecentComputer(value: unknown): value is RecentComputer {
  if (typeof value !== 'object' || value === null) return false;
  const { name, dn } = value as Record<string, unknown>;
  return typeof name === 'string' && typeof dn === 'string' && name.length <= 4096;
}

export function loadRecentComputers(storage: KeyValueStorage | undefined): RecentComputer[] {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(RECENT_COMPUTERS_KEY) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed
      .filter(isRecentComputer)
      .slice(0, RECENT_COMPUTERS_MAX)
      .map(({ name, dn }) => ({ name, dn }));
  } catch {
    return [];
  }
}

/** The list with `computer` first, once, at most RECENT_COMPUTERS_MAX long; also saved. */
export function rememberComputer(
  storage: KeyValueStorage | undefined,
  recent: readonly RecentComputer[],
  computer: RecentComputer,
): RecentComputer[] {
  const next = [
    { name: computer.name, dn: computer.dn },
    ...recent.filter((entry) => entry.dn !== computer.dn),
  ].slice(0, RECENT_COMPUTERS_MAX);
  try {
    storage?.setItem(RECENT_COMPUTERS_KEY, JSON.stringify(next));
  } catch {
    // Storage full or disabled: the list still works for this session.
  }
  return next;
}
