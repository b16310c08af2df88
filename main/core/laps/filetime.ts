import { MalformedDataError } from '../errors/laps-error.js';

// A Windows FILETIME counts 100 ns intervals since 1601-01-01 UTC. AD stores the LAPS
// expiration attributes as Integer8 (a decimal string); msLAPS-Password's "t" holds it in hex.
const TICKS_PER_MS = 10_000n;
const EPOCH_DIFFERENCE_TICKS = 116_444_736_000_000_000n;
/** 0x7FFFFFFFFFFFFFFF: AD's "never" (as in accountExpires). */
export const FILETIME_NEVER = 0x7fff_ffff_ffff_ffffn;
const MAX_FILETIME = FILETIME_NEVER;

/** A decoded FILETIME: a point in time, or "never". 0 decodes to 1601-01-01, which LAPS reads as
 * "expired" (a zero expiration makes the device rotate at its next policy cycle). */
export type FileTimeValue =
  { readonly kind: 'time'; readonly date: Date } | { readonly kind: 'never' };

export function fileTimeToValue(ticks: bigint): FileTimeValue {
  if (ticks < 0n || ticks > MAX_FILETIME) {
    throw new MalformedDataError(`A FILETIME of ${ticks} is out of range.`);
  }
  if (ticks === FILETIME_NEVER) return { kind: 'never' };
  // Sub-millisecond ticks are dropped: Date has millisecond precision.
  const ms = (ticks - EPOCH_DIFFERENCE_TICKS) / TICKS_PER_MS;
  const date = new Date(Number(ms));
  if (Number.isNaN(date.getTime())) {
    throw new MalformedDataError(`A FILETIME of ${ticks} is beyond the dates this tool can show.`);
  }
  return { kind: 'time', date };
}

export function dateToFileTime(date: Date): bigint {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new MalformedDataError('An invalid date cannot become a FILETIME.');
  const ticks = BigInt(ms) * TICKS_PER_MS + EPOCH_DIFFERENCE_TICKS;
  if (ticks < 0n)
    throw new MalformedDataError(
      `${date.toISOString()} is before 1601, which a FILETIME cannot hold.`,
    );
  return ticks;
}

/** Integer8 attribute text, e.g. msLAPS-PasswordExpirationTime: "133776192000000000". */
export function parseFileTimeDecimal(text: string): FileTimeValue {
  if (!/^\d{1,19}$/.test(text)) {
    throw new MalformedDataError(
      `"${text.slice(0, 40)}" is not a FILETIME (expected up to 19 decimal digits).`,
    );
  }
  return fileTimeToValue(BigInt(text));
}

/** The hex form in msLAPS-Password's "t", e.g. "1d8c1ab0bda5c00". */
export function parseFileTimeHex(text: string): FileTimeValue {
  if (!/^[0-9a-fA-F]{1,16}$/.test(text)) {
    throw new MalformedDataError(`"${text.slice(0, 40)}" is not a hexadecimal FILETIME.`);
  }
  return fileTimeToValue(BigInt(`0x${text}`));
}

export function formatFileTimeDecimal(date: Date): string {
  return dateToFileTime(date).toString(10);
}

/** ISO 8601 UTC for JSON output; "never" has no instant, so it is null there. */
export function fileTimeToIso(value: FileTimeValue): string | null {
  return value.kind === 'time' ? value.date.toISOString() : null;
}
