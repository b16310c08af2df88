import type { Entry } from 'ldapts';
import {
  AmbiguousNameError,
  CancelledError,
  NotFoundError,
  UsageError,
} from '../errors/laps-error.js';
import {
  COMPUTER_IDENTITY_ATTRIBUTES,
  LAPS_ATTRIBUTES,
  LAPS_BINARY_ATTRIBUTES,
} from '../laps/attributes.js';
import { fileTimeToIso } from '../laps/filetime.js';
import {
  expirationFromVisibleAttributes,
  readComputerIdentity,
  sourceFromVisibleAttributes,
  type LapsSource,
} from '../laps/laps-state.js';
import { computerSearchFilter, exactComputerFilter } from './computer-filter.js';
import { classifyDirectoryError } from './directory-errors.js';
import type { DirectorySession } from './session.js';

export interface ComputerSearchHit {
  readonly computer: string;
  readonly dn: string;
  readonly dnsHostName: string | null;
  readonly source: LapsSource | null;
  readonly expires: string | null;
}

export interface SearchComputersOptions {
  /** Search base; default: the domain's naming context. */
  readonly base?: string;
  readonly limit?: number;
  readonly signal?: AbortSignal;
}

export const DEFAULT_SEARCH_LIMIT = 100;
export const MAX_SEARCH_LIMIT = 10_000;
// Under AD's default MaxPageSize (1000), so a page is never cut short by the server.
const PAGE_SIZE = 500;

export function checkSearchLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) {
    throw new UsageError(`The limit must be a whole number from 1 to ${MAX_SEARCH_LIMIT}.`);
  }
  return limit;
}

/** Where a search starts: the given base, or the domain's naming context. */
export async function searchBase(
  session: DirectorySession,
  base: string | undefined,
): Promise<string> {
  return base ?? (await session.rootDse()).defaultNamingContext;
}

/**
 * Computers whose name, account or DNS name starts with the text (or matches its `*` pattern).
 * Paged, stops at `limit`, and stops at once when the signal aborts. Reads no password.
 */
export async function searchComputers(
  session: DirectorySession,
  text: string,
  options: SearchComputersOptions = {},
): Promise<ComputerSearchHit[]> {
  const limit = checkSearchLimit(options.limit ?? DEFAULT_SEARCH_LIMIT);
  const filter = computerSearchFilter(text);
  const base = await searchBase(session, options.base);
  const hits: ComputerSearchHit[] = [];
  const onAbort = (): void => session.destroy();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const pages = session.client.searchPaginated(base, {
      scope: 'sub',
      filter,
      attributes: [
        ...COMPUTER_IDENTITY_ATTRIBUTES,
        LAPS_ATTRIBUTES.expiration,
        LAPS_ATTRIBUTES.legacyExpiration,
        LAPS_ATTRIBUTES.encryptedPassword,
      ],
      explicitBufferAttributes: [LAPS_ATTRIBUTES.encryptedPassword],
      paged: { pageSize: Math.min(limit, PAGE_SIZE) },
    });
    for await (const page of pages) {
      for (const entry of page.searchEntries) {
        hits.push(toSearchHit(entry));
        if (hits.length >= limit) break;
      }
      if (hits.length >= limit || options.signal?.aborted) break;
    }
  } catch (error) {
    if (options.signal?.aborted) throw new CancelledError();
    throw classifyDirectoryError(error, { server: session.server, action: `search ${base}` });
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (options.signal?.aborted) throw new CancelledError();
  return hits.sort((a, b) =>
    a.computer.localeCompare(b.computer, undefined, { sensitivity: 'base', numeric: true }),
  );
}

function toSearchHit(entry: Entry): ComputerSearchHit {
  const identity = readComputerIdentity(entry);
  const expires = expirationFromVisibleAttributes(entry);
  return {
    computer: identity.name,
    dn: identity.dn,
    dnsHostName: identity.dnsHostName,
    source: sourceFromVisibleAttributes(entry),
    expires: expires ? fileTimeToIso(expires) : null,
  };
}

const LOOKS_LIKE_DN = /^[A-Za-z][\w-]*=.+,\s*[A-Za-z][\w-]*=/;

/**
 * The one computer a name designates (CN, account name with or without `$`, DNS host name, or a
 * DN), read with the given attributes.
 */
export async function findComputer(
  session: DirectorySession,
  name: string,
  options: { base?: string; attributes: readonly string[]; signal?: AbortSignal; action: string },
): Promise<Entry> {
  const attributes = [...COMPUTER_IDENTITY_ATTRIBUTES, ...options.attributes];
  const explicitBufferAttributes = LAPS_BINARY_ATTRIBUTES.filter((attribute) =>
    attributes.includes(attribute),
  );
  const isDn = LOOKS_LIKE_DN.test(name.trim());
  const base = isDn ? name.trim() : await searchBase(session, options.base);
  let entries: Entry[];
  try {
    const result = await session.client.search(base, {
      scope: isDn ? 'base' : 'sub',
      filter: isDn ? '(objectCategory=computer)' : exactComputerFilter(name),
      attributes,
      explicitBufferAttributes,
    });
    entries = result.searchEntries;
  } catch (error) {
    // noSuchObject (32): the DN names nothing.
    if (isDn && (error as { code?: unknown }).code === 32) throw new NotFoundError(name.trim());
    throw classifyDirectoryError(error, { server: session.server, action: options.action });
  }
  const [first, ...others] = entries;
  if (!first) throw new NotFoundError(name.trim());
  if (others.length > 0)
    throw new AmbiguousNameError(
      name.trim(),
      entries.map((entry) => entry.dn),
    );
  return first;
}
