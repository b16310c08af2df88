// Windows-native DPAPI-NG: ncrypt.dll's NCryptUnprotectSecret decrypts a protected blob as the
// signed-in user (Windows calls GetKey itself, with the user's Kerberos ticket), through koffi.
// koffi is imported only when a function here is called, and the caller calls only on win32, so
// Linux and macOS never load the native module.
import type koffiModule from 'koffi';
import {
  AuthenticationError,
  DcUnreachableError,
  LapsError,
  MalformedDataError,
  NotAuthorizedToDecryptError,
} from '../errors/laps-error.js';
import { parseDpapiNgBlob } from './blob.js';
import { parseKeyIdentifier } from './gkdi.js';

/** Never show UI: the console and lapsctl have no window for ncrypt to own. */
const NCRYPT_SILENT_FLAG = 0x40;

/** One SECURITY_STATUS / HRESULT out-parameter pair, as koffi fills `_Out_` arguments. */
type PointerOut = [unknown];
type LengthOut = [number];

/** A koffi function as called here: directly, or on koffi's worker thread with a callback last. */
interface NativeFunction {
  (...args: unknown[]): unknown;
  async(...args: unknown[]): void;
}

interface Ncrypt {
  readonly koffi: typeof koffiModule;
  readonly unprotectSecret: NativeFunction;
  readonly protectSecret: NativeFunction;
  readonly createProtectionDescriptor: NativeFunction;
  readonly closeProtectionDescriptor: NativeFunction;
  readonly localFree: NativeFunction;
}

/**
 * Windows-native decryption cannot run here: not Windows, or koffi's prebuilt binary for this
 * platform is missing (a package built on another OS), or ncrypt.dll will not load. The key
 * path catches it and decrypts through MS-GKDI instead.
 */
export class WindowsNativeUnavailableError extends LapsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unexpected', message, options);
  }
}

/** Whether to try unprotectWithWindows first: on Windows only (it may still be unavailable). */
export function canUnprotectWithWindows(): boolean {
  return process.platform === 'win32';
}

let loaded: Promise<Ncrypt> | undefined;

function ncrypt(): Promise<Ncrypt> {
  loaded ??= loadNcrypt().catch((error: unknown) => {
    throw error instanceof WindowsNativeUnavailableError
      ? error
      : new WindowsNativeUnavailableError(
          `Windows-native decryption is unavailable (${error instanceof Error ? error.message : 'koffi did not load'}): reinstall the app for this platform.`,
          { cause: error },
        );
  });
  return loaded;
}

async function loadNcrypt(): Promise<Ncrypt> {
  if (!canUnprotectWithWindows()) {
    throw new WindowsNativeUnavailableError('Windows-native decryption exists only on Windows.');
  }
  const koffi = (await import('koffi')).default;
  const lib = koffi.load('ncrypt.dll');
  const kernel32 = koffi.load('kernel32.dll');
  return {
    koffi,
    // SECURITY_STATUS is a LONG; the descriptor handle, memory parameters and window are
    // optional and passed as null.
    unprotectSecret: lib.func(
      'int32 __stdcall NCryptUnprotectSecret(_Out_ void **phDescriptor, uint32 dwFlags, const uint8 *pbProtectedBlob, uint32 cbProtectedBlob, void *pMemPara, void *hWnd, _Out_ void **ppbData, _Out_ uint32 *pcbData)',
    ),
    protectSecret: lib.func(
      'int32 __stdcall NCryptProtectSecret(void *hDescriptor, uint32 dwFlags, const uint8 *pbData, uint32 cbData, void *pMemPara, void *hWnd, _Out_ void **ppbProtectedBlob, _Out_ uint32 *pcbProtectedBlob)',
    ),
    createProtectionDescriptor: lib.func(
      'int32 __stdcall NCryptCreateProtectionDescriptor(const char16_t *pwszDescriptorString, uint32 dwFlags, _Out_ void **phDescriptor)',
    ),
    closeProtectionDescriptor: lib.func(
      'int32 __stdcall NCryptCloseProtectionDescriptor(void *hDescriptor)',
    ),
    localFree: kernel32.func('void * __stdcall LocalFree(void *hMem)'),
  };
}

/**
 * Runs a native call on koffi's worker thread: NCryptUnprotectSecret may wait seconds on a DC,
 * and the Electron main process must not freeze meanwhile.
 */
function callAsync(fn: NativeFunction, ...args: unknown[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const done = (error: unknown, status: unknown): void => {
      if (error instanceof Error) reject(error);
      else if (error) reject(new Error('the native call failed'));
      else resolve(Number(status));
    };
    fn.async(...args, done);
  });
}

/**
 * Copies `length` bytes out of a LocalAlloc'ed buffer, zeroes it (it may hold a password), and
 * frees it with LocalFree as ncrypt requires when no NCRYPT_ALLOC_PARA is given.
 */
function takeLocalBuffer(api: Ncrypt, pointer: unknown, length: number): Uint8Array {
  if (pointer === null || pointer === undefined) return new Uint8Array(0);
  try {
    const native = new Uint8Array(api.koffi.view(pointer, length));
    const copy = Uint8Array.from(native);
    native.fill(0);
    return copy;
  } finally {
    api.localFree(pointer);
  }
}

/**
 * Decrypts a DPAPI-NG blob (no 16-byte LAPS header: give `splitLapsEncryptedValue(value).blob`)
 * as the signed-in Windows user, and returns the plaintext (UTF-16LE JSON for LAPS). Throws the
 * project's typed errors: not-authorized-to-decrypt, dc-unreachable, auth-failed, malformed-data.
 */
export async function unprotectWithWindows(blob: Uint8Array): Promise<Uint8Array> {
  const api = await ncrypt();
  const data: PointerOut = [null];
  const size: LengthOut = [0];
  const status = await callAsync(
    api.unprotectSecret,
    null,
    NCRYPT_SILENT_FLAG,
    blob,
    blob.length,
    null,
    null,
    data,
    size,
  );
  if (status !== 0) {
    // Nothing was allocated on failure, but free defensively if ncrypt says otherwise.
    if (data[0] !== null && data[0] !== undefined) api.localFree(data[0]);
    throw windowsDecryptError(status, blob);
  }
  return takeLocalBuffer(api, data[0], size[0]);
}

/**
 * Protects `plaintext` to a protection descriptor such as "LOCAL=user" or "SID=S-1-5-21-…" with
 * NCryptProtectSecret. For the Windows-only tests (a round trip through unprotectWithWindows)
 * and for making test data on a Windows machine.
 */
export async function protectWithWindows(
  descriptor: string,
  plaintext: Uint8Array,
): Promise<Uint8Array> {
  const api = await ncrypt();
  // koffi passes a JS string to a char16_t pointer as a NUL-terminated UTF-16 copy.
  const handle: PointerOut = [null];
  const created = Number(api.createProtectionDescriptor(descriptor, 0, handle));
  if (created !== 0)
    throw windowsError(created, `create the protection descriptor "${descriptor}"`);
  try {
    const data: PointerOut = [null];
    const size: LengthOut = [0];
    const status = await callAsync(
      api.protectSecret,
      handle[0],
      NCRYPT_SILENT_FLAG,
      plaintext,
      plaintext.length,
      null,
      null,
      data,
      size,
    );
    if (status !== 0) throw windowsError(status, 'protect the secret');
    return takeLocalBuffer(api, data[0], size[0]);
  } finally {
    api.closeProtectionDescriptor(handle[0]);
  }
}

/** SECURITY_STATUS and HRESULT values are negative LONGs; show them as Windows does. */
export function hresultHex(status: number): string {
  return `0x${(status >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

/** HRESULT_FROM_WIN32 for the Win32 errors that mean no DC or key service answered. */
const UNREACHABLE = new Set([
  0x800706ba, // RPC_S_SERVER_UNAVAILABLE
  0x800706bb, // RPC_S_SERVER_TOO_BUSY
  0x800706be, // RPC_S_CALL_FAILED
  0x800706bf, // RPC_S_CALL_FAILED_DNE
  0x800706d9, // EPT_S_NOT_REGISTERED
  0x8007054b, // ERROR_NO_SUCH_DOMAIN
  0x8007051f, // ERROR_NO_LOGON_SERVERS
  0x80070774, // ERROR_DOMAIN_CONTROLLER_NOT_FOUND
  0x800705b4, // ERROR_TIMEOUT
  0x80090311, // SEC_E_NO_AUTHENTICATING_AUTHORITY
]);

const NOT_AUTHORIZED = new Set([
  0x80070005, // E_ACCESSDENIED: GetKey refused the private key (not in the descriptor's group)
  0x80090010, // NTE_PERM
]);

/** The key service does not know the blob's root key (deleted, or from another forest). */
const UNKNOWN_KEY = new Set([
  0x80090016, // NTE_BAD_KEYSET
  0x80090003, // NTE_BAD_KEY
  0x8009000d, // NTE_NO_KEY
  0x80090011, // NTE_NOT_FOUND
  0x80070490, // HRESULT_FROM_WIN32(ERROR_NOT_FOUND)
]);

const MALFORMED = new Set([
  0x80090005, // NTE_BAD_DATA
  0x80090027, // NTE_INVALID_PARAMETER
  0x8009000a, // NTE_BAD_TYPE
  0x80090029, // NTE_NOT_SUPPORTED
  0x8009002c, // NTE_DECRYPTION_FAILURE: the content failed its integrity check
  0x80070057, // E_INVALIDARG
  0x8007000d, // ERROR_INVALID_DATA
]);

/** Maps an NCryptUnprotectSecret failure to the project's error, with a sentence to act on. */
export function windowsDecryptError(status: number, blob: Uint8Array): LapsError {
  const code = status >>> 0;
  const hex = hresultHex(status);
  if (NOT_AUTHORIZED.has(code)) {
    return new NotAuthorizedToDecryptError(
      `Windows refused to decrypt the password (${hex}): the signed-in user is not an authorized decryptor of it.`,
    );
  }
  if (UNKNOWN_KEY.has(code)) {
    return new NotAuthorizedToDecryptError(
      `The domain's key service does not know the key the password was encrypted with (${rootKeyOf(blob)}; ${hex}): it cannot be decrypted in this forest.`,
    );
  }
  if (UNREACHABLE.has(code)) {
    return new DcUnreachableError(
      `Windows could not reach a domain controller's key service to decrypt the password (${hex}): check the network and that a DC is up.`,
    );
  }
  if (code === 0x8009030e) {
    return new AuthenticationError(
      `Windows has no domain credentials for this session (${hex}): sign in with a domain account to decrypt.`,
    );
  }
  // ASN.1 decoding errors (CRYPT_E_ASN1_*) are the blob's DER being wrong.
  if (MALFORMED.has(code) || (code >= 0x80093100 && code <= 0x800931ff)) {
    return new MalformedDataError(
      `Windows could not decrypt the value (${hex}): the encrypted password is corrupt or not DPAPI-NG data.`,
    );
  }
  return windowsError(status, 'decrypt the password');
}

function windowsError(status: number, what: string): LapsError {
  return new LapsError(
    'unexpected',
    `Windows could not ${what} (${hresultHex(status)}): please report it with the command you ran.`,
  );
}

/** "root key <guid>" when the blob parses, for the message only. */
function rootKeyOf(blob: Uint8Array): string {
  try {
    return `root key ${parseKeyIdentifier(parseDpapiNgBlob(blob).keyIdentifier).rootKeyId}`;
  } catch {
    return 'an unreadable key identifier';
  }
}
