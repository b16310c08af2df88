// NCryptUnprotectSecret through koffi. The round trips need ncrypt.dll and run on Windows only;
// elsewhere the tests prove koffi is never loaded and the error mapping is right.
import { describe, expect, it, vi } from 'vitest';
import {
  canUnprotectWithWindows,
  hresultHex,
  protectWithWindows,
  unprotectWithWindows,
  windowsDecryptError,
  WindowsNativeUnavailableError,
} from '../../../../main/core/dpapi-ng/windows-native.js';
import { splitLapsEncryptedValue } from '../../../../main/core/dpapi-ng/laps.js';
import { dsVector, hex } from './fixtures.js';

// Counts imports of koffi without changing it, so a test can say whether it was loaded.
const koffiImports = vi.hoisted(() => ({ count: 0 }));
vi.mock('koffi', async (importOriginal) => {
  koffiImports.count++;
  return importOriginal();
});

const onWindows = process.platform === 'win32';

describe.runIf(onWindows)('NCryptUnprotectSecret on Windows', () => {
  it('decrypts what NCryptProtectSecret protected to LOCAL=user, as the signed-in user', async () => {
    const secret = Buffer.from(
      '{"n":"Administrator","t":"1d9a3b2c4e5f6a7","p":"Z}-FQ5"}',
      'utf16le',
    );
    const blob = await protectWithWindows('LOCAL=user', secret);
    expect(blob.length).toBeGreaterThan(secret.length);
    expect(Buffer.from(blob).includes(secret)).toBe(false);
    expect(Buffer.from(await unprotectWithWindows(blob))).toEqual(secret);
  });

  it('reports a malformed blob as malformed data', async () => {
    await expect(unprotectWithWindows(Uint8Array.of(0x30, 0x03, 0x02, 0x01))).rejects.toMatchObject(
      { code: 'malformed-data' },
    );
    await expect(unprotectWithWindows(new Uint8Array(64).fill(0x5a))).rejects.toMatchObject({
      code: 'malformed-data',
    });
  });
});

describe.skipIf(onWindows)('Windows-native decryption elsewhere', () => {
  it('refuses without loading koffi', async () => {
    expect(canUnprotectWithWindows()).toBe(false);
    await expect(unprotectWithWindows(new Uint8Array(8))).rejects.toBeInstanceOf(
      WindowsNativeUnavailableError,
    );
    expect(koffiImports.count).toBe(0);
  });
});

describe('Windows status codes', () => {
  const { blob } = splitLapsEncryptedValue(hex(dsVector(0).msLAPS_EncryptedPassword_hex));
  const codeOf = (status: number): string => windowsDecryptError(status | 0, blob).code;

  it('prints a SECURITY_STATUS as Windows does', () => {
    expect(hresultHex(0x80090005 | 0)).toBe('0x80090005');
  });

  it('maps refusals, unknown keys, unreachable DCs and bad data to the typed errors', () => {
    expect(codeOf(0x80070005)).toBe('not-authorized-to-decrypt');
    expect(codeOf(0x80090016)).toBe('not-authorized-to-decrypt');
    expect(codeOf(0x8009000d)).toBe('not-authorized-to-decrypt');
    expect(codeOf(0x800706ba)).toBe('dc-unreachable');
    expect(codeOf(0x8007054b)).toBe('dc-unreachable');
    expect(codeOf(0x8009030e)).toBe('auth-failed');
    expect(codeOf(0x80090005)).toBe('malformed-data');
    expect(codeOf(0x8009310b)).toBe('malformed-data');
    expect(codeOf(0x80004005)).toBe('unexpected');
  });

  it('names the root key when the key service does not know it', () => {
    expect(windowsDecryptError(0x80090016 | 0, blob).message).toContain(
      'root key 8b0100a4-2606-a328-6070-c5cad7cf5c0b',
    );
    expect(windowsDecryptError(0x80090016 | 0, new Uint8Array(3)).message).toContain(
      'unreadable key identifier',
    );
  });
});
