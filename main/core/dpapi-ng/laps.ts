import { MalformedDataError } from '../errors/laps-error.js';
import {
  parseEncryptedBlobHeader,
  ENCRYPTED_HEADER_BYTES,
  type EncryptedBlobHeader,
} from '../laps/encrypted-blob-header.js';
import { parseLapsPasswordJson, type LapsPasswordPayload } from '../laps/password-json.js';
import { parseDpapiNgBlob } from './blob.js';
import { decryptParsedWithGroupKey } from './decrypt.js';
import { parseKeyIdentifier, targetSecurityDescriptor } from './gkdi.js';
import type { GroupKeySource } from './key-source.js';

/**
 * Windows LAPS around DPAPI-NG (MS-ADA2 msLAPS-EncryptedPassword): the 16-byte header before the
 * blob and the UTF-16LE JSON inside it.
 */
export function splitLapsEncryptedValue(value: Uint8Array): {
  header: EncryptedBlobHeader;
  blob: Uint8Array;
} {
  const header = parseEncryptedBlobHeader(value);
  return { header, blob: value.subarray(ENCRYPTED_HEADER_BYTES) };
}

export function parseLapsPlaintext(plaintext: Uint8Array): LapsPasswordPayload {
  if (plaintext.length % 2 !== 0) {
    throw new MalformedDataError(
      'The decrypted LAPS password is not UTF-16 text: the value is corrupt.',
    );
  }
  return parseLapsPasswordJson(Buffer.from(plaintext).toString('utf16le'));
}

/**
 * A value as a user hands it over: the attribute with its 16-byte header, or the bare DPAPI-NG
 * blob (a DER SEQUENCE). A header is recognised by its size field and zero reserved dword.
 */
export function splitLapsValueOrBlob(value: Uint8Array): {
  header: EncryptedBlobHeader | null;
  blob: Uint8Array;
} {
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const looksHeaded =
    value.length > ENCRYPTED_HEADER_BYTES &&
    view.getUint32(8, true) === value.length - ENCRYPTED_HEADER_BYTES &&
    view.getUint32(12, true) === 0;
  if (looksHeaded || value[0] !== 0x30) return splitLapsEncryptedValue(value);
  return { header: null, blob: value };
}

/** Decrypts one LAPS blob (no header) with a group key from `keys`, or as `keys` has Windows do. */
export async function decryptLapsBlob(
  blob: Uint8Array,
  keys: GroupKeySource,
): Promise<LapsPasswordPayload> {
  const plaintext = plaintextOf(blob, keys);
  return parseLapsPlaintext(plaintext instanceof Promise ? await plaintext : plaintext);
}

/** The plaintext of any DPAPI-NG blob (no header), whatever it holds, with keys from `keys`. */
export async function decryptBlobWithKeys(
  blob: Uint8Array,
  keys: GroupKeySource,
): Promise<Uint8Array> {
  return plaintextOf(blob, keys);
}

/**
 * The plaintext, synchronously when `keys` already holds the group key (the warm case of bulk
 * work: one promise per blob, the caller's, rather than one more per await), else a promise.
 */
function plaintextOf(blob: Uint8Array, keys: GroupKeySource): Uint8Array | Promise<Uint8Array> {
  if (keys.unprotect) return keys.unprotect(blob);
  const parsed = parseDpapiNgBlob(blob);
  const id = parseKeyIdentifier(parsed.keyIdentifier);
  const request = {
    rootKeyId: id.rootKeyId,
    targetSd: targetSdOf(parsed.protectionSid),
    l0: id.l0,
    l1: id.l1,
    l2: id.l2,
  };
  // The blob parsed once: its key identifier names the key to ask for, and decrypts with it.
  const cached = keys.cachedGroupKey?.(request);
  if (cached) return decryptParsedWithGroupKey(parsed, id, cached).plaintext;
  return keys
    .getGroupKey(request)
    .then((envelope) => decryptParsedWithGroupKey(parsed, id, envelope).plaintext);
}

/**
 * The target security descriptor for a protection SID, built once per SID: a warm decrypt would
 * otherwise rebuild it for every blob, a noticeable share of its fixed cost beside a P-256
 * multiplication. SIDs and SDs are public; the map is bounded. Callers must not change the bytes.
 */
const TARGET_SDS = new Map<string, Uint8Array>();

function targetSdOf(sid: string): Uint8Array {
  let sd = TARGET_SDS.get(sid);
  if (!sd) {
    sd = targetSecurityDescriptor(sid);
    if (TARGET_SDS.size >= 256) TARGET_SDS.clear();
    TARGET_SDS.set(sid, sd);
  }
  return sd;
}
