// The "Set new LAPS password expiration" inputs: a local date and time (what the user sees on
// their clock) turned into the instant main expects. Pure, unit-tested.

export interface LocalDateTime {
  /** yyyy-mm-dd, as <input type="date"> gives it. */
  readonly date: string;
  /** hh:mm, as <input type="time"> gives it. */
  readonly time: string;
}

/** The instant as ISO 8601 UTC, or null when either input is empty or not a real date. */
export function localDateTimeToInstant(value: LocalDateTime): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value.date) || !/^\d{2}:\d{2}(:\d{2})?$/.test(value.time))
    return null;
  // Without a zone, Date parses "yyyy-mm-ddThh:mm" as local time, which is what the user meant.
  const instant = new Date(`${value.date}T${value.time}`);
  return Number.isNaN(instant.getTime()) ? null : instant.toISOString();
}

/** An instant as the date and time inputs show it, in local time. */
export function instantToLocalDateTime(instant: Date): LocalDateTime {
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${instant.getFullYear()}-${pad(instant.getMonth() + 1)}-${pad(instant.getDate())}`,
    time: `${pad(instant.getHours())}:${pad(instant.getMinutes())}`,
  };
}

/** True when a LAPS time is in the past: the device should already have rotated. */
export function isExpired(value: string | null, now: Date): boolean {
  if (value === null || value === 'never') return false;
  return Date.parse(value) <= now.getTime();
}
