import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretStoreUnavailableError } from '../../../../main/core/console/console-error.js';
import { fileSecretStore, type SecretCipher } from '../../../../main/core/console/secret-file.js';

// Stands in for safeStorage: reversible, and visibly not the plain text.
const xorCipher = (available = true): SecretCipher => ({
  unavailableReason: () => Promise.resolve(available ? undefined : 'no keyring is running'),
  encrypt: (text) => Promise.resolve(Buffer.from(Buffer.from(text, 'utf8').map((b) => b ^ 0x5a))),
  decrypt: (bytes) => Promise.resolve(Buffer.from(bytes.map((b) => b ^ 0x5a)).toString('utf8')),
});

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'laps-secrets-'));
  path = join(dir, 'saved-passwords.json');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('the saved-password file', () => {
  it('keeps passwords only as the cipher encrypted them, in a file only its owner reads', async () => {
    const store = fileSecretStore(path, xorCipher());
    await store.set('corp', 'Sup3r$ecret');
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('Sup3r$ecret');
    const file = JSON.parse(text) as { version: number; passwords: Record<string, string> };
    expect(file.version).toBe(1);
    expect(Object.keys(file.passwords)).toEqual(['corp']);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await store.get('corp')).toBe('Sup3r$ecret');
    expect(await store.has('corp')).toBe(true);
  });

  it('saves nothing at all where the OS cannot protect it', async () => {
    const store = fileSecretStore(path, xorCipher(false));
    await expect(store.set('corp', 'Sup3r$ecret')).rejects.toThrow(SecretStoreUnavailableError);
    await expect(readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('forgets a password, and keeps the others', async () => {
    const store = fileSecretStore(path, xorCipher());
    await store.set('a', 'one');
    await store.set('b', 'two');
    await store.delete('a');
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('b')).toBe('two');
  });

  it('takes a profile named like an Object.prototype member as just a name', async () => {
    const store = fileSecretStore(path, xorCipher());
    await store.set('toString', 'x');
    expect(await store.get('toString')).toBe('x');
    expect(await store.get('hasOwnProperty')).toBeUndefined();
  });
});
