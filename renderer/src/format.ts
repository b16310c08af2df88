import type { ChannelOutput } from '../../shared/ipc/contract.js';

type LapsSource = NonNullable<ChannelOutput<'computer.search'>['hits'][number]['source']>;

export const SOURCE_LABELS: Readonly<Record<LapsSource, string>> = {
  'windows-laps': 'Windows LAPS',
  'windows-laps-encrypted': 'Windows LAPS (encrypted)',
  legacy: 'Legacy LAPS',
};

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** An ISO instant or "never" as the user's locale writes it. */
export function formatLapsTime(value: string | null): string {
  if (value === null) return '—';
  if (value === 'never') return 'Never';
  return dateTime.format(new Date(value));
}
