// Validators for the values that cross IPC. Inputs are bounded and checked strictly (they may
// come from a compromised renderer); outputs are checked for shape, so that a field the contract
// does not name (a password in a read, say) can never slip through.
import { z } from 'zod';
import { ALL_IPC_ERROR_CODES, type IpcErrorCode } from './result.js';

// C0/C1 controls (NUL included) and lone UTF-16 surrogates: in no name, DN or path we accept.
const CONTROL_OR_LONE_SURROGATE = /[\p{Cc}\p{Cs}]/u;

/** Text of 1..max characters with no control character and not blank. */
export function cleanText(max: number) {
  return z
    .string()
    .min(1)
    .max(max)
    .refine((text) => !CONTROL_OR_LONE_SURROGATE.test(text), {
      message: 'must not contain control characters',
    })
    .refine((text) => text.trim() !== '', { message: 'must not be blank' });
}

/** Text that came from the directory or a file: bounded, otherwise as it is. */
export function outputText(max: number) {
  return z.string().max(max);
}

// Names that would reach Object.prototype if used as a key of a plain object.
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export const PROFILE_NAME_MAX = 128;
export const profileName = cleanText(PROFILE_NAME_MAX).refine((name) => !RESERVED_KEYS.has(name), {
  message: 'is a reserved name',
});

/** ldaps://host[:port] or ldap://host[:port] (StartTLS); core parses it fully. */
export const ldapUrl = z
  .string()
  .max(512)
  .regex(/^ldaps?:\/\/[^\s\p{Cc}/?#@\\]+\/?$/iu, {
    message: 'must be ldaps://host[:port] or ldap://host[:port]',
  });

export const dnsDomain = z
  .string()
  .max(253)
  .regex(
    /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/,
    {
      message: 'must be a DNS domain name',
    },
  );

export const filePath = cleanText(4096);
/** host:port of an MS-GKDI key service (a Samba DC serves none, so its domains name one). */
export const gkdiEndpoint = z
  .string()
  .max(262)
  .regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\]):\d{1,5}$/, {
    message: 'must be host:port',
  })
  .refine((text) => Number(text.slice(text.lastIndexOf(':') + 1)) <= 65_535, {
    message: 'the port must be 1 to 65535',
  });
export const userName = cleanText(256);
/** A distinguished name: at least two RDNs, as every computer object has. */
export const distinguishedName = cleanText(2048).regex(/^[A-Za-z][\w-]*=.+,\s*[A-Za-z][\w-]*=/, {
  message: 'must be a distinguished name (CN=…,OU=…,DC=…)',
});
export const searchText = cleanText(256);
export const searchLimit = z.int().min(1).max(10_000);
/** A password to save or test with: any printable text, bounded, not blank. */
export const password = cleanText(1024);
export const connectionId = z.uuid();
export const timeoutMs = z.int().min(100).max(600_000);
export const clipboardClearSeconds = z.int().min(5).max(600);

/** An instant as main sends it: ISO 8601 UTC (toISOString). */
export const isoInstant = z.iso.datetime();
/** An instant the renderer asks for: ISO 8601 with its zone. */
export const isoInstantWithZone = z.iso.datetime({ offset: true });
/** A LAPS time: an instant, or AD's "never" (0x7FFFFFFFFFFFFFFF). */
export const lapsTime = z.union([isoInstant, z.literal('never')]);

export const lapsSource = z.enum(['windows-laps', 'windows-laps-encrypted', 'legacy']);
export const lapsFlavour = z.enum(['windows-laps', 'legacy']);
/** Which password of a computer: its Windows LAPS password, or (on a DC) its DSRM password. */
export const lapsTarget = z.enum(['password', 'dsrm']);

/** Windows LAPS keeps at most 12 old passwords; room for a policy that keeps more. */
export const HISTORY_MAX = 100;

/** The group (or user) whose members may decrypt, from the blob's protection descriptor. */
export const decryptor = z.strictObject({
  sid: outputText(256),
  /** Its account name, when the directory could say; the UI shows the SID alone otherwise. */
  name: outputText(1024).nullable(),
});

/** What an encrypted value says without any key: who may decrypt it and how many old ones. */
export const encryptionView = z.strictObject({
  decryptor,
  historyCount: z.int().min(0).max(HISTORY_MAX),
});

export const errorInfo = z.strictObject({
  code: z.enum(ALL_IPC_ERROR_CODES as [IpcErrorCode, ...IpcErrorCode[]]),
  message: z.string().max(2000),
});

/** The non-secret fields of a connection profile, as the console edits them. */
export const profileFields = z
  .strictObject({
    auth: z.enum(['simple', 'kerberos']),
    server: ldapUrl.optional(),
    domain: dnsDomain.optional(),
    ca: filePath.optional(),
    base: distinguishedName.optional(),
    user: userName.optional(),
    timeoutMs: timeoutMs.optional(),
    gkdiEndpoint: gkdiEndpoint.optional(),
  })
  .refine((fields) => !(fields.server !== undefined && fields.domain !== undefined), {
    message: 'give a server or a domain, not both',
    path: ['domain'],
  })
  .refine((fields) => fields.auth === 'kerberos' || fields.user !== undefined, {
    message: 'a simple bind needs a user',
    path: ['user'],
  })
  .refine((fields) => fields.auth === 'simple' || fields.user === undefined, {
    message: 'Kerberos signs in with your ticket: give no user',
    path: ['user'],
  });

export const passwordSource = z.enum(['saved', 'file', 'environment', 'none']);

export const profileSummary = z.strictObject({
  name: outputText(4096),
  auth: z.enum(['simple', 'kerberos']),
  server: outputText(4096).optional(),
  domain: outputText(4096).optional(),
  ca: outputText(4096).optional(),
  base: outputText(4096).optional(),
  user: outputText(4096).optional(),
  timeoutMs: z.number().positive().optional(),
  gkdiEndpoint: outputText(4096).optional(),
  /** Where a simple bind's password comes from; never the password itself. */
  passwordSource,
});

export const computerIdentity = z.strictObject({
  name: outputText(4096),
  dn: outputText(8192),
  samAccountName: outputText(4096).nullable(),
  dnsHostName: outputText(4096).nullable(),
  isDisabled: z.boolean(),
});

export const computerHit = z.strictObject({
  computer: outputText(4096),
  dn: outputText(8192),
  dnsHostName: outputText(4096).nullable(),
  source: lapsSource.nullable(),
  expires: lapsTime.nullable(),
});

/** One LAPS flavour present on a computer, without its password. */
export const lapsFlavourView = z.strictObject({
  source: lapsSource,
  account: outputText(4096).nullable(),
  updated: lapsTime.nullable(),
  expires: lapsTime.nullable(),
  /** false while encrypted: the password is there but needs decrypting. */
  isPasswordReadable: z.boolean(),
  /** Set for 'windows-laps-encrypted' only. */
  encryption: encryptionView.nullable(),
});

/** A domain controller's encrypted DSRM password, without it. */
export const dsrmView = z.strictObject({
  updated: lapsTime.nullable(),
  ...encryptionView.shape,
});

/** One decrypted old password, as the History view lists it. */
export const historyEntry = z.strictObject({
  account: outputText(4096),
  password: z.string().max(4096),
  updated: lapsTime,
});

/** How many audit records to list, newest first. */
export const auditListLimit = z.int().min(1).max(1000);

/**
 * One audit record as the viewer shows it: what was done, when, to which computer, by whom.
 * The chain fields (prev, hash) stay in the file; a record never holds a password.
 */
export const auditRecordView = z.strictObject({
  seq: z.int().positive(),
  time: isoInstant,
  action: z.enum(['reveal', 'copy', 'expire', 'decrypt', 'rotate', 'export']),
  computer: outputText(4096),
  /** For an Entra ID device: "entra:<device id>". */
  dn: outputText(8192),
  source: z.enum([...lapsSource.options, 'entra']).nullable(),
  /** For expire, the new expiration (ISO 8601 or "never"); otherwise null. */
  detail: outputText(4096).nullable(),
  actor: z.strictObject({
    /** The operating-system account that ran the tool. */
    osUser: outputText(1024),
    /** The bind name, or "kerberos". */
    identity: outputText(1024),
    /** The DC the action went to. */
    server: outputText(1024).nullable(),
  }),
  app: z.enum(['lapsctl', 'console']),
});

export const auditProblemKind = z.enum([
  'edited',
  'removed',
  'reordered',
  'inserted',
  'unparsable',
  'truncated',
  'unconfirmed',
]);
