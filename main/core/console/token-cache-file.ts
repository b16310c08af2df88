import { readFile, rm } from 'node:fs/promises';
import type { TokenCacheStore } from '../entra/token-cache.js';
import { writeFileAtomic, WriteQueue } from './json-file.js';
import type { SecretCipher } from './secret-file.js';

/** The console's MSAL token cache, and what the console does with it beside MSAL. */
export interface ConsoleTokenCache extends TokenCacheStore {
  /**
   * Whether tokens outlive the app: false where the OS offers no protected storage, or while the
   * file cannot be written (a full disk, a folder that is not writable).
   */
  isPersistent(): Promise<boolean>;
  /** Forgets every account's tokens (another app registration or tenant was configured). */
  clear(): Promise<void>;
}

/**
 * The serialized MSAL cache (refresh tokens: a signed-in session) in one file of the config
 * folder, encrypted by the OS with the same cipher as saved passwords (entra-tokens.bin,
 * owner-only, replaced atomically). Where the OS cannot protect it, it is never written: the
 * tokens live in memory and go with the app.
 *
 * The OS cipher is asynchronous and MSAL's encrypt/decrypt hooks are not, so the bytes MSAL's
 * plugin passes through this store are the plain cache, in memory only, and encryption happens
 * where they meet the disk. The file is read once; afterwards this process is its only writer
 * (the console runs as a single instance).
 *
 * A write that fails (a full disk) loses nothing and signs no one out: the tokens stay in memory,
 * isPersistent() says false until a later write succeeds, and the Entra view says so.
 */
export function fileTokenCache(path: string, cipher: SecretCipher): ConsoleTokenCache {
  const queue = new WriteQueue();
  const utf8 = { encoder: new TextEncoder(), decoder: new TextDecoder() };
  /** The plain cache as last loaded or saved; undefined until the file was read. */
  let cache: string | null | undefined;
  /** The last write failed: the tokens are in memory only, for now. */
  let isWriteFailing = false;

  const isProtected = async () => (await cipher.unavailableReason()) === undefined;

  const readSaved = async (): Promise<string | null> => {
    if (!(await isProtected())) return null;
    let sealed: Buffer;
    try {
      sealed = await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      return await cipher.decrypt(sealed);
    } catch {
      // Encrypted under another user's or machine's key, or damaged: as good as signed out.
      return null;
    }
  };

  return {
    isPersistent: async () => !isWriteFailing && (await isProtected()),
    load: () =>
      queue.run(async () => {
        cache ??= await readSaved();
        return cache === null ? null : utf8.encoder.encode(cache);
      }),
    save: (bytes) =>
      queue.run(async () => {
        cache = utf8.decoder.decode(bytes);
        if (!(await isProtected())) return;
        try {
          await writeFileAtomic(path, await cipher.encrypt(cache));
          isWriteFailing = false;
        } catch {
          // MSAL would fail the sign-in that is already done: keep the tokens in memory instead.
          isWriteFailing = true;
        }
      }),
    encrypt: (text) => utf8.encoder.encode(text),
    decrypt: (bytes) => utf8.decoder.decode(bytes),
    clear: () =>
      queue.run(async () => {
        cache = null;
        await rm(path, { force: true });
      }),
  };
}
