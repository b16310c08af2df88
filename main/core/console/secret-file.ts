import { isPlainRecord, readJsonFile, writeJsonFileAtomic, WriteQueue } from './json-file.js';
import { SecretStoreUnavailableError } from './console-error.js';
import type { SecretStore } from './ports.js';

/** The OS's protection for secrets at rest (Electron's safeStorage, in main/app). */
export interface SecretCipher {
  /** Why secrets cannot be protected here, or undefined when they can. */
  unavailableReason(): Promise<string | undefined>;
  encrypt(plainText: string): Promise<Buffer>;
  decrypt(cipherText: Buffer): Promise<string>;
}

/**
 * Saved passwords in one file of the config folder, each encrypted by the cipher and kept as
 * base64: `{ "version": 1, "passwords": { "<profile>": "<base64>" } }`. Nothing is ever written
 * in clear: without a cipher, saving fails.
 */
export function fileSecretStore(path: string, cipher: SecretCipher): SecretStore {
  const queue = new WriteQueue();

  const readAll = async (): Promise<Map<string, string>> => {
    let raw: unknown;
    try {
      raw = await readJsonFile(path);
    } catch {
      return new Map();
    }
    const passwords = isPlainRecord(raw) ? raw.passwords : undefined;
    if (!isPlainRecord(passwords)) return new Map();
    return new Map(
      Object.entries(passwords).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    );
  };
  const writeAll = (passwords: Map<string, string>): Promise<void> =>
    writeJsonFileAtomic(path, {
      version: 1,
      passwords: Object.assign(Object.create(null) as object, Object.fromEntries(passwords)),
    });

  return {
    async get(profileName) {
      const stored = (await readAll()).get(profileName);
      if (stored === undefined) return undefined;
      if ((await cipher.unavailableReason()) !== undefined) return undefined;
      try {
        return await cipher.decrypt(Buffer.from(stored, 'base64'));
      } catch {
        // Encrypted under another user or machine key: as good as not saved.
        return undefined;
      }
    },
    async has(profileName) {
      return (await readAll()).has(profileName);
    },
    async set(profileName, secret) {
      const reason = await cipher.unavailableReason();
      if (reason !== undefined) throw new SecretStoreUnavailableError(reason);
      const encrypted = (await cipher.encrypt(secret)).toString('base64');
      await queue.run(async () => {
        const passwords = await readAll();
        passwords.set(profileName, encrypted);
        await writeAll(passwords);
      });
    },
    delete(profileName) {
      return queue.run(async () => {
        const passwords = await readAll();
        if (passwords.delete(profileName)) await writeAll(passwords);
      });
    },
  };
}
