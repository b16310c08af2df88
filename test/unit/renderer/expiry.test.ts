import { describe, expect, it } from 'vitest';
import {
  instantToLocalDateTime,
  isExpired,
  localDateTimeToInstant,
} from '../../../renderer/src/computer/expiry.js';

describe('the expiration inputs', () => {
  it('reads a local date and time as the instant the user meant', () => {
    const at = localDateTimeToInstant({ date: '2031-03-04', time: '05:06' });
    expect(at).toBe(new Date(2031, 2, 4, 5, 6).toISOString());
  });

  it('refuses an empty or impossible date', () => {
    expect(localDateTimeToInstant({ date: '', time: '05:06' })).toBeNull();
    expect(localDateTimeToInstant({ date: '2031-03-04', time: '' })).toBeNull();
    expect(localDateTimeToInstant({ date: '2031-13-40', time: '05:06' })).toBeNull();
  });

  it('shows an instant back in the inputs as it was typed', () => {
    const typed = { date: '2030-12-31', time: '23:59' };
    const instant = localDateTimeToInstant(typed);
    expect(instant).not.toBeNull();
    expect(instantToLocalDateTime(new Date(instant ?? ''))).toEqual(typed);
  });

  it('flags a past expiration, never "never" or a missing one', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(isExpired('2025-12-31T23:59:59.000Z', now)).toBe(true);
    expect(isExpired('2026-01-02T00:00:00.000Z', now)).toBe(false);
    expect(isExpired('never', now)).toBe(false);
    expect(isExpired(null, now)).toBe(false);
  });
});
