import type { Entry } from 'ldapts';
import { MalformedDataError } from '../errors/laps-error.js';
import { parseDpapiNgBlob } from '../dpapi-ng/blob.js';
import { LAPS_ATTRIBUTES } from './attributes.js';
import { ENCRYPTED_HEADER_BYTES, parseEncryptedBlobHeader } from './encrypted-blob-header.js';
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

/**
 * What an encrypted LAPS value says without any key: whose members may decrypt it (the SID in
 * its protection descriptor) and how many older values the history attribute holds.
 */
export interface LapsEncryptionInfo {
  readonly authorizedSid: string;
  /** The account name of that SID, when the directory could say (filled in by the reader). */
  readonly authorizedName: string | null;
  readonly historyCount: number;
}

/** One LAPS password the directory holds for a computer, as far as the reader may see it. */
export interface LapsPasswordRecord {
  readonly source: LapsSource;
  /** null while encrypted (decryption is its own step). */
  readonly account: string | null;
  /** null while encrypted (decryption is its own step). */
  readonly password: string | null;
  readonly updated: FileTimeValue | null;
  readonly expires: FileTimeValue | null;
  /** Set for 'windows-laps-encrypted', null for the other sources. */
  readonly encryption: LapsEncryptionInfo | null;
}

/** A domain controller's encrypted DSRM password (msLAPS-EncryptedDSRMPassword), unopened. */
export interface DsrmState extends LapsEncryptionInfo {
  readonly updated: FileTimeValue | null;
}

export interface ComputerLapsState {
  readonly computer: ComputerIdentity;
  /** Readable passwords, best first: Windows LAPS clear-text, Windows LAPS encrypted, legacy. */
  readonly records: readonly LapsPasswordRecord[];
  readonly windowsLapsExpires: FileTimeValue | null;
  readonly legacyExpires: FileTimeValue | null;
  /**
   * Flavours whose expiration is visible (it is not confidential) while the password is not:
   * the password exists, but the reader lacks the right to read it. Not 'windows-laps' on a DC
   * whose DSRM password is visible: the expiration is then the DSRM password's.
   */
  readonly hiddenSources: readonly ('windows-laps' | 'legacy')[];
  /** userAccountControl has SERVER_TRUST_ACCOUNT: the object is a domain controller. */
  readonly isDomainController: boolean;
  /** The DSRM password of a DC, when the reader can read msLAPS-EncryptedDSRMPassword. */
  readonly dsrm: DsrmState | null;
}

const ACCOUNTDISABLE = 0x2;
/** MS-ADTS 2.2.16 userAccountControl bit of a DC's computer object. */
const SERVER_TRUST_ACCOUNT = 0x2000;

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
      encryption: null,
    });
  }
  const encrypted = readEncrypted(
    entry,
    computer,
    LAPS_ATTRIBUTES.encryptedPassword,
    LAPS_ATTRIBUTES.encryptedPasswordHistory,
  );
  if (encrypted !== null) {
    const { updated, ...encryption } = encrypted;
    records.push({
      source: 'windows-laps-encrypted',
      account: null,
      password: null,
      updated,
      expires: windowsLapsExpires,
      encryption,
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
      encryption: null,
    });
  }

  const uac = Number(text(entry, 'userAccountControl') ?? '0');
  const isDomainController = (uac & SERVER_TRUST_ACCOUNT) !== 0;
  const dsrm = readEncrypted(
    entry,
    computer,
    LAPS_ATTRIBUTES.encryptedDsrmPassword,
    LAPS_ATTRIBUTES.encryptedDsrmPasswordHistory,
  );
  const hiddenSources: ('windows-laps' | 'legacy')[] = [];
  // On a DC, Windows LAPS backs up the DSRM password, and msLAPS-PasswordExpirationTime is its
  // expiration: with the DSRM password in sight, that is no hidden Windows LAPS password.
  const expirationIsDsrms = isDomainController && dsrm !== null;
  if (windowsLapsExpires !== null && clearText === null && encrypted === null && !expirationIsDsrms)
    hiddenSources.push('windows-laps');
  if (legacyExpires !== null && legacyPassword === null) hiddenSources.push('legacy');
  return {
    computer,
    records,
    windowsLapsExpires,
    legacyExpires,
    hiddenSources,
    isDomainController,
    dsrm,
  };
}

/**
 * The header and protection descriptor of an encrypted attribute, and how many values its
 * history attribute holds; null when the attribute is absent (or unreadable to this reader).
 */
function readEncrypted(
  entry: Entry,
  computer: ComputerIdentity,
  attribute: string,
  historyAttribute: string,
): DsrmState | null {
  const value = bytes(entry, attribute);
  if (value === null) return null;
  return withAttribute(attribute, computer, () => {
    const header = parseEncryptedBlobHeader(value);
    const blob = parseDpapiNgBlob(value.subarray(ENCRYPTED_HEADER_BYTES));
    return {
      updated: header.updated,
      authorizedSid: blob.protectionSid,
      authorizedName: null,
      historyCount: allBytes(entry, historyAttribute).length,
    };
  });
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
  return allBytes(entry, attribute)[0] ?? null;
}

/** Every value of a binary attribute (history attributes hold one value per old password). */
export function allBytes(entry: Entry, attribute: string): Buffer[] {
  const value = entry[attribute];
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.map((one) => {
    // Binary attributes are always requested as explicitBufferAttributes; text means a caller forgot.
    if (typeof one === 'string')
      throw new Error(`${attribute} was read as text: request it as a buffer attribute.`);
    return one;
  });
}

function fileTime(entry: Entry, attribute: string): FileTimeValue | null {
  const value = text(entry, attribute);
  return value === null ? null : parseFileTimeDecimal(value);
}
