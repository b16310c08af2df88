// The Electron side of the console's ports: safeStorage protects saved passwords and the Entra
// token cache, the system clipboard receives copied passwords, the system browser signs in.
import { clipboard, safeStorage, shell } from 'electron';
import { UntrustedSignInPageError } from '../core/console/entra-handlers.js';
import type { ClipboardPort, ExternalBrowser } from '../core/console/ports.js';
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

/**
 * The user's default browser, where they already are signed in to Entra ID (SSO, MFA). Core
 * hands it only https pages of the configured authority; anything else is refused here too.
 */
export const systemBrowser: ExternalBrowser = {
  open: (url) =>
    new URL(url).protocol === 'https:'
      ? shell.openExternal(url, { activate: true })
      : Promise.reject(new UntrustedSignInPageError(url)),
};
