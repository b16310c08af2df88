import { randomUUID } from 'node:crypto';
import { CancelledError, LapsError } from '../errors/laps-error.js';
import type { ConnectionProfile } from '../profiles/profile.js';
import { NotConnectedError } from './console-error.js';
import type { DirectoryInfo, DirectoryLink } from './ports.js';

/** Opens a fresh link for this connection (the saved password is fetched anew each time). */
export type LinkOpener = (signal?: AbortSignal) => Promise<DirectoryLink>;

// A window has no business holding more: this bounds what a misbehaving renderer can open.
export const MAX_CONNECTIONS_PER_WINDOW = 8;

/**
 * One connection the renderer knows by an opaque id. It keeps two links to the DC: one for
 * reads and writes, one for type-ahead search, because cancelling a search drops the connection
 * it ran on. A link that was lost is reopened on the next request.
 */
export class ConsoleConnection {
  private primary: Promise<DirectoryLink> | undefined;
  private searchLink: Promise<DirectoryLink> | undefined;
  private isClosed = false;

  constructor(
    readonly id: string,
    readonly ownerKey: string,
    readonly profileName: string,
    readonly profile: ConnectionProfile,
    readonly info: DirectoryInfo,
    primary: DirectoryLink,
    private readonly openLink: LinkOpener,
  ) {
    this.primary = Promise.resolve(primary);
  }

  get user(): string | null {
    return this.profile.auth === 'simple' ? (this.profile.user ?? null) : null;
  }

  get base(): string | undefined {
    return this.profile.base;
  }

  /** Runs an operation on the primary link; a link whose DC went away is dropped for the next call. */
  async withPrimary<T>(operation: (link: DirectoryLink) => Promise<T>): Promise<T> {
    this.checkOpen();
    this.primary ??= this.openLink();
    const pending = this.primary;
    const link = await this.settle(pending, () => {
      if (this.primary === pending) this.primary = undefined;
    });
    try {
      return await operation(link);
    } catch (error) {
      if (isConnectionLost(error) && this.primary === pending) {
        this.primary = undefined;
        void closeQuietly(pending);
      }
      throw error;
    }
  }

  /** Runs a search on the search link; when the signal aborts, that link is dropped. */
  async withSearchLink<T>(
    signal: AbortSignal,
    operation: (link: DirectoryLink) => Promise<T>,
  ): Promise<T> {
    this.checkOpen();
    this.searchLink ??= this.openLink(signal);
    const pending = this.searchLink;
    const drop = (): void => {
      if (this.searchLink !== pending) return;
      this.searchLink = undefined;
      void closeQuietly(pending);
    };
    // Synchronously, inside abort(): the next search must not pick up the link being dropped.
    signal.addEventListener('abort', drop, { once: true });
    try {
      const link = await this.settle(pending, drop);
      const result = await operation(link);
      if (signal.aborted) throw new CancelledError();
      return result;
    } catch (error) {
      if (isConnectionLost(error)) drop();
      if (signal.aborted) throw new CancelledError();
      throw error;
    } finally {
      signal.removeEventListener('abort', drop);
    }
  }

  async close(): Promise<void> {
    this.isClosed = true;
    const links = [this.primary, this.searchLink].filter(
      (link): link is Promise<DirectoryLink> => link !== undefined,
    );
    this.primary = undefined;
    this.searchLink = undefined;
    await Promise.all(links.map(closeQuietly));
  }

  /** A link that failed to open is forgotten, so the next request tries again. */
  private async settle(
    pending: Promise<DirectoryLink>,
    forget: () => void,
  ): Promise<DirectoryLink> {
    let link: DirectoryLink;
    try {
      link = await pending;
    } catch (error) {
      forget();
      throw error;
    }
    // Closed while it was opening: close() closes the link itself.
    this.checkOpen();
    return link;
  }

  private checkOpen(): void {
    if (this.isClosed) throw new NotConnectedError();
  }
}

/** Every open connection, each owned by the window that opened it. */
export class ConnectionRegistry {
  private readonly connections = new Map<string, ConsoleConnection>();
  private readonly searches = new Map<string, AbortController>();

  add(
    ownerKey: string,
    profileName: string,
    profile: ConnectionProfile,
    info: DirectoryInfo,
    primary: DirectoryLink,
    openLink: LinkOpener,
  ): ConsoleConnection {
    const connection = new ConsoleConnection(
      randomUUID(),
      ownerKey,
      profileName,
      profile,
      info,
      primary,
      openLink,
    );
    this.connections.set(connection.id, connection);
    return connection;
  }

  countOwnedBy(ownerKey: string): number {
    let count = 0;
    for (const connection of this.connections.values())
      if (connection.ownerKey === ownerKey) count += 1;
    return count;
  }

  /** The connection, if it is open and this window opened it. */
  get(id: string, ownerKey: string): ConsoleConnection {
    const connection = this.connections.get(id);
    if (!connection || connection.ownerKey !== ownerKey) throw new NotConnectedError();
    return connection;
  }

  async close(id: string, ownerKey: string): Promise<void> {
    const connection = this.get(id, ownerKey);
    this.connections.delete(id);
    await connection.close();
  }

  /** When a window closes (or reloads): its connections and its search go with it. */
  async closeAllOwnedBy(ownerKey: string): Promise<void> {
    this.searches.get(ownerKey)?.abort();
    this.searches.delete(ownerKey);
    const owned = [...this.connections.values()].filter((c) => c.ownerKey === ownerKey);
    for (const connection of owned) this.connections.delete(connection.id);
    await Promise.all(owned.map((connection) => connection.close()));
  }

  async closeAll(): Promise<void> {
    await Promise.all(
      [...new Set([...this.connections.values()].map((c) => c.ownerKey))].map((ownerKey) =>
        this.closeAllOwnedBy(ownerKey),
      ),
    );
  }

  /**
   * Type-ahead: a window has at most one search in flight. Starting one aborts the previous
   * one, whose caller then gets "cancelled".
   */
  beginSearch(ownerKey: string): AbortController {
    this.searches.get(ownerKey)?.abort();
    const controller = new AbortController();
    this.searches.set(ownerKey, controller);
    return controller;
  }

  endSearch(ownerKey: string, controller: AbortController): void {
    if (this.searches.get(ownerKey) === controller) this.searches.delete(ownerKey);
  }
}

function isConnectionLost(error: unknown): boolean {
  return error instanceof LapsError && error.code === 'dc-unreachable';
}

async function closeQuietly(link: Promise<DirectoryLink>): Promise<void> {
  try {
    await (await link).close();
  } catch {
    // Opening it failed, or the DC is gone: nothing is left to close.
  }
}
