// The entra.* channels: sign-in flows, device search, passwords and rotation in Microsoft Entra
// ID, over core's EntraSession and Graph client. One session per configured app registration,
// its token cache encrypted in the config folder; tokens never leave main.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Channel } from '../../../shared/ipc/channels.js';
import type {
  EntraCredentialView,
  EntraDevice,
  EntraSettings,
} from '../../../shared/ipc/contract.js';
import { HISTORY_MAX } from '../../../shared/ipc/values.js';
import { osUserName } from '../audit/audit-actor.js';
import type { AuditAction } from '../audit/audit-record.js';
import { DEFAULT_SEARCH_LIMIT } from '../directory/computers.js';
import {
  AuthenticationError,
  LapsError,
  MalformedDataError,
  NoLapsPasswordError,
  UsageError,
} from '../errors/laps-error.js';
import { isNewerBackup } from '../entra/backup-watch.js';
import { ENTRA_CLOUDS, resolveEndpoints, type EntraEndpoints } from '../entra/clouds.js';
import {
  createLapsGraphClient,
  type EntraCredential,
  type EntraLapsDevice,
} from '../entra/graph-client.js';
import type { HttpsTrust } from '../entra/https-transport.js';
import { delay, type RetryOptions } from '../entra/retry.js';
import { BROWSE_SCOPES, scopesForGraph } from '../entra/scopes.js';
import { EntraSession, type EntraAccountInfo } from '../entra/session.js';
import type { DeviceCodePrompt, TokenSource } from '../entra/sign-in.js';
import type { ClipboardGuard } from './clipboard-guard.js';
import type { EntraSettingsStore } from './entra-settings-file.js';
import type { ChannelHandler } from './handlers.js';
import type { AuditRecorder, Caller, ExternalBrowser, SettingsStore } from './ports.js';
import type { ConsoleTokenCache } from './token-cache-file.js';

export type EntraChannel = Extract<Channel, `entra.${string}`>;
export type EntraHandlers = { readonly [C in EntraChannel]: ChannelHandler<C> };

/** What the Entra view needs besides what every channel has. */
export interface EntraContext {
  /** entra.json in the config folder. */
  readonly settings: EntraSettingsStore;
  /** entra-tokens.bin in the config folder (or memory only, where the OS cannot protect it). */
  readonly tokenCache: ConsoleTokenCache;
  /** Opens sign-in and consent pages; only https pages of the configured authority reach it. */
  readonly browser: ExternalBrowser;
  /** Graph's throttling retries (tests shorten the waits). */
  readonly retry?: RetryOptions;
}

export interface EntraService {
  readonly handlers: EntraHandlers;
  /** Cancels the window's sign-in and any consent it waits for. */
  windowGone(windowKey: string): void;
  dispose(): void;
}

/** A sign-in under way, owned by the window that began it. */
interface SignInFlow {
  readonly windowKey: string;
  readonly controller: AbortController;
  readonly account: Promise<EntraAccountInfo>;
  /** A device-code flow's code, once Entra gave it. */
  userCode?: string;
}

/** The configured registration, with the session that signs in to it. */
interface Configured {
  readonly settings: EntraSettings;
  readonly endpoints: EntraEndpoints;
  /** Graph's resource URI, which scopes are named after (the cloud's, whatever graphUrl is). */
  readonly resource: string;
  readonly trust: HttpsTrust;
  readonly session: EntraSession;
}

export function createEntraService(shared: {
  readonly entra: EntraContext;
  readonly clipboard: ClipboardGuard;
  readonly consoleSettings: SettingsStore;
  readonly audit: AuditRecorder;
  readonly now: () => Date;
}): EntraService {
  const { entra, clipboard, audit, now } = shared;
  const flows = new Map<string, SignInFlow>();
  /** Per window: aborted when it goes, so a consent page it waits for stops waiting. */
  const windowSignals = new Map<string, AbortController>();
  /** Per window: a wait Graph imposed on one of its requests (429/503), while it lasts. */
  const retries = new Map<
    string,
    { status: number; nextAttempt: number; maxAttempts: number; retryAt: Date }
  >();
  /** Resolved when the browser was opened for a sign-in (beginSignIn returns then). */
  const browserOpened = new Set<() => void>();
  let configured: Promise<Configured | null> | null = null;

  const openSignInPage = async (endpoints: EntraEndpoints, url: string): Promise<void> => {
    // MSAL builds this URL from the authority; refuse anything else before a browser sees it.
    if (!isAuthorityPage(url, endpoints.authority)) throw new UntrustedSignInPageError(url);
    await entra.browser.open(url);
    for (const notify of browserOpened) notify();
  };

  const sessionFor = async (settings: EntraSettings): Promise<Configured> => {
    const endpoints = resolveEndpoints({
      cloud: settings.cloud,
      tenant: settings.tenant,
      ...(settings.authority !== undefined ? { authority: settings.authority } : {}),
      ...(settings.graphUrl !== undefined ? { graphUrl: settings.graphUrl } : {}),
    });
    const trust: HttpsTrust = settings.ca !== undefined ? { caPem: await readCa(settings.ca) } : {};
    const session = new EntraSession({
      endpoints,
      clientId: settings.clientId,
      cacheStore: entra.tokenCache,
      trust,
      openBrowser: (url) => openSignInPage(endpoints, url),
    });
    return { settings, endpoints, resource: ENTRA_CLOUDS[settings.cloud].graphUrl, trust, session };
  };

  const current = (): Promise<Configured | null> => {
    if (configured !== null) return configured;
    const attempt = entra.settings
      .get()
      .then((settings) => (settings ? sessionFor(settings) : null));
    configured = attempt;
    // A CA file that cannot be read now may be readable on the next request.
    attempt.catch(() => {
      if (configured === attempt) configured = null;
    });
    return attempt;
  };

  const requireConfigured = async (): Promise<Configured> => {
    const found = await current();
    if (found === null) throw new EntraNotConfiguredError();
    return found;
  };

  const signalOf = (windowKey: string): AbortSignal => {
    let controller = windowSignals.get(windowKey);
    if (controller === undefined) {
      controller = new AbortController();
      windowSignals.set(windowKey, controller);
    }
    return controller.signal;
  };

  /**
   * Graph as one signed-in account. 'browser': Entra may send the user to the browser for
   * consent (a password scope) or a new sign-in; 'never': it fails saying so instead.
   */
  const graphAs = async (accountId: string, caller: Caller, interaction: 'browser' | 'never') => {
    const { session, endpoints, resource, trust } = await requireConfigured();
    if (!(await session.accounts()).some((account) => account.accountId === accountId))
      throw new AuthenticationError(
        'That Entra ID account is signed out (or was removed from the token cache): sign in again.',
      );
    const tokens = session.tokenSource(accountId, {
      interaction,
      ...(interaction === 'browser' ? { signal: signalOf(caller.windowKey) } : {}),
    });
    const graph = createLapsGraphClient({
      graphUrl: endpoints.graphUrl,
      tokens,
      resource,
      trust,
      retry: {
        ...entra.retry,
        onRetry: (progress) => {
          retries.set(caller.windowKey, {
            status: progress.status,
            nextAttempt: progress.attempt + 1,
            maxAttempts: progress.maxAttempts,
            retryAt: new Date(now().getTime() + progress.waitMs),
          });
          entra.retry?.onRetry?.(progress);
        },
        // The wait is what entra.activity reports: once it is over, the request goes on.
        sleep: async (ms) => {
          try {
            await (entra.retry?.sleep ?? delay)(ms);
          } finally {
            retries.delete(caller.windowKey);
          }
        },
      },
    });
    return { graph, tokens, endpoints };
  };

  const auditEntra = (
    action: AuditAction,
    device: EntraLapsDevice,
    detail: string,
    who: { tokens: TokenSource; endpoints: EntraEndpoints },
  ) =>
    audit({
      action,
      computer: device.deviceName,
      // Entra devices have no DN: the device id, marked as such, names the record (as lapsctl).
      dn: `entra:${device.deviceId}`,
      source: 'entra',
      detail,
      actor: {
        osUser: osUserName(),
        identity: who.tokens.identity(),
        server: who.endpoints.graphUrl,
      },
      app: 'console',
    });

  const cancelFlow = (flowId: string): void => {
    const flow = flows.get(flowId);
    if (flow === undefined) return;
    flows.delete(flowId);
    flow.controller.abort();
  };

  const beginFlow = (
    windowKey: string,
    start: (signal: AbortSignal) => Promise<EntraAccountInfo>,
  ): { flowId: string; account: Promise<EntraAccountInfo> } => {
    // One sign-in per window: a new one replaces the one left behind.
    for (const [flowId, flow] of flows) if (flow.windowKey === windowKey) cancelFlow(flowId);
    const flowId = randomUUID();
    const controller = new AbortController();
    const account = start(controller.signal);
    // completeSignIn may come later (or never, if the window goes): no unhandled rejection.
    account.catch(() => undefined);
    flows.set(flowId, { windowKey, controller, account });
    return { flowId, account };
  };

  const handlers: EntraHandlers = {
    async 'entra.status'() {
      const found = await current();
      return {
        settings: found?.settings ?? null,
        accounts: found ? (await found.session.accounts()).map(accountView) : [],
        isCachePersistent: await entra.tokenCache.isPersistent(),
      };
    },

    async 'entra.configure'(input) {
      const before = await current().catch(() => null);
      const next = await sessionFor(input);
      await entra.settings.set(input);
      // Tokens of another registration, tenant or cloud do not apply: everyone signs in again.
      if (before === null || !isSameRegistration(before.settings, input)) {
        for (const flowId of [...flows.keys()]) cancelFlow(flowId);
        await entra.tokenCache.clear();
      }
      configured = Promise.resolve(next);
      return input;
    },

    async 'entra.beginSignIn'(input, caller) {
      const { session, resource } = await requireConfigured();
      const scopes = scopesForGraph(BROWSE_SCOPES, resource);
      if (input.method === 'browser') {
        let notify = (): void => undefined;
        const opened = new Promise<void>((resolve) => {
          notify = resolve;
        });
        browserOpened.add(notify);
        const { flowId, account } = beginFlow(caller.windowKey, (signal) =>
          session.signInWithBrowser({ scopes, signal }),
        );
        try {
          await Promise.race([opened, account]);
        } catch (error) {
          cancelFlow(flowId);
          throw error;
        } finally {
          browserOpened.delete(notify);
        }
        return { flowId, deviceCode: null };
      }
      let prompted = (_prompt: DeviceCodePrompt): void => undefined;
      const prompt = new Promise<DeviceCodePrompt>((resolve) => {
        prompted = resolve;
      });
      const { flowId, account } = beginFlow(caller.windowKey, (signal) =>
        session.signInWithDeviceCode({ scopes, onPrompt: (shown) => prompted(shown), signal }),
      );
      let shown: DeviceCodePrompt | null;
      try {
        shown = await Promise.race([prompt, account.then(() => null)]);
      } catch (error) {
        cancelFlow(flowId);
        throw error;
      }
      const flow = flows.get(flowId);
      if (flow !== undefined && shown !== null) flow.userCode = shown.userCode;
      return {
        flowId,
        deviceCode: shown && {
          userCode: shown.userCode,
          verificationUri: shown.verificationUri,
          message: shown.message,
        },
      };
    },

    async 'entra.completeSignIn'(input, caller) {
      const flow = flows.get(input.flowId);
      if (flow === undefined || flow.windowKey !== caller.windowKey)
        throw new SignInFlowGoneError();
      try {
        return accountView(await flow.account);
      } finally {
        if (flows.get(input.flowId) === flow) flows.delete(input.flowId);
      }
    },

    async 'entra.copyDeviceCode'(input, caller) {
      const flow = flows.get(input.flowId);
      if (flow?.windowKey !== caller.windowKey || flow.userCode === undefined)
        throw new SignInFlowGoneError();
      await clipboard.write(flow.userCode);
      return null;
    },

    'entra.cancelSignIn'(input, caller) {
      if (flows.get(input.flowId)?.windowKey === caller.windowKey) cancelFlow(input.flowId);
      return Promise.resolve(null);
    },

    async 'entra.signOut'(input) {
      const { session } = await requireConfigured();
      await session.signOut(input.accountId);
      return null;
    },

    async 'entra.search'(input, caller) {
      const { graph } = await graphAs(input.accountId, caller, 'never');
      const limit = input.limit ?? DEFAULT_SEARCH_LIMIT;
      const found = await graph.listDevices({
        ...(input.exact ? { nameEquals: input.text } : { nameStartsWith: input.text }),
        limit,
      });
      return {
        devices: found.slice(0, limit).map(deviceView),
        isTruncated: found.length > limit,
      };
    },

    async 'entra.read'(input, caller) {
      const { graph } = await graphAs(input.accountId, caller, 'never');
      const device = await graph.readDevice(input.deviceId);
      // The directory record helps to tell devices apart; without Device.Read.All it is left out.
      const details = await graph.readDeviceDetails(input.deviceId).catch((error: unknown) => {
        if (error instanceof LapsError && error.code === 'access-denied') return null;
        throw error;
      });
      return {
        device: deviceView(device),
        details: details && {
          operatingSystem: details.operatingSystem,
          operatingSystemVersion: details.operatingSystemVersion,
          trustType: details.trustType,
          approximateLastSignInDateTime: optionalInstant(details.approximateLastSignInDateTime),
        },
      };
    },

    async 'entra.reveal'(input, caller) {
      const who = await graphAs(input.accountId, caller, 'browser');
      const found = await who.graph.readCredentials(input.deviceId);
      const newest = found.credentials[0];
      if (newest === undefined) throw new NoLapsPasswordError(found.deviceName);
      // Audited before it leaves main; a log that cannot record it refuses the reveal.
      await auditEntra('reveal', found, 'entra', who);
      return { ...deviceRef(found), ...credentialView(newest) };
    },

    async 'entra.copy'(input, caller) {
      const who = await graphAs(input.accountId, caller, 'browser');
      const found = await who.graph.readCredentials(input.deviceId);
      const chosen =
        input.backupDateTime === undefined
          ? found.credentials[0]
          : found.credentials.find(
              (credential) =>
                Date.parse(credential.backupDateTime) === Date.parse(input.backupDateTime ?? ''),
            );
      if (chosen === undefined)
        throw input.backupDateTime === undefined
          ? new NoLapsPasswordError(found.deviceName)
          : new LapsError(
              'not-found',
              `Entra ID no longer holds the password of ${found.deviceName} backed up at ${input.backupDateTime}: open History again.`,
            );
      const backupDateTime = instant(chosen.backupDateTime);
      const { clipboardClearSeconds } = await shared.consoleSettings.get();
      await auditEntra(
        'copy',
        found,
        input.backupDateTime === undefined ? 'entra' : `entra, backup of ${backupDateTime}`,
        who,
      );
      const clearsAt = await clipboard.place(chosen.password, clipboardClearSeconds * 1000, now());
      return { ...deviceRef(found), backupDateTime, clearsAt: clearsAt.toISOString() };
    },

    async 'entra.history'(input, caller) {
      const who = await graphAs(input.accountId, caller, 'browser');
      const found = await who.graph.readCredentials(input.deviceId);
      const entries = [...found.credentials]
        .sort((a, b) => Date.parse(b.backupDateTime) - Date.parse(a.backupDateTime))
        .slice(0, HISTORY_MAX);
      await auditEntra('reveal', found, `entra, history (${entries.length} entries)`, who);
      return { ...deviceRef(found), entries: entries.map(credentialView) };
    },

    async 'entra.rotate'(input, caller) {
      const who = await graphAs(input.accountId, caller, 'browser');
      const rotation = await who.graph.requestRotation(input.deviceId);
      const requestedAt = now().toISOString();
      // Recorded as soon as Intune accepted it (as lapsctl): the device has not rotated yet.
      await auditEntra(
        'rotate',
        rotation.device,
        `entra, Intune managed device ${rotation.managedDeviceId}`,
        who,
      );
      return {
        ...deviceRef(rotation.device),
        requestedAt,
        lastBackupDateTime: optionalInstant(rotation.device.lastBackupDateTime),
      };
    },

    async 'entra.rotationStatus'(input, caller) {
      const { graph } = await graphAs(input.accountId, caller, 'never');
      const lastBackupDateTime = optionalInstant(
        (await graph.readDevice(input.deviceId)).lastBackupDateTime,
      );
      return {
        hasNewBackup: isNewerBackup(lastBackupDateTime, input.after),
        lastBackupDateTime,
      };
    },

    'entra.activity'(_input, caller) {
      const retry = retries.get(caller.windowKey);
      return Promise.resolve({
        retry: retry === undefined ? null : { ...retry, retryAt: retry.retryAt.toISOString() },
      });
    },
  };

  return {
    handlers,
    windowGone(windowKey) {
      retries.delete(windowKey);
      for (const [flowId, flow] of flows) if (flow.windowKey === windowKey) cancelFlow(flowId);
      windowSignals.get(windowKey)?.abort();
      windowSignals.delete(windowKey);
    },
    dispose() {
      for (const flowId of [...flows.keys()]) cancelFlow(flowId);
      for (const controller of windowSignals.values()) controller.abort();
      windowSignals.clear();
    },
  };
}

export class EntraNotConfiguredError extends UsageError {
  constructor() {
    super(
      'Entra ID is not set up in LAPS Console yet: enter the app registration (client id) and tenant first.',
    );
  }
}

export class SignInFlowGoneError extends LapsError {
  constructor() {
    super('cancelled', 'That sign-in is over (cancelled, or begun again): sign in again.');
  }
}

export class UntrustedSignInPageError extends AuthenticationError {
  constructor(url: string) {
    super(
      `LAPS Console refused to open a sign-in page outside the configured authority (${safeHost(url)}): check the authority in the Entra ID settings.`,
    );
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host.slice(0, 255);
  } catch {
    return 'not a URL';
  }
}

/** https, on the authority's host and port: the only pages the console opens. */
export function isAuthorityPage(url: string, authority: string): boolean {
  let page: URL;
  try {
    page = new URL(url);
  } catch {
    return false;
  }
  const expected = new URL(authority);
  return page.protocol === 'https:' && page.host === expected.host && page.username === '';
}

async function readCa(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `Cannot read the CA file ${file} named in the Entra ID settings (${(error as NodeJS.ErrnoException).code ?? 'error'}): fix the path or remove it.`,
    );
  }
}

/** Tokens belong to a client id at an authority: a new Graph URL or CA keeps them valid. */
function isSameRegistration(a: EntraSettings, b: EntraSettings): boolean {
  return (
    a.clientId === b.clientId &&
    a.tenant === b.tenant &&
    a.cloud === b.cloud &&
    a.authority === b.authority
  );
}

function accountView(account: EntraAccountInfo) {
  return {
    accountId: account.accountId,
    username: account.username,
    name: account.name,
    tenantId: account.tenantId,
  };
}

function deviceView(device: EntraLapsDevice): EntraDevice {
  return {
    deviceId: device.deviceId,
    deviceName: device.deviceName,
    lastBackupDateTime: optionalInstant(device.lastBackupDateTime),
    refreshDateTime: optionalInstant(device.refreshDateTime),
  };
}

function deviceRef(device: EntraLapsDevice) {
  return { deviceId: device.deviceId, deviceName: device.deviceName };
}

function credentialView(credential: EntraCredential): EntraCredentialView {
  return {
    account: credential.accountName,
    password: credential.password,
    backupDateTime: instant(credential.backupDateTime),
  };
}

/** Graph's instants as the contract carries them: ISO 8601 in UTC ("Z"), whatever offset came. */
function instant(text: string): string {
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new MalformedDataError(`Graph returned "${text.slice(0, 40)}" as a date.`);
  return new Date(ms).toISOString();
}

function optionalInstant(text: string | null): string | null {
  return text === null ? null : instant(text);
}
