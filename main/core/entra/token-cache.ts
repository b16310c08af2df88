import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';

/**
 * Where the serialized MSAL cache is kept, encrypted. The console implements it with Electron
 * safeStorage (the OS keychain's key); the CLI keeps tokens in memory only for now, so it
 * passes no store and each lapsctl run signs in afresh.
 */
export interface TokenCacheStore {
  /** The encrypted cache, or null when nothing was saved yet. */
  load(): Promise<Uint8Array | null>;
  save(encrypted: Uint8Array): Promise<void>;
  encrypt(plaintext: string): Uint8Array;
  decrypt(encrypted: Uint8Array): string;
}

/** An MSAL cache plugin over a store: the cache never reaches disk unencrypted. */
export function createTokenCachePlugin(store: TokenCacheStore): ICachePlugin {
  return {
    async beforeCacheAccess(context: TokenCacheContext): Promise<void> {
      const encrypted = await store.load();
      if (encrypted !== null) context.tokenCache.deserialize(store.decrypt(encrypted));
    },
    async afterCacheAccess(context: TokenCacheContext): Promise<void> {
      if (context.cacheHasChanged) await store.save(store.encrypt(context.tokenCache.serialize()));
    },
  };
}
