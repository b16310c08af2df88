import { osUserName } from '../audit/audit-actor.js';
import { decryptDetail, type DecryptDetailInput } from '../audit/decrypt-detail.js';
// Every channel of the IPC contract, implemented over core as plain async functions. Nothing
// here knows Electron: main/app and the test host give the same handlers their own context.
import type { Channel } from '../../../shared/ipc/channels.js';
import type {
  ChannelOutput,
  ProfileFields,
  ProfileSummary,
  ValidatedInput,
} from '../../../shared/ipc/contract.js';
import { DEFAULT_SEARCH_LIMIT } from '../directory/computers.js';
import { primaryPassword } from '../directory/laps-password.js';
import { LapsError, UsageError } from '../errors/laps-error.js';
import type { FileTimeValue } from '../laps/filetime.js';
import { LAPS_ATTRIBUTES } from '../laps/attributes.js';
import type { DecryptedLaps } from '../laps/decrypted.js';
import type {
  ComputerLapsState,
  LapsEncryptionInfo,
  LapsPasswordRecord,
  LapsSource,
} from '../laps/laps-state.js';
import type { LapsPasswordPayload } from '../laps/password-json.js';
import type { ConnectionProfile } from '../profiles/profile.js';
import { ClipboardGuard } from './clipboard-guard.js';
import { createEntraService, type EntraContext } from './entra-handlers.js';
import {
  MAX_CONNECTIONS_PER_WINDOW,
  type ConnectionRegistry,
  type ConsoleConnection,
} from './connection-registry.js';
import type {
  AuditLogReader,
  AuditRecorder,
  Caller,
  ClipboardPort,
  DecryptTarget,
  DirectoryLink,
  DirectoryPort,
  ProfileRepository,
  SecretStore,
  SettingsStore,
} from './ports.js';

export interface ConsoleContext {
  readonly profiles: ProfileRepository;
  readonly secrets: SecretStore;
  readonly clipboard: ClipboardPort;
  readonly settings: SettingsStore;
  readonly connections: ConnectionRegistry;
  readonly directory: DirectoryPort;
  /** Called on every reveal, copy, decrypt and expiry change; a throw refuses the action. */
  readonly audit: AuditRecorder;
  /** The same log, read back for the viewer. */
  readonly auditLog: AuditLogReader;
  /** The Entra ID view's settings, token cache and browser. */
  readonly entra: EntraContext;
  readonly now?: () => Date;
}

export type ChannelHandler<C extends Channel> = (
  input: ValidatedInput<C>,
  caller: Caller,
) => Promise<ChannelOutput<C>>;

export type ConsoleHandlers = { readonly [C in Channel]: ChannelHandler<C> };

export interface ConsoleService {
  readonly handlers: ConsoleHandlers;
  /** A window closed or reloaded: close its connections, cancel its search and sign-in. */
  windowGone(windowKey: string): Promise<void>;
  /** The app quits: clear our clipboard contents, close every connection. */
  dispose(): Promise<void>;
}

export const DEFAULT_AUDIT_LIST_LIMIT = 200;

export function createConsoleService(context: ConsoleContext): ConsoleService {
  const clipboard = new ClipboardGuard(context.clipboard);
  const now = context.now ?? (() => new Date());
  const { connections, directory, profiles, secrets } = context;
  const entra = createEntraService({
    entra: context.entra,
    clipboard,
    consoleSettings: context.settings,
    audit: context.audit,
    now,
  });

  const summarize = async (name: string, profile: ConnectionProfile): Promise<ProfileSummary> => ({
    name,
    auth: profile.auth,
    ...pick(profile, ['server', 'domain', 'ca', 'base', 'user', 'timeoutMs', 'gkdiEndpoint']),
    passwordSource:
      profile.auth === 'kerberos'
        ? 'none'
        : (await secrets.has(name))
          ? 'saved'
          : profile.passwordFile !== undefined
            ? 'file'
            : profile.passwordEnv !== undefined
              ? 'environment'
              : 'none',
  });

  /** Opens a link for a saved profile, with its saved password (read now, kept nowhere). */
  const openSaved = async (
    name: string,
    profile: ConnectionProfile,
    signal?: AbortSignal,
  ): Promise<DirectoryLink> => {
    const password = profile.auth === 'simple' ? await secrets.get(name) : undefined;
    return directory.open(profile, {
      ...(password !== undefined ? { password } : {}),
      ...(signal ? { signal } : {}),
    });
  };

  const describeOnce = async (link: DirectoryLink) => {
    try {
      return await link.describe();
    } finally {
      await link.close();
    }
  };

  const readState = (connection: ConsoleConnection, dn: string): Promise<ComputerLapsState> =>
    connection.withPrimary((link) => link.read(dn, baseOf(connection)));

  const auditAction = (
    connection: ConsoleConnection,
    action: 'reveal' | 'copy' | 'expire' | 'decrypt',
    computer: { name: string; dn: string },
    extra: { source: LapsSource | null; detail: string | null },
  ) =>
    context.audit({
      action,
      computer: computer.name,
      dn: computer.dn,
      ...extra,
      actor: {
        osUser: osUserName(),
        identity: connection.user ?? 'kerberos',
        server: connection.info.server,
      },
      app: 'console',
    });

  /** Decrypts on the connection's primary link, as its signed-in account. */
  const decrypt = (
    connection: ConsoleConnection,
    dn: string,
    what: DecryptTarget,
    history: boolean,
  ): Promise<DecryptedLaps> =>
    connection.withPrimary((link) => link.decrypt(dn, what, { ...baseOf(connection), history }));

  /** The current password asked for: clear text as read, or decrypted now. */
  const currentPassword = async (
    connection: ConsoleConnection,
    state: ComputerLapsState,
    input: { source?: LapsSource | undefined; target?: DecryptTarget | undefined },
  ): Promise<ChosenPassword> => {
    if (input.target === 'dsrm') {
      requireDsrm(state);
      const { current } = await decrypt(connection, state.computer.dn, 'dsrm', false);
      return decrypted(current, state.windowsLapsExpires, { what: 'dsrm', current: true });
    }
    const record = choosePassword(state, input.source);
    if (record.password !== null)
      return { ...record, password: record.password, decryptedFrom: null };
    const { current } = await decrypt(connection, state.computer.dn, 'password', false);
    return decrypted(current, record.expires, { what: 'password', current: true });
  };

  const decryptHistory = async (
    connection: ConsoleConnection,
    state: ComputerLapsState,
    target: DecryptTarget,
  ): Promise<readonly LapsPasswordPayload[]> => {
    if (target === 'dsrm') requireDsrm(state);
    else requireEncrypted(state);
    return (await decrypt(connection, state.computer.dn, target, true)).history;
  };

  /** An old password, named by its update time as computer.history listed it. */
  const oldPassword = async (
    connection: ConsoleConnection,
    state: ComputerLapsState,
    target: DecryptTarget,
    updated: string,
  ): Promise<ChosenPassword> => {
    const history = await decryptHistory(connection, state, target);
    const entry = history.find((candidate) => lapsTime(candidate.updated) === updated);
    if (!entry)
      throw new LapsError(
        'not-found',
        `The password history of ${state.computer.name} no longer holds the password of ${updated}: open History again.`,
      );
    return decrypted(entry, null, { what: target, current: false, history: { entryOf: updated } });
  };

  const handlers: ConsoleHandlers = {
    async 'profile.list'() {
      const all = await profiles.list();
      const summaries = await Promise.all(
        [...all].map(([name, profile]) => summarize(name, profile)),
      );
      return { profiles: summaries.sort((a, b) => a.name.localeCompare(b.name)) };
    },

    async 'profile.save'(input) {
      const existing = (await profiles.list()).get(input.name);
      const profile: ConnectionProfile = { ...fieldsToProfile(input.profile) };
      // A password goes only where it went before: if the server, domain, CA or user changes, the
      // saved password (and a password file or variable) is dropped and must be given again.
      const isSameDestination =
        existing !== undefined && profile.auth === 'simple' && sameDestination(existing, profile);
      if (input.password !== undefined && input.password !== null) {
        if (profile.auth !== 'simple')
          throw new UsageError('Kerberos signs in with your ticket: it needs no saved password.');
        await secrets.set(input.name, input.password);
      } else if (input.password === null || !isSameDestination) {
        await secrets.delete(input.name);
      }
      const saved: ConnectionProfile =
        isSameDestination && input.password === undefined
          ? { ...profile, ...pick(existing, ['passwordFile', 'passwordEnv']) }
          : profile;
      await profiles.save(input.name, saved);
      return summarize(input.name, saved);
    },

    async 'profile.delete'(input) {
      const existed = await profiles.delete(input.name);
      await secrets.delete(input.name);
      if (!existed) throw new UsageError(`There is no profile "${input.name}".`);
      return null;
    },

    async 'connection.test'(input) {
      if ('name' in input) {
        const profile = await profiles.get(input.name);
        return describeOnce(await openSaved(input.name, profile));
      }
      const profile = fieldsToProfile(input.profile);
      return describeOnce(
        await directory.open(
          profile,
          input.password !== undefined ? { password: input.password } : {},
        ),
      );
    },

    async 'connection.open'(input, caller) {
      if (connections.countOwnedBy(caller.windowKey) >= MAX_CONNECTIONS_PER_WINDOW)
        throw new UsageError(
          `This window already has ${MAX_CONNECTIONS_PER_WINDOW} connections open: close one first.`,
        );
      const profile = await profiles.get(input.name);
      const link = await openSaved(input.name, profile);
      let info;
      try {
        info = await link.describe();
      } catch (error) {
        await link.close();
        throw error;
      }
      const connection = connections.add(
        caller.windowKey,
        input.name,
        profile,
        info,
        link,
        (signal) => openSaved(input.name, profile, signal),
      );
      return { connectionId: connection.id, profile: input.name, ...info };
    },

    async 'connection.close'(input, caller) {
      await connections.close(input.connectionId, caller.windowKey);
      return null;
    },

    async 'computer.search'(input, caller) {
      const connection = connections.get(input.connectionId, caller.windowKey);
      const limit = input.limit ?? DEFAULT_SEARCH_LIMIT;
      const search = connections.beginSearch(caller.windowKey);
      try {
        const hits = await connection.withSearchLink(search.signal, (link) =>
          link.search(input.text, { ...baseOf(connection), limit, signal: search.signal }),
        );
        return {
          hits: hits.map((hit) => ({
            computer: hit.computer,
            dn: hit.dn,
            dnsHostName: hit.dnsHostName,
            source: hit.source,
            expires: hit.expires,
          })),
          isTruncated: hits.length >= limit,
        };
      } finally {
        connections.endSearch(caller.windowKey, search);
      }
    },

    async 'computer.read'(input, caller) {
      const state = await readState(
        connections.get(input.connectionId, caller.windowKey),
        input.dn,
      );
      return {
        computer: { ...state.computer },
        flavours: state.records.map((record) => ({
          source: record.source,
          account: record.account,
          updated: lapsTime(record.updated),
          expires: lapsTime(record.expires),
          isPasswordReadable: record.password !== null,
          encryption: record.encryption && encryptionView(record.encryption),
        })),
        expiration: {
          windowsLaps: lapsTime(state.windowsLapsExpires),
          legacy: lapsTime(state.legacyExpires),
        },
        hiddenSources: [...state.hiddenSources],
        isDomainController: state.isDomainController,
        dsrm: state.dsrm && {
          updated: lapsTime(state.dsrm.updated),
          ...encryptionView(state.dsrm),
        },
      };
    },

    async 'computer.reveal'(input, caller) {
      const connection = connections.get(input.connectionId, caller.windowKey);
      const state = await readState(connection, input.dn);
      const chosen = await currentPassword(connection, state, input);
      // Audited before it leaves main; a log that cannot record it refuses the reveal. A password
      // shown after decryption is a "decrypt", as lapsctl get records it.
      await auditAction(connection, chosen.decryptedFrom ? 'decrypt' : 'reveal', state.computer, {
        source: chosen.source,
        detail: chosen.decryptedFrom && decryptDetail(chosen.decryptedFrom),
      });
      return {
        computer: state.computer.name,
        dn: state.computer.dn,
        target: input.target ?? 'password',
        source: chosen.source,
        account: chosen.account,
        password: chosen.password,
        updated: lapsTime(chosen.updated),
        expires: lapsTime(chosen.expires),
      };
    },

    async 'computer.copy'(input, caller) {
      const connection = connections.get(input.connectionId, caller.windowKey);
      const state = await readState(connection, input.dn);
      const target = input.target ?? 'password';
      const chosen =
        input.historyEntry === undefined
          ? await currentPassword(connection, state, input)
          : await oldPassword(connection, state, target, input.historyEntry);
      const { clipboardClearSeconds } = await context.settings.get();
      await auditAction(connection, 'copy', state.computer, {
        source: chosen.source,
        detail: chosen.decryptedFrom && decryptDetail(chosen.decryptedFrom),
      });
      const clearsAt = await clipboard.place(chosen.password, clipboardClearSeconds * 1000, now());
      return {
        computer: state.computer.name,
        dn: state.computer.dn,
        target,
        source: chosen.source,
        clearsAt: clearsAt.toISOString(),
      };
    },

    async 'computer.history'(input, caller) {
      const connection = connections.get(input.connectionId, caller.windowKey);
      const state = await readState(connection, input.dn);
      const history = await decryptHistory(connection, state, input.target);
      await auditAction(connection, 'decrypt', state.computer, {
        source: 'windows-laps-encrypted',
        detail: decryptDetail({
          what: input.target,
          current: false,
          history: { entries: history.length },
        }),
      });
      return {
        computer: state.computer.name,
        dn: state.computer.dn,
        target: input.target,
        entries: history.map((entry) => ({
          account: entry.account,
          password: entry.password,
          updated: lapsTime(entry.updated),
        })),
      };
    },

    async 'computer.setExpiration'(input, caller) {
      const connection = connections.get(input.connectionId, caller.windowKey);
      const when = input.at === null ? now() : new Date(input.at);
      const result = await connection.withPrimary((link) =>
        link.setExpiration(input.dn, when, baseOf(connection)),
      );
      const expires = lapsTime(result.expires);
      await auditAction(connection, 'expire', result.computer, {
        source: result.flavours[0] ?? null,
        detail: expires,
      });
      return {
        computer: result.computer.name,
        dn: result.computer.dn,
        expires,
        flavours: [...result.flavours],
      };
    },

    'settings.get': () => context.settings.get(),
    'settings.set': (input) => context.settings.set({ ...input }),

    async 'audit.list'(input) {
      const { records, skippedLines } = await context.auditLog.recent(
        input.limit ?? DEFAULT_AUDIT_LIST_LIMIT,
      );
      // Field by field: the chain's prev and hash stay in the file, and nothing the file may
      // hold beyond a record's fields can reach the page.
      return {
        records: records
          .map((record) => ({
            seq: record.seq,
            time: record.time,
            action: record.action,
            computer: record.computer,
            dn: record.dn,
            source: record.source,
            detail: record.detail,
            actor: {
              osUser: record.actor.osUser,
              identity: record.actor.identity,
              server: record.actor.server,
            },
            app: record.app,
          }))
          .reverse(),
        skippedLines,
      };
    },

    async 'audit.verify'() {
      const result = await context.auditLog.verify();
      if (result.ok) return { ok: true, records: result.records, lastHash: result.lastHash };
      const { kind, line, message } = result.problem;
      return { ok: false, records: result.records, problem: { kind, line, message } };
    },

    ...entra.handlers,
  };

  return {
    handlers,
    windowGone: (windowKey) => {
      entra.windowGone(windowKey);
      return connections.closeAllOwnedBy(windowKey);
    },
    async dispose() {
      entra.dispose();
      await clipboard.flush();
      await connections.closeAll();
    },
  };
}

/** A password about to be revealed or copied, and the attribute it was decrypted from, if any. */
interface ChosenPassword {
  readonly source: LapsSource;
  readonly account: string | null;
  readonly password: string;
  readonly updated: FileTimeValue | null;
  readonly expires: FileTimeValue | null;
  /** What was decrypted, for the audit record; null for a clear-text password. */
  readonly decryptedFrom: DecryptDetailInput | null;
}

function decrypted(
  payload: LapsPasswordPayload,
  expires: FileTimeValue | null,
  decryptedFrom: DecryptDetailInput,
): ChosenPassword {
  return {
    source: 'windows-laps-encrypted',
    account: payload.account,
    password: payload.password,
    updated: payload.updated,
    expires,
    decryptedFrom,
  };
}

function encryptionView(info: LapsEncryptionInfo) {
  return {
    decryptor: { sid: info.authorizedSid, name: info.authorizedName },
    historyCount: info.historyCount,
  };
}

/** A DSRM password is asked for: say why there is none to be had before any key is fetched. */
function requireDsrm(state: ComputerLapsState): void {
  if (state.dsrm) return;
  const { name } = state.computer;
  throw state.isDomainController
    ? new LapsError(
        'no-laps-password',
        `${name} shows no DSRM password: either Windows LAPS has not backed one up (the BackupDirectory and DSRM policy on the DC), or you may not read ${LAPS_ATTRIBUTES.encryptedDsrmPassword} (Domain Admins can).`,
      )
    : new LapsError(
        'no-laps-password',
        `${name} is not a domain controller: only domain controllers have a DSRM password.`,
      );
}

/** Windows LAPS keeps a history only of encrypted passwords. */
function requireEncrypted(state: ComputerLapsState): void {
  if (state.records.some((record) => record.source === 'windows-laps-encrypted')) return;
  primaryPassword(state); // throws "no password" or "access denied" when that is the reason
  throw new LapsError(
    'no-laps-password',
    `${state.computer.name} has no encrypted password, so no password history: Windows LAPS keeps old passwords only when it encrypts them.`,
  );
}

/** The password to reveal or copy: the flavour asked for, else the best one. */
export function choosePassword(
  state: ComputerLapsState,
  source: LapsSource | undefined,
): LapsPasswordRecord {
  if (source === undefined) return primaryPassword(state);
  const record = state.records.find((candidate) => candidate.source === source);
  if (record) return record;
  // Not readable: say whether it is there but hidden (access denied) or not there at all.
  const flavour = source === 'legacy' ? 'legacy' : 'windows-laps';
  return primaryPassword({
    ...state,
    records: [],
    hiddenSources: state.hiddenSources.filter((hidden) => hidden === flavour),
  });
}

/** A FILETIME as it crosses IPC: ISO 8601 UTC, "never", or null when absent. */
export function lapsTime(value: FileTimeValue): string;
export function lapsTime(value: FileTimeValue | null): string | null;
export function lapsTime(value: FileTimeValue | null): string | null {
  if (value === null) return null;
  return value.kind === 'never' ? 'never' : value.date.toISOString();
}

function fieldsToProfile(fields: ProfileFields): ConnectionProfile {
  return {
    auth: fields.auth,
    ...pick(fields, ['server', 'domain', 'ca', 'base', 'user', 'timeoutMs', 'gkdiEndpoint']),
  };
}

function sameDestination(a: ConnectionProfile, b: ConnectionProfile): boolean {
  return (
    a.auth === b.auth &&
    a.server === b.server &&
    a.domain === b.domain &&
    a.ca === b.ca &&
    a.user === b.user
  );
}

function baseOf(connection: ConsoleConnection): { base?: string } {
  return connection.base !== undefined ? { base: connection.base } : {};
}

/** The named fields that are set (exactOptionalPropertyTypes: absent, never undefined). */
function pick<T extends object, K extends keyof T>(
  source: T,
  keys: readonly K[],
): { [P in K]?: Exclude<T[P], undefined> } {
  const picked: { [P in K]?: Exclude<T[P], undefined> } = {};
  for (const key of keys) {
    const value = source[key];
    if (value !== undefined) picked[key] = value as Exclude<T[K], undefined>;
  }
  return picked;
}
