import type { ErrorInfo } from '../../shared/errors.js';
import type { FileTimeValue } from '../core/laps/filetime.js';
import { fileTimeToIso } from '../core/laps/filetime.js';

export interface Output {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly json: boolean;
  readonly now: Date;
}

export function writeJson(output: Output, value: unknown): void {
  output.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function writeError(output: Output, error: ErrorInfo): void {
  if (output.json) output.stderr.write(`${JSON.stringify({ error })}\n`);
  else output.stderr.write(`lapsctl: ${error.message}\n`);
}

export function writeNote(output: Output, message: string): void {
  output.stderr.write(`lapsctl: ${message}\n`);
}

export function isoOrNull(value: FileTimeValue | null): string | null {
  return value === null ? null : fileTimeToIso(value);
}

/** "2026-11-23 19:04:05 UTC (in 3 days)", or "never". */
export function describeTime(value: FileTimeValue | null, now: Date): string {
  if (value === null) return '—';
  if (value.kind === 'never') return 'never';
  const stamp = `${value.date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, '')} UTC`;
  if (value.date.getTime() <= 0 - 11_644_473_600_000) return `${stamp} (expired: set to 0)`;
  return `${stamp} (${relative(value.date.getTime() - now.getTime())})`;
}

function relative(deltaMs: number): string {
  const future = deltaMs >= 0;
  const minutes = Math.round(Math.abs(deltaMs) / 60_000);
  const [amount, unit] =
    minutes < 60
      ? [minutes, 'minute']
      : minutes < 48 * 60
        ? [Math.round(minutes / 60), 'hour']
        : [Math.round(minutes / 1440), 'day'];
  const phrase = `${amount} ${unit}${amount === 1 ? '' : 's'}`;
  return future ? `in ${phrase}` : `${phrase} ago`;
}

/** Aligned "Label   value" lines. */
export function writeBlock(output: Output, rows: readonly (readonly [string, string])[]): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  output.stdout.write(
    rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n') + '\n',
  );
}
