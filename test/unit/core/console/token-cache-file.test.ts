import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileTokenCache } from '../../../../main/core/console/token-cache-file.js';
import { MemorySecretCipher } from '../../../fixtures/test-host/memory-ports.js';

const CACHE = '{"Account":{},"RefreshToken":{"rt":{"secret":"0.AAAA-refresh"}}}';

let folder: string;
let path: string;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'laps-token-cache-'));
  path = join(folder, 'config', 'entra-tokens.bin');
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** What MSAL's cache plugin does: save(encrypt(serialized)), later decrypt(load()). */
async function saveAsMsal(store: ReturnType<typeof fileTokenCache>, text: string) {
  await store.save(store.encrypt(text));
}
async function loadAsMsal(store: ReturnType<typeof fileTokenCache>): Promise<string | null> {
  const bytes = await store.load();
  return bytes === null ? null : store.decrypt(bytes);
}

describe('fileTokenCache', () => {
  it('writes the cache sealed by the cipher, owner-only, and reads it back after a restart', async () => {
    const store = fileTokenCache(path, new MemorySecretCipher());
    expect(await loadAsMsal(store)).toBeNull();
    await saveAsMsal(store, CACHE);
    const sealed = await readFile(path);
    expect(sealed.toString('latin1')).not.toContain('RefreshToken');
    expect(sealed.toString('latin1')).not.toContain('secret');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await new MemorySecretCipher().decrypt(sealed)).toBe(CACHE);
    expect(await loadAsMsal(fileTokenCache(path, new MemorySecretCipher()))).toBe(CACHE);
    expect(await store.isPersistent()).toBe(true);
  });

  it('never writes where the OS cannot protect it: the tokens last as long as the process', async () => {
    const store = fileTokenCache(path, new MemorySecretCipher(false));
    await saveAsMsal(store, CACHE);
    expect(await loadAsMsal(store)).toBe(CACHE);
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await store.isPersistent()).toBe(false);
    expect(await loadAsMsal(fileTokenCache(path, new MemorySecretCipher(false)))).toBeNull();
  });

  it('reads a file sealed by another key, or damaged, as no cache at all', async () => {
    await saveAsMsal(fileTokenCache(path, new MemorySecretCipher()), CACHE);
    await writeFile(path, CACHE);
    expect(await loadAsMsal(fileTokenCache(path, new MemorySecretCipher()))).toBeNull();
  });

  it('keeps the tokens in memory when the file cannot be written, and says so until it can', async () => {
    // A file where the config folder should be: every write fails, as on a full disk.
    await writeFile(join(folder, 'config'), 'not a folder');
    const store = fileTokenCache(path, new MemorySecretCipher());
    expect(await store.isPersistent()).toBe(true);
    await saveAsMsal(store, CACHE);
    expect(await loadAsMsal(store)).toBe(CACHE);
    expect(await store.isPersistent()).toBe(false);
    await rm(join(folder, 'config'));
    await saveAsMsal(store, CACHE);
    expect(await store.isPersistent()).toBe(true);
    expect(await loadAsMsal(fileTokenCache(path, new MemorySecretCipher()))).toBe(CACHE);
  });

  it('forgets every token on clear, in memory and on disk', async () => {
    const store = fileTokenCache(path, new MemorySecretCipher());
    await saveAsMsal(store, CACHE);
    await store.clear();
    expect(await loadAsMsal(store)).toBeNull();
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('keeps the last of several saves made at once', async () => {
    const store = fileTokenCache(path, new MemorySecretCipher());
    await Promise.all(['{"n":1}', '{"n":2}', '{"n":3}'].map((text) => saveAsMsal(store, text)));
    expect(await loadAsMsal(fileTokenCache(path, new MemorySecretCipher()))).toBe('{"n":3}');
  });
});
