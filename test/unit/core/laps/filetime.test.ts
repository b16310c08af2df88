import { describe, expect, it } from 'vitest';
import {
  dateToFileTime,
  FILETIME_NEVER,
  fileTimeToIso,
  fileTimeToValue,
  formatFileTimeDecimal,
  parseFileTimeDecimal,
  parseFileTimeHex,
} from '../../../../main/core/laps/filetime.js';
import { MalformedDataError } from '../../../../main/core/errors/laps-error.js';

describe('FILETIME', () => {
  it('maps the Unix epoch to 116444736000000000 and back', () => {
    expect(dateToFileTime(new Date(0))).toBe(116_444_736_000_000_000n);
    expect(fileTimeToIso(fileTimeToValue(116_444_736_000_000_000n))).toBe(
      '1970-01-01T00:00:00.000Z',
    );
  });

  it('round-trips dates to the millisecond in both directions', () => {
    for (const iso of [
      '2026-11-23T19:04:05.123Z',
      '1601-01-01T00:00:00.000Z',
      '2099-12-31T23:59:59.999Z',
      '2024-02-29T12:00:00.000Z',
    ]) {
      const date = new Date(iso);
      expect(fileTimeToIso(parseFileTimeDecimal(formatFileTimeDecimal(date)))).toBe(iso);
    }
  });

  it('reads 0 as 1601-01-01, the "expire at once" value LAPS writes', () => {
    expect(fileTimeToIso(parseFileTimeDecimal('0'))).toBe('1601-01-01T00:00:00.000Z');
  });

  it('reads 0x7FFFFFFFFFFFFFFF as never, which has no ISO form', () => {
    const never = parseFileTimeDecimal(FILETIME_NEVER.toString());
    expect(never).toEqual({ kind: 'never' });
    expect(fileTimeToIso(never)).toBeNull();
  });

  it('drops sub-millisecond ticks instead of rounding into the next millisecond', () => {
    expect(fileTimeToIso(fileTimeToValue(116_444_736_000_009_999n))).toBe(
      '1970-01-01T00:00:00.000Z',
    );
  });

  it('reads the hex form of msLAPS-Password "t" from a real Windows value', () => {
    // From DSInternals' LapsTester: {"n":"Administrator","t":"1da934a349b798e",...}
    expect(fileTimeToIso(parseFileTimeHex('1da934a349b798e'))).toBe('2024-04-20T17:43:08.031Z');
    expect(fileTimeToIso(parseFileTimeHex('1DA934A349B798E'))).toBe('2024-04-20T17:43:08.031Z');
  });

  it.each(['', '-1', '12a', '1e9', ' 1', '99999999999999999999', '0x10'])(
    'rejects %j as a decimal FILETIME',
    (text) => {
      expect(() => parseFileTimeDecimal(text)).toThrow(MalformedDataError);
    },
  );

  it.each(['', 'xyz', '1'.repeat(17), '-1', '0x1'])('rejects %j as a hex FILETIME', (text) => {
    expect(() => parseFileTimeHex(text)).toThrow(MalformedDataError);
  });

  it('rejects values past int64', () => {
    expect(() => fileTimeToValue(FILETIME_NEVER + 1n)).toThrow(MalformedDataError);
    expect(() => parseFileTimeDecimal('9999999999999999999')).toThrow(MalformedDataError);
  });

  it('refuses to encode a date before 1601 or an invalid date', () => {
    expect(() => dateToFileTime(new Date('1500-01-01T00:00:00Z'))).toThrow(MalformedDataError);
    expect(() => dateToFileTime(new Date('nonsense'))).toThrow(MalformedDataError);
  });
});
