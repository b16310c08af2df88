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
import {
  entraAccount,
  entraAccountId,
  entraCredentialView,
  entraDevice,
  entraDeviceCodePrompt,
  entraDeviceDetails,
  entraDeviceId,
  entraFlowId,
  entraSettings,
} from './entra-values.js';

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
/** Every Entra request names the signed-in account it acts as. */
const onEntraDevice = z.strictObject({ accountId: entraAccountId, deviceId: entraDeviceId });
const entraDeviceRef = { deviceId: entraDeviceId, deviceName: outputText(4096) };
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
  'entra.status': {
    input: empty,
    output: z.strictObject({
      /** null until entra.configure (or entra.json) names a client id and tenant. */
      settings: entraSettings.nullable(),
      /** Every account signed in (from the encrypted token cache), in sign-in order. */
      accounts: z.array(entraAccount).max(32),
      /**
       * false where the OS offers no protected storage, or the token file cannot be written
       * (a full disk): tokens are then kept in memory only.
       */
      isCachePersistent: z.boolean(),
    }),
  },
  'entra.configure': {
    // Another client id, tenant or cloud: every account is signed out (their tokens do not apply).
    input: entraSettings,
    output: entraSettings,
  },
  'entra.beginSignIn': {
    // 'browser': main opens the system browser at the sign-in page and listens on a loopback
    // redirect; 'device-code': main returns the code to show. Either way, completeSignIn waits.
    input: z.strictObject({ method: z.enum(['browser', 'device-code']) }),
    output: z.strictObject({ flowId: entraFlowId, deviceCode: entraDeviceCodePrompt.nullable() }),
  },
  'entra.completeSignIn': {
    input: z.strictObject({ flowId: entraFlowId }),
    output: entraAccount,
  },
  'entra.cancelSignIn': {
    input: z.strictObject({ flowId: entraFlowId }),
    output: z.null(),
  },
  'entra.copyDeviceCode': {
    // main puts the flow's own code on the clipboard: the renderer names the flow, not the text.
    input: z.strictObject({ flowId: entraFlowId }),
    output: z.null(),
  },
  'entra.signOut': {
    // Removes the account and its tokens from the cache (Entra's own session is left alone).
    input: z.strictObject({ accountId: entraAccountId }),
    output: z.null(),
  },
  'entra.search': {
    // Devices with a LAPS backup whose name starts with text (exact: equals it; hybrid look-up).
    input: z.strictObject({
      accountId: entraAccountId,
      text: searchText,
      exact: z.boolean().optional(),
      limit: searchLimit.optional(),
    }),
    output: z.strictObject({ devices: z.array(entraDevice).max(10_000), isTruncated: z.boolean() }),
  },
  'entra.read': {
    // The device without any password: its backup metadata and its directory record.
    input: onEntraDevice,
    output: z.strictObject({ device: entraDevice, details: entraDeviceDetails.nullable() }),
  },
  'entra.reveal': {
    // The newest backup. Asks for DeviceLocalCredential.Read.All here first (incremental
    // consent): main may open the browser for it before it answers.
    input: onEntraDevice,
    output: z.strictObject({ ...entraDeviceRef, ...entraCredentialView.shape }),
  },
  'entra.copy': {
    input: z.strictObject({
      accountId: entraAccountId,
      deviceId: entraDeviceId,
      /** An old backup instead of the newest: the one backed up at this instant. */
      backupDateTime: isoInstant.optional(),
    }),
    output: z.strictObject({ ...entraDeviceRef, backupDateTime: isoInstant, clearsAt: isoInstant }),
  },
  'entra.history': {
    // Every backup, newest first: asked for only by an explicit action.
    input: onEntraDevice,
    output: z.strictObject({
      ...entraDeviceRef,
      entries: z.array(entraCredentialView).max(HISTORY_MAX),
    }),
  },
  'entra.rotate': {
    // Asks Intune to rotate (audited); the device makes a new password at its next check-in.
    input: onEntraDevice,
    output: z.strictObject({
      ...entraDeviceRef,
      requestedAt: isoInstant,
      /** The backup to look past when watching for the new one (entra.rotationStatus). */
      lastBackupDateTime: isoInstant.nullable(),
    }),
  },
  'entra.rotationStatus': {
    // One look for a backup newer than `after`: the renderer asks again until there is one.
    input: z.strictObject({
      accountId: entraAccountId,
      deviceId: entraDeviceId,
      after: isoInstant.nullable(),
    }),
    output: z.strictObject({
      hasNewBackup: z.boolean(),
      lastBackupDateTime: isoInstant.nullable(),
    }),
  },
  'entra.activity': {
    // Asked for while an Entra request of this window is pending: whether Graph made it wait
    // (429/503 with Retry-After), so the view can say so instead of spinning in silence.
    input: empty,
    output: z.strictObject({
      retry: z
        .strictObject({
          status: z.int().min(100).max(599),
          /** The next try's number, and how many there are in all. */
          nextAttempt: z.int().min(2).max(100),
          maxAttempts: z.int().min(2).max(100),
          retryAt: isoInstant,
        })
        .nullable(),
    }),
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
export type EntraSettings = z.output<typeof entraSettings>;
export type EntraAccount = z.output<typeof entraAccount>;
export type EntraDevice = z.output<typeof entraDevice>;
export type EntraDeviceDetails = z.output<typeof entraDeviceDetails>;
export type EntraCredentialView = z.output<typeof entraCredentialView>;
