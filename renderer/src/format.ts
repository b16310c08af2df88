import type { ChannelOutput } from '../../shared/ipc/contract.js';

type LapsSource = NonNullable<ChannelOutput<'computer.search'>['hits'][number]['source']>;

export const SOURCE_LABELS: Readonly<Record<LapsSource, string>> = {
  'windows-laps': 'Windows LAPS',
  'windows-laps-encrypted': 'Windows LAPS (encrypted)',
  legacy: 'Legacy LAPS',
};

type AuditSource = NonNullable<ChannelOutput<'audit.list'>['records'][number]['source']>;

/** The audit viewer's names: a LAPS flavour in AD, or a device's backup in Entra ID. */
export const AUDIT_SOURCE_LABELS: Readonly<Record<AuditSource, string>> = {
  ...SOURCE_LABELS,
  entra: 'Entra ID',
};

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** An ISO instant or "never" as the user's locale writes it. */
export function formatLapsTime(value: string | null): string {
  if (value === null) return '—';
  if (value === 'never') return 'Never';
  return dateTime.format(new Date(value));
}

/** The authorized decryptor as the UI names it: "LAPS Admins (S-1-5-21-…)", or the SID alone. */
export function formatDecryptor(decryptor: { sid: string; name: string | null }): string {
  return decryptor.name === null ? decryptor.sid : `${decryptor.name} (${decryptor.sid})`;
}

// Bidirectional controls (LRE…RLO, LRI…PDI, LRM, RLM, ALM): a device name is chosen by whoever
// joined the device, and "WS-\u202eRTL" must not pass for "WS-LTR".
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/gu;

/** A name as text to read and compare: every bidirectional control shown as [U+XXXX]. */
export function showBidiControls(name: string): string {
  return name.replace(
    BIDI_CONTROLS,
    (control) => `[U+${(control.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`,
  );
}

/** The failures that the permission dialog explains, rather than an error bar. */
export function isPermissionProblem(error: { code: string }): boolean {
  return error.code === 'access-denied' || error.code === 'not-authorized-to-decrypt';
}
