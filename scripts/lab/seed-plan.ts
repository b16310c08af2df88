/**
 * What the lab seed writes: every computer with its LAPS attributes and, beside it, the entry
 * expected.json records for it. Pure (apart from crypto randomness), so seed.ts only does I/O.
 */
import { randomInt } from 'node:crypto';
import { parseDpapiNgBlob } from '../../main/core/dpapi-ng/blob.js';
import type {
  LabComputer,
  LabEncrypted,
  LabFlavour,
  LabOuKey,
  LabPlainPassword,
  LabTag,
  LabWindowsLaps,
} from '../../test/lab/lab-env.js';
import type { LapsSecret } from './dpapi-ng-protect.js';

/**
 * The seed's format, written into expected.json as "seedFormat". Raise it whenever a change to the
 * seed (its data, its oracle or how it protects values) makes an older seed stale: `lab:up` reseeds
 * a lab whose expected.json records none or an older one. up.sh reads this line with sed.
 * 1: LAPS Admins, lapsadmin, encrypted passwords and DSRM under the lab's usable-since-2024 root key.
 */
export const SEED_FORMAT = 1;

export const REALM = 'LAB.TEST';
export const DNS_DOMAIN = 'lab.test';
export const BASE_DN = 'DC=lab,DC=test';
export const COMPUTER_CLASS_GUID = 'bf967a86-0de6-11d0-a285-00aa003049e2';

export const LAB_OU = `OU=Lab,${BASE_DN}`;
export const DC_OU = `OU=Domain Controllers,${BASE_DN}`;
export const LAPS_ADMINS = { name: 'LAPS Admins', dn: `CN=LAPS Admins,${LAB_OU}` } as const;
/** The RDN value of the branch OU has a comma, so its DN escapes it. */
export const BRANCH_OU_NAME = 'Branch (North), Sales';
export const OUS: Readonly<Record<LabOuKey, string>> = {
  workstations: `OU=Workstations,${LAB_OU}`,
  servers: `OU=Servers,${LAB_OU}`,
  kiosks: `OU=Kiosks,${LAB_OU}`,
  branch: `OU=${escapeRdnValue(BRANCH_OU_NAME)},${LAB_OU}`,
  computers: `CN=Computers,${BASE_DN}`,
};

/** Every LAPS attribute the seed owns on a computer: a reseed sets or clears each of them. */
export const LAPS_ATTRIBUTES = [
  'msLAPS-Password',
  'msLAPS-PasswordExpirationTime',
  'msLAPS-EncryptedPassword',
  'msLAPS-EncryptedPasswordHistory',
  'msLAPS-EncryptedDSRMPassword',
  'msLAPS-EncryptedDSRMPasswordHistory',
  'msLAPS-CurrentPasswordVersion',
  'ms-Mcs-AdmPwd',
  'ms-Mcs-AdmPwdExpirationTime',
] as const;
export type LapsAttribute = (typeof LAPS_ATTRIBUTES)[number];

export interface PlannedComputer {
  readonly expected: LabComputer;
  /** Values of the LAPS attributes this computer has; the others must be absent. */
  readonly laps: Partial<Record<LapsAttribute, readonly (string | Buffer)[]>>;
  readonly userAccountControl: '4096' | '4098';
}

// --- time -------------------------------------------------------------------------------
const DAY_MS = 86_400_000;
const FILETIME_EPOCH_TICKS = 116_444_736_000_000_000n;

/** FILETIME (100 ns since 1601-01-01 UTC) of a whole-millisecond time. */
export function msToFileTime(ms: number): bigint {
  return BigInt(ms) * 10_000n + FILETIME_EPOCH_TICKS;
}

/** Sub-millisecond ticks are dropped (rounded down), as Date cannot hold them. */
export function fileTimeToIso(fileTime: bigint): string {
  return new Date(Number((fileTime - FILETIME_EPOCH_TICKS) / 10_000n)).toISOString();
}

// --- DNs --------------------------------------------------------------------------------
/** RFC 4514 escaping of an attribute value in an RDN. */
export function escapeRdnValue(value: string): string {
  return value
    .replace(/[\\,+"<>;=]/g, (c) => `\\${c}`)
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, '\\ ');
}

// --- passwords --------------------------------------------------------------------------
// Printable ASCII without space: it has " \ { } ' and every other character JSON or LDAP
// tooling might mishandle.
const ASCII = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join('');
const NON_ASCII = ['é', 'ß', '€', '日本', '😀'] as const;

function randomAscii(length: number): string[] {
  return Array.from({ length }, () => ASCII.charAt(randomInt(ASCII.length)));
}

function insertAt(chars: string[], piece: string): void {
  chars.splice(randomInt(chars.length + 1), 0, piece);
}

/**
 * A random password of 14–28 characters (code points), with `extra` (one special piece) placed
 * at a random position. The pieces rotate so that every one of them appears in every OU.
 */
function password(extra: string | undefined): string {
  const extraLength = extra === undefined ? 0 : Array.from(extra).length;
  const chars = randomAscii(randomInt(14, 29) - extraLength);
  if (extra !== undefined) insertAt(chars, extra);
  return chars.join('');
}

/** Pieces a Windows LAPS password gets, in rotation: plain, JSON-hostile ASCII, non-ASCII. */
const WINDOWS_PIECES: readonly (string | undefined)[] = [
  undefined,
  '"',
  '\\',
  '{',
  '}',
  "'",
  '\\"',
  ...NON_ASCII,
  `${NON_ASCII[0]}${NON_ASCII[4]}`,
];

/** Legacy LAPS passwords are ASCII (the attribute is an IA5 string) but may be JSON-hostile. */
const LEGACY_PIECES: readonly (string | undefined)[] = [undefined, '"', '\\', '{}', "'"];

/**
 * msLAPS-Password as Windows writes it: {"n":…,"t":…,"p":…} with "t" a FILETIME in lowercase hex.
 * With `escapeNonAscii`, non-ASCII characters become \uXXXX (UTF-16 units, so an emoji becomes a
 * surrogate pair); otherwise they are raw UTF-8. A decoder must handle both.
 */
export function windowsLapsJson(
  account: string,
  updated: bigint,
  pw: string,
  escapeNonAscii: boolean,
): string {
  const json = JSON.stringify({ n: account, t: updated.toString(16), p: pw });
  return escapeNonAscii
    ? json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : json;
}

// --- encrypted blobs ----------------------------------------------------------------------
export interface EncryptedVector {
  readonly blob: Buffer;
  /** From the blob's header: uint32 LE high part, then uint32 LE low part. */
  readonly updated: bigint;
  /** Its protection descriptor's SID (a group of the forest that made it). */
  readonly sid: string;
}

export function encryptedVector(hex: string): EncryptedVector {
  const blob = Buffer.from(hex, 'hex');
  if (blob.length < 16 || blob.readUInt32LE(8) !== blob.length - 16) {
    throw new Error('msLAPS-EncryptedPassword test vector has a bad header');
  }
  const updated = (BigInt(blob.readUInt32LE(0)) << 32n) | BigInt(blob.readUInt32LE(4));
  return { blob, updated, sid: parseDpapiNgBlob(blob.subarray(16)).protectionSid };
}

// --- the plan -----------------------------------------------------------------------------
type Kind =
  | 'windows'
  | 'legacy'
  | 'both'
  | 'none'
  | 'windows-expired'
  | 'windows-stale'
  | 'legacy-expired'
  | 'encrypted' // a foreign Windows-made vector
  | 'lab-encrypted';

interface Spec {
  readonly name: string;
  readonly sam?: string;
  readonly ou: LabOuKey;
  readonly kind: Kind;
  readonly disabled?: boolean;
  readonly account?: string;
  readonly escapeJson?: boolean;
  readonly extraTags?: readonly LabTag[];
}

/** The series of ordinary computers per container: prefix, digits, count. */
const SERIES: readonly { ou: LabOuKey; prefix: string; digits: number; count: number }[] = [
  { ou: 'workstations', prefix: 'PC', digits: 4, count: 260 },
  { ou: 'servers', prefix: 'SRV', digits: 3, count: 100 },
  { ou: 'kiosks', prefix: 'KSK', digits: 3, count: 60 },
  { ou: 'branch', prefix: 'BRN', digits: 3, count: 60 },
  { ou: 'computers', prefix: 'CMP', digits: 3, count: 40 },
];

/** Flavours by position in the series, so that every container gets every mix. */
const ROTATION: readonly Kind[] = [
  'windows',
  'windows',
  'windows',
  'legacy',
  'both',
  'none',
  'windows-expired',
  'windows-stale',
  'legacy-expired',
  'windows', // disabled below, its flavour rotating over windows/legacy/none
];
const DISABLED_KINDS: readonly Kind[] = ['windows', 'legacy', 'none'];

function specs(): Spec[] {
  const list: Spec[] = [];
  for (const series of SERIES) {
    for (let i = 0; i < series.count; i++) {
      const name = `${series.prefix}${String(i + 1).padStart(series.digits, '0')}`;
      const slot = i % ROTATION.length;
      const disabled = slot === 9;
      let kind: Kind = disabled
        ? (DISABLED_KINDS[Math.floor(i / ROTATION.length) % DISABLED_KINDS.length] ?? 'none')
        : (ROTATION[slot] ?? 'none');
      // About 15% are encrypted by the seed as a device would (taking a 'windows' slot), so every
      // container, helpdesk's Workstations included, has them.
      if (i % 10 === 1 || i % 20 === 12) kind = 'lab-encrypted';
      // A few computers (every 60th, from the 12th) carry Windows-made encrypted passwords.
      if (i % 60 === 11) kind = 'encrypted';
      // Some LapsAdmin accounts, and every other non-ASCII password \u-escaped in the JSON.
      const account = i % 7 === 4 ? 'LapsAdmin' : 'Administrator';
      list.push({ name, ou: series.ou, kind, disabled, account, escapeJson: i % 4 >= 2 });
    }
  }
  // Names that break naive DN, filter and display code, all legal in AD.
  list.push(
    { name: 'KIOSK(7)', ou: 'kiosks', kind: 'windows', extraTags: ['hostile-name'] },
    { name: 'PRN+01', sam: 'PRN01$', ou: 'servers', kind: 'both', extraTags: ['hostile-name'] },
    { name: 'CAFÉ-01', ou: 'branch', kind: 'windows', extraTags: ['unicode'] },
    { name: 'DUP01', ou: 'workstations', kind: 'windows', extraTags: ['duplicate-cn'] },
    {
      name: 'DUP01',
      sam: 'DUP01-B$',
      ou: 'branch',
      kind: 'legacy',
      extraTags: ['duplicate-cn'],
    },
    // The one non-ASCII managed account name, in \u-escaped JSON.
    { name: 'BRN-ES01', ou: 'branch', kind: 'windows', account: 'Administrádor', escapeJson: true },
  );
  return list;
}

export interface PlanInputs {
  readonly now: number;
  readonly vectors: readonly EncryptedVector[];
  /**
   * Encrypts one msLAPS-Encrypted* value to `authorizedSid` as a device would at `secret.updated`
   * (under the group key of that time); the only I/O-bound input, kept outside the plan.
   */
  readonly protect: (secret: LapsSecret) => Buffer;
  /** The LAPS Admins SID, the protection descriptor of every lab-encrypted value. */
  readonly authorizedSid: string;
}

const HOUR_MS = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * An encrypted current value and `historyCount` older ones, each days to weeks before the next
 * (Windows LAPS rotates on its 30-day age, on demand, or after use), for `msLAPS-Encrypted<name>`
 * (name "Password" or "DSRMPassword"). History is written oldest first, as Windows appends.
 */
function encryptedSeries(
  inputs: PlanInputs,
  name: 'Password' | 'DSRMPassword',
  current: LabPlainPassword,
  historyCount: number,
  nextPassword: () => string,
): { laps: Partial<Record<LapsAttribute, Buffer[]>>; history: LabPlainPassword[] } {
  const history: LabPlainPassword[] = [];
  let time = Date.parse(current.updated);
  for (let k = 0; k < historyCount; k++) {
    time -= randomInt(2 * 24, 35 * 24) * HOUR_MS - randomInt(3_600_000);
    history.push({ account: current.account, password: nextPassword(), updated: iso(time) });
  }
  const protect = (p: LabPlainPassword): Buffer =>
    inputs.protect({
      account: p.account,
      password: p.password,
      updated: msToFileTime(Date.parse(p.updated)),
    });
  const laps: Partial<Record<LapsAttribute, Buffer[]>> = {
    [`msLAPS-Encrypted${name}`]: [protect(current)],
  };
  if (history.length > 0)
    laps[`msLAPS-Encrypted${name}History`] = [...history].reverse().map(protect);
  return { laps, history };
}

/** The DC object's DSRM password (account Administrator) with three older ones. */
export function makeDomainControllerPlan(inputs: PlanInputs): {
  readonly laps: Partial<Record<LapsAttribute, readonly Buffer[] | readonly string[]>>;
  readonly dsrm: LabEncrypted;
} {
  const updated = inputs.now - randomInt(1 * 24, 20 * 24) * HOUR_MS;
  const expires = updated + 30 * DAY_MS;
  const current = { account: 'Administrator', password: password('"'), updated: iso(updated) };
  const { laps, history } = encryptedSeries(inputs, 'DSRMPassword', current, 3, () =>
    password(undefined),
  );
  return {
    laps: { ...laps, 'msLAPS-PasswordExpirationTime': [msToFileTime(expires).toString()] },
    dsrm: {
      updated: current.updated,
      expires: iso(expires),
      origin: 'lab',
      authorizedSid: inputs.authorizedSid,
      current,
      history,
      historyCount: history.length,
    },
  };
}

export function makePlan(inputs: PlanInputs): PlannedComputer[] {
  const { now, vectors } = inputs;
  if (vectors.length === 0) throw new Error('no msLAPS-EncryptedPassword test vectors');
  let windowsCount = 0;
  let legacyCount = 0;
  let encryptedCount = 0;
  let labEncryptedCount = 0;
  const ago = (minDays: number, maxDays: number): number =>
    now - randomInt(minDays * 24, maxDays * 24) * HOUR_MS;
  const ahead = (minDays: number, maxDays: number): number =>
    now + randomInt(minDays * 24, maxDays * 24) * HOUR_MS;

  return specs().map((spec) => {
    const laps: Partial<Record<LapsAttribute, (string | Buffer)[]>> = {};
    const flavours: LabFlavour[] = [];
    const tags = new Set<LabTag>(spec.extraTags ?? []);
    let windowsLaps: LabWindowsLaps | null = null;
    let encrypted: LabComputer['encrypted'] = null;
    let legacy: LabComputer['legacy'] = null;
    let lastUpdate: number | undefined;
    let migrating = false; // an encrypted computer that still has its legacy password

    const hasWindows = ['windows', 'both', 'windows-expired', 'windows-stale'].includes(spec.kind);
    const hasLegacy = ['legacy', 'both', 'legacy-expired'].includes(spec.kind);

    if (hasWindows) {
      // Windows LAPS default: 30-day password age.
      const updated =
        spec.kind === 'windows-stale'
          ? ago(90, 400)
          : spec.kind === 'windows-expired'
            ? ago(31, 60)
            : ago(0, 20);
      const expires =
        spec.kind === 'windows-expired'
          ? ago(1, 30)
          : spec.kind === 'windows-stale'
            ? ahead(1, 30) // a long password age policy: stale yet not expired
            : updated + 30 * DAY_MS;
      const piece = WINDOWS_PIECES[windowsCount++ % WINDOWS_PIECES.length];
      const pw = password(piece);
      const account = spec.account ?? 'Administrator';
      const escape = spec.escapeJson ?? false;
      laps['msLAPS-Password'] = [windowsLapsJson(account, msToFileTime(updated), pw, escape)];
      laps['msLAPS-PasswordExpirationTime'] = [msToFileTime(expires).toString()];
      flavours.push('windows-laps');
      windowsLaps = {
        account,
        password: pw,
        updated: new Date(updated).toISOString(),
        expires: new Date(expires).toISOString(),
      };
      lastUpdate = updated;
      if (/[^\x20-\x7e]/.test(pw)) {
        tags.add('non-ascii-password');
        if (escape) tags.add('json-unicode-escapes');
      } else if (escape && /[^\x20-\x7e]/.test(account)) {
        tags.add('json-unicode-escapes');
      }
      if (/[^\x20-\x7e]/.test(account)) tags.add('non-ascii-account');
    }

    if (spec.kind === 'encrypted') {
      const n = encryptedCount++;
      const vector = vectors[n % vectors.length];
      if (vector === undefined) throw new Error('unreachable');
      // Alternate a future and a past expiration; the blobs' update times are what Windows wrote.
      const expires = n % 2 === 0 ? ahead(5, 25) : ago(1, 10);
      laps['msLAPS-EncryptedPassword'] = [vector.blob];
      laps['msLAPS-PasswordExpirationTime'] = [msToFileTime(expires).toString()];
      flavours.push('windows-laps-encrypted');
      const updatedIso = fileTimeToIso(vector.updated);
      const history = n % 3 === 1 ? vectors.filter((v) => v !== vector).map((v) => v.blob) : [];
      encrypted = {
        updated: updatedIso,
        expires: new Date(expires).toISOString(),
        origin: 'foreign-vector',
        authorizedSid: vector.sid,
        current: null,
        history: [],
        historyCount: history.length,
      };
      tags.add('foreign-vector');
      lastUpdate = Date.parse(updatedIso);
      migrating = n % 3 === 2;
      if (history.length > 0) {
        laps['msLAPS-EncryptedPasswordHistory'] = history;
        tags.add('encrypted-history');
      }
    }

    if (spec.kind === 'lab-encrypted') {
      const n = labEncryptedCount++;
      // Every fourth one is past its expiration (the device has not rotated yet).
      const overdue = n % 4 === 3;
      const updated = overdue ? ago(31, 60) : ago(0, 20);
      const expires = overdue ? ago(1, 30) : updated + 30 * DAY_MS;
      const nextPassword = (): string =>
        password(WINDOWS_PIECES[windowsCount++ % WINDOWS_PIECES.length]);
      const current = {
        account: spec.account ?? 'Administrator',
        password: nextPassword(),
        updated: iso(updated),
      };
      // 0 to 12 history entries, spread over the lab-encrypted computers.
      const series = encryptedSeries(inputs, 'Password', current, n % 13, nextPassword);
      Object.assign(laps, series.laps);
      laps['msLAPS-PasswordExpirationTime'] = [msToFileTime(expires).toString()];
      flavours.push('windows-laps-encrypted');
      encrypted = {
        updated: current.updated,
        expires: iso(expires),
        origin: 'lab',
        authorizedSid: inputs.authorizedSid,
        current,
        history: series.history,
        historyCount: series.history.length,
      };
      tags.add('lab-encrypted');
      if (series.history.length > 0) tags.add('encrypted-history');
      if (/[^\x20-\x7e]/.test(current.password)) tags.add('non-ascii-password');
      if (/[^\x20-\x7e]/.test(current.account)) tags.add('non-ascii-account');
      lastUpdate = updated;
      migrating = n % 5 === 4;
    }

    if (hasLegacy || migrating) {
      const expires = spec.kind === 'legacy-expired' ? ago(1, 30) : ahead(1, 30);
      const pw = password(LEGACY_PIECES[legacyCount++ % LEGACY_PIECES.length]);
      laps['ms-Mcs-AdmPwd'] = [pw];
      laps['ms-Mcs-AdmPwdExpirationTime'] = [msToFileTime(expires).toString()];
      flavours.push('legacy');
      legacy = { password: pw, expires: new Date(expires).toISOString() };
    }

    const expirations = [windowsLaps?.expires, encrypted?.expires, legacy?.expires].filter(
      (e): e is string => e !== undefined,
    );
    if (expirations.some((e) => Date.parse(e) < now)) tags.add('expired');
    if (lastUpdate !== undefined && lastUpdate <= now - 90 * DAY_MS) tags.add('stale');
    if (flavours.length === 0) tags.add('no-laps');
    const disabled = spec.disabled ?? false;
    if (disabled) tags.add('disabled');

    const sam = spec.sam ?? `${spec.name}$`;
    return {
      laps,
      userAccountControl: disabled ? '4098' : '4096',
      expected: {
        name: spec.name,
        samAccountName: sam,
        dn: `CN=${escapeRdnValue(spec.name)},${OUS[spec.ou]}`,
        dnsHostName: `${spec.name.toLowerCase()}.${DNS_DOMAIN}`,
        ou: spec.ou,
        disabled,
        flavours,
        windowsLaps,
        encrypted,
        legacy,
        tags: [...tags].sort(),
      },
    };
  });
}
