import { MalformedDataError } from '../errors/laps-error.js';
import { fileTimeToValue, type FileTimeValue } from './filetime.js';

/**
 * The 16-byte prefix Windows LAPS puts before the DPAPI-NG blob in msLAPS-EncryptedPassword
 * (and the DSRM and history attributes): the update time as a FILETIME split into two
 * little-endian uint32 (high part first), the size of the blob that follows, and 4 reserved bytes.
 */
export interface EncryptedBlobHeader {
  readonly updated: FileTimeValue;
  readonly blobSize: number;
}

export const ENCRYPTED_HEADER_BYTES = 16;

export function parseEncryptedBlobHeader(value: Uint8Array): EncryptedBlobHeader {
  if (value.length < ENCRYPTED_HEADER_BYTES) {
    throw new MalformedDataError(
      `The encrypted LAPS password is ${value.length} bytes, shorter than its 16-byte header: the value is corrupt.`,
    );
  }
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const high = BigInt(view.getUint32(0, true));
  const low = BigInt(view.getUint32(4, true));
  const blobSize = view.getUint32(8, true);
  if (blobSize !== value.length - ENCRYPTED_HEADER_BYTES) {
    throw new MalformedDataError(
      `The encrypted LAPS password says it holds ${blobSize} bytes but holds ${value.length - ENCRYPTED_HEADER_BYTES}: the value is corrupt.`,
    );
  }
  return { updated: fileTimeToValue((high << 32n) | low), blobSize };
}
