import { describe, expect, it } from 'vitest';
import type { TokenCacheContext } from '@azure/msal-node';
import {
  createTokenCachePlugin,
  type TokenCacheStore,
} from '../../../../main/core/entra/token-cache.js';

/** A store whose "encryption" is reversible and visible, standing in for safeStorage. */
function fakeStore(): TokenCacheStore & { saved: Uint8Array | null } {
  const store = {
    saved: null as Uint8Array | null,
    load: () => Promise.resolve(store.saved),
    save: (encrypted: Uint8Array) => ((store.saved = encrypted), Promise.resolve()),
    encrypt: (plaintext: string) => new Uint8Array(Buffer.from(`enc:${plaintext}`)),
    decrypt: (encrypted: Uint8Array) => Buffer.from(encrypted).toString().replace(/^enc:/, ''),
  };
  return store;
}

function context(
  cacheHasChanged: boolean,
  serialized: string,
  loaded: string[],
): TokenCacheContext {
  return {
    cacheHasChanged,
    tokenCache: {
      serialize: () => serialized,
      deserialize: (text: string) => void loaded.push(text),
    },
  } as unknown as TokenCacheContext;
}

describe('token cache plugin', () => {
  it('saves the cache encrypted only when it changed, and loads it decrypted', async () => {
    const store = fakeStore();
    const plugin = createTokenCachePlugin(store);
    await plugin.afterCacheAccess(context(false, '{"a":1}', []));
    expect(store.saved).toBeNull();
    await plugin.afterCacheAccess(context(true, '{"a":1}', []));
    expect(Buffer.from(store.saved ?? []).toString()).toBe('enc:{"a":1}');
    const loaded: string[] = [];
    await plugin.beforeCacheAccess(context(false, '', loaded));
    expect(loaded).toEqual(['{"a":1}']);
  });

  it('loads nothing when nothing was saved', async () => {
    const loaded: string[] = [];
    await createTokenCachePlugin(fakeStore()).beforeCacheAccess(context(false, '', loaded));
    expect(loaded).toEqual([]);
  });
});
