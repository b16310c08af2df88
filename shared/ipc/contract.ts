// The IPC contract: one row per channel, each with a validator for its input and its output.
// main/app binds it to ipcMain.handle, the test host to POST /ipc/<channel>, preload exposes it
// as window.laps. Every input is a strict object: an unknown field (`__proto__` included) is
// refused, not dropped.
import { z } from 'zod';
import type { Channel } from './channels.js';
import {
  auditListLimit,
  auditProblemKind,
  auditRecordView,
  clipboardClearSeconds,
  computerHit,
  computerIdentity,
  connectionId,
  distinguishedName,
  dsrmView,
  HISTORY_MAX,
  historyEntry,
  isoInstant,
  isoInstantWithZone,
  lapsFlavour,
  lapsFlavourView,
  lapsSource,
  lapsTarget,
  lapsTime,
  outputText,
  password,
  profileFields,
  profileName,
  profileSummary,
  searchLimit,
  searchText,
} from './values.js';

const empty = z.strictObject({});
const onComputer = z.strictObject({ connectionId, dn: distinguishedName });
const passwordChoice = {
  connectionId,
  dn: distinguishedName,
  /** Which flavour's password; default: the best readable one. Not with target 'dsrm'. */
  source: lapsSource.optional(),
  /** 'dsrm': the domain controller's DSRM password. Default: 'password'. */
  target: lapsTarget.optional(),
};
const oneTarget = {
  check: (input: { source?: unknown; target?: unknown }) =>
    !(input.target === 'dsrm' && input.source !== undefined),
  message: { message: 'a DSRM password has one source: give no source with it', path: ['source'] },
};
const onComputerPassword = z
  .strictObject(passwordChoice)
  .refine(oneTarget.check, oneTarget.message);
const settings = z.strictObject({ clipboardClearSeconds });
const directoryInfo = z.strictObject({
  /** The DC that answered, host:port. */
  server: outputText(1024),
  defaultNamingContext: outputText(4096),
  dnsHostName: outputText(1024).nullable(),
});

export const IPC_CONTRACT = {
  'profile.list': {
    input: empty,
    output: z.strictObject({ profiles: z.array(profileSummary).max(1000) }),
  },
  'profile.save': {
    input: z.strictObject({
      name: profileName,
      profile: profileFields,
      /** Absent: keep the saved password; null: forget it; text: save it (safeStorage only). */
      password: password.nullable().optional(),
    }),
    output: profileSummary,
  },
  'profile.delete': {
    input: z.strictObject({ name: profileName }),
    output: z.null(),
  },
  'connection.test': {
    // A saved profile by name, or a draft being edited (its password is used once, kept nowhere).
    input: z.union([
      z.strictObject({ name: profileName }),
      z.strictObject({ profile: profileFields, password: password.optional() }),
    ]),
    output: directoryInfo,
  },
  'connection.open': {
    input: z.strictObject({ name: profileName }),
    output: z.strictObject({
      connectionId,
      profile: outputText(4096),
      ...directoryInfo.shape,
    }),
  },
  'connection.close': {
    input: z.strictObject({ connectionId }),
    output: z.null(),
  },
  'computer.search': {
    input: z.strictObject({ connectionId, text: searchText, limit: searchLimit.optional() }),
    output: z.strictObject({
      hits: z.array(computerHit).max(10_000),
      /** The limit was reached: there may be more. */
      isTruncated: z.boolean(),
    }),
  },
  'computer.read': {
    input: onComputer,
    // The LAPS tab without any password.
    output: z.strictObject({
      computer: computerIdentity,
      /** Best first: Windows LAPS, Windows LAPS encrypted, legacy. */
      flavours: z.array(lapsFlavourView).max(3),
      expiration: z.strictObject({
        windowsLaps: lapsTime.nullable(),
        legacy: lapsTime.nullable(),
      }),
      /** Present (its expiration is visible) but the reader may not read the password. */
      hiddenSources: z.array(lapsFlavour).max(2),
      isDomainController: z.boolean(),
      /** A DC's DSRM password, when the reader can see msLAPS-EncryptedDSRMPassword. */
      dsrm: dsrmView.nullable(),
    }),
  },
  'computer.reveal': {
    input: onComputerPassword,
    output: z.strictObject({
      computer: outputText(4096),
      dn: outputText(8192),
      target: lapsTarget,
      /** An encrypted one (the DSRM password always is) was decrypted for this reply. */
      source: lapsSource,
      account: outputText(4096).nullable(),
      password: z.string().max(4096),
      updated: lapsTime.nullable(),
      expires: lapsTime.nullable(),
    }),
  },
  'computer.copy': {
    input: z
      .strictObject({
        ...passwordChoice,
        /**
         * An old password instead of the current one: the history entry updated at this instant
         * (as computer.history listed it). Named by time, not position, so that a rotation in
         * between cannot make it copy another one.
         */
        historyEntry: isoInstant.optional(),
      })
      .refine(oneTarget.check, oneTarget.message),
    // main puts the password on the clipboard itself: the renderer never receives it.
    output: z.strictObject({
      computer: outputText(4096),
      dn: outputText(8192),
      target: lapsTarget,
      source: lapsSource,
      /** When main clears the clipboard, if it still holds this password. */
      clearsAt: isoInstant,
    }),
  },
  'computer.history': {
    // Decrypts every old password: asked for only by an explicit action (the History button).
    input: z.strictObject({ connectionId, dn: distinguishedName, target: lapsTarget }),
    output: z.strictObject({
      computer: outputText(4096),
      dn: outputText(8192),
      target: lapsTarget,
      /** Newest first. */
      entries: z.array(historyEntry).max(HISTORY_MAX),
    }),
  },
  'computer.setExpiration': {
    input: z.strictObject({
      connectionId,
      dn: distinguishedName,
      /** When the device must rotate its password; null: now. */
      at: isoInstantWithZone.max(40).nullable(),
    }),
    output: z.strictObject({
      computer: outputText(4096),
      dn: outputText(8192),
      /** As read back from the DC after the write. */
      expires: lapsTime,
      flavours: z.array(lapsFlavour).min(1).max(2),
    }),
  },
  'settings.get': { input: empty, output: settings },
  'settings.set': { input: settings, output: settings },
  'audit.list': {
    /** Default limit: 200. */
    input: z.strictObject({ limit: auditListLimit.optional() }),
    output: z.strictObject({
      /** Newest first. */
      records: z.array(auditRecordView).max(1000),
      /** Lines among the newest `limit` that are not records: `audit.verify` says why. */
      skippedLines: z.int().min(0),
    }),
  },
  'audit.verify': {
    input: empty,
    output: z.discriminatedUnion('ok', [
      z.strictObject({
        ok: z.literal(true),
        records: z.int().min(0),
        /** The last record's hash: keep it elsewhere to notice a rewrite of the whole log. */
        lastHash: z.string().regex(/^[0-9a-f]{64}$/),
      }),
      z.strictObject({
        ok: z.literal(false),
        /** Records found intact before the problem. */
        records: z.int().min(0),
        problem: z.strictObject({
          kind: auditProblemKind,
          /** 1-based line of audit.jsonl; null for a problem of audit.head. */
          line: z.int().positive().nullable(),
          message: outputText(2000),
        }),
      }),
    ]),
  },
} as const satisfies Record<Channel, { input: z.ZodType; output: z.ZodType }>;

/** What the renderer sends (before defaults). */
export type ChannelInput<C extends Channel> = z.input<(typeof IPC_CONTRACT)[C]['input']>;
/** What a handler receives, once validated. */
export type ValidatedInput<C extends Channel> = z.output<(typeof IPC_CONTRACT)[C]['input']>;
/** What the renderer receives. */
export type ChannelOutput<C extends Channel> = z.output<(typeof IPC_CONTRACT)[C]['output']>;

export type ProfileSummary = z.output<typeof profileSummary>;
export type ProfileFields = z.output<typeof profileFields>;
export type ComputerHit = z.output<typeof computerHit>;
export type ConsoleSettings = z.output<typeof settings>;
export type AuditRecordView = z.output<typeof auditRecordView>;
export type AuditVerifyView = ChannelOutput<'audit.verify'>;
export type LapsTarget = z.output<typeof lapsTarget>;
export type HistoryEntry = z.output<typeof historyEntry>;
