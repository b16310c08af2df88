import type { Entry } from 'ldapts';
import { MalformedDataError } from '../errors/laps-error.js';
import { LAPS_ATTRIBUTES } from './attributes.js';
import { parseEncryptedBlobHeader } from './encrypted-blob-header.js';
import { parseFileTimeDecimal, type FileTimeValue } from './filetime.js';
import { parseLapsPasswordJson } from './password-json.js';

export type LapsSource = 'windows-laps' | 'windows-laps-encrypted' | 'legacy';

export interface ComputerIdentity {
  /** The CN, as ADUC shows it. */
  readonly name: string;
  readonly dn: string;
  readonly samAccountName: string | null;
  readonly dnsHostName: string | null;
  readonly isDisabled: boolean;
}

/** One LAPS password the directory holds for a computer, as far as the reader may see it. */
export interface LapsPasswordRecord {
  readonly source: LapsSource;
  readonly account: string | null;
  /** null while encrypted (decryption is its own step). */
  readonly password: string | null;
  readonly updated: FileTimeValue | null;
  readonly expires: FileTimeValue | null;
}

export interface ComputerLapsState {
  readonly computer: ComputerIdentity;
  /** Readable passwords, best first: Windows LAPS clear-text, Windows LAPS encrypted, legacy. */
  readonly records: readonly LapsPasswordRecord[];
  readonly windowsLapsExpires: FileTimeValue | null;
  readonly legacyExpires: FileTimeValue | null;
  /**
   * Flavours whose expiration is visible (it is not confidential) while the password is not:
   * the password exists, but the reader lacks the right to read it.
   */
  readonly hiddenSources: readonly ('windows-laps' | 'legacy')[];
}

const ACCOUNTDISABLE = 0x2;

export function readComputerIdentity(entry: Entry): ComputerIdentity {
  const uac = Number(text(entry, 'userAccountControl') ?? '0');
  return {
    name: text(entry, 'cn') ?? entry.dn,
    dn: entry.dn,
    samAccountName: text(entry, 'sAMAccountName'),
    dnsHostName: text(entry, 'dNSHostName'),
    isDisabled: (uac & ACCOUNTDISABLE) !== 0,
  };
}

/** The LAPS state of one computer entry read with the LAPS attributes. */
export function readLapsState(entry: Entry): ComputerLapsState {
  const computer = readComputerIdentity(entry);
  const windowsLapsExpires = fileTime(entry, LAPS_ATTRIBUTES.expiration);
  const legacyExpires = fileTime(entry, LAPS_ATTRIBUTES.legacyExpiration);
  const records: LapsPasswordRecord[] = [];

  const clearText = text(entry, LAPS_ATTRIBUTES.password);
  if (clearText !== null) {
    const payload = withAttribute(LAPS_ATTRIBUTES.password, computer, () =>
      parseLapsPasswordJson(clearText),
    );
    records.push({
      source: 'windows-laps',
      account: payload.account,
      password: payload.password,
      updated: payload.updated,
      expires: windowsLapsExpires,
    });
  }
  const encrypted = bytes(entry, LAPS_ATTRIBUTES.encryptedPassword);
  if (encrypted !== null) {
    const header = withAttribute(LAPS_ATTRIBUTES.encryptedPassword, computer, () =>
      parseEncryptedBlobHeader(encrypted),
    );
    records.push({
      source: 'windows-laps-encrypted',
      account: null,
      password: null,
      updated: header.updated,
      expires: windowsLapsExpires,
    });
  }
  const legacyPassword = text(entry, LAPS_ATTRIBUTES.legacyPassword);
  if (legacyPassword !== null) {
    records.push({
      source: 'legacy',
      account: null,
      password: legacyPassword,
      updated: null,
      expires: legacyExpires,
    });
  }

  const hiddenSources: ('windows-laps' | 'legacy')[] = [];
  if (windowsLapsExpires !== null && clearText === null && encrypted === null)
    hiddenSources.push('windows-laps');
  if (legacyExpires !== null && legacyPassword === null) hiddenSources.push('legacy');
  return { computer, records, windowsLapsExpires, legacyExpires, hiddenSources };
}

/** What a search shows: which flavour is there, judged from what the reader can see. */
export function sourceFromVisibleAttributes(entry: Entry): LapsSource | null {
  // ldapts lists a requested attribute the entry lacks as [], so presence means "has a value".
  if (bytes(entry, LAPS_ATTRIBUTES.encryptedPassword) !== null) return 'windows-laps-encrypted';
  if (text(entry, LAPS_ATTRIBUTES.expiration) !== null) return 'windows-laps';
  if (text(entry, LAPS_ATTRIBUTES.legacyExpiration) !== null) return 'legacy';
  return null;
}

export function expirationFromVisibleAttributes(entry: Entry): FileTimeValue | null {
  return (
    fileTime(entry, LAPS_ATTRIBUTES.expiration) ?? fileTime(entry, LAPS_ATTRIBUTES.legacyExpiration)
  );
}

function withAttribute<T>(attribute: string, computer: ComputerIdentity, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof MalformedDataError) {
      throw new MalformedDataError(
        `${attribute} on ${computer.name} is malformed: ${error.message}`,
        { cause: error },
      );
    }
    throw error;
  }
}

function text(entry: Entry, attribute: string): string | null {
  const value = entry[attribute];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return null;
  return typeof first === 'string' ? first : first.toString('utf8');
}

function bytes(entry: Entry, attribute: string): Buffer | null {
  const value = entry[attribute];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return null;
  // Binary attributes are always requested as explicitBufferAttributes; text here means a caller forgot.
  if (typeof first === 'string')
    throw new Error(`${attribute} was read as text: request it as a buffer attribute.`);
  return first;
}

function fileTime(entry: Entry, attribute: string): FileTimeValue | null {
  const value = text(entry, attribute);
  return value === null ? null : parseFileTimeDecimal(value);
}
