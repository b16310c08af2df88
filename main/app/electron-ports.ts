// The Electron side of the console's ports: safeStorage protects saved passwords, the system
// clipboard receives copied ones.
import { clipboard, safeStorage } from 'electron';
import type { ClipboardPort } from '../core/console/ports.js';
import type { SecretCipher } from '../core/console/secret-file.js';

export const safeStorageCipher: SecretCipher = {
  async unavailableReason() {
    if (!(await safeStorage.isAsyncEncryptionAvailable()))
      return 'Electron safeStorage is not available';
    // Without a keyring Chromium falls back to a fixed key: that is obfuscation, not protection.
    if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text')
      return 'no keyring such as GNOME Keyring or KWallet is running';
    return undefined;
  },
  encrypt: (plainText) => safeStorage.encryptStringAsync(plainText),
  decrypt: async (cipherText) => (await safeStorage.decryptStringAsync(cipherText)).result,
};

export const systemClipboard: ClipboardPort = {
  readText: () => clipboard.readText(),
  writeText: (text) => clipboard.writeText(text),
};
