import {
  AuthenticationHandler,
  AuthenticationHandlerOptions,
  Client,
  GraphError,
  type AuthenticationProviderOptions,
} from '@microsoft/microsoft-graph-client';
import { version } from '../../../package.json';
import { LapsError, MalformedDataError, NotFoundError } from '../errors/laps-error.js';
import { HttpsMessageHandler, type HttpsTrust } from './https-transport.js';
import { graphErrorToLapsError, type Needed } from './graph-errors.js';
import {
  toCredentials,
  toDevice,
  type DeviceLocalCredentialInfo,
  type EntraDeviceCredentials,
  type EntraDeviceDetails,
  type EntraLapsDevice,
} from './laps-credentials.js';
import { withRetry, type HttpFailure, type RetryOptions } from './retry.js';
import { BROWSE_SCOPES, READ_PASSWORD_SCOPES, ROTATE_SCOPES, scopesForGraph } from './scopes.js';
import type { TokenSource } from './sign-in.js';

/** Graph asks callers of deviceLocalCredentials to name themselves (documented, required). */
export const CLIENT_NAME_HEADERS = {
  'ocp-client-name': 'LAPS Console',
  'ocp-client-version': version,
} as const;

export interface LapsGraphClient {
  /**
   * Devices with a LAPS backup, optionally by name (Graph compares without regard to case).
   * With `limit`, paging stops once more than `limit` devices are in hand, so a short prefix in
   * a large tenant costs a page or two, and `length > limit` tells the caller there are more.
   */
  listDevices(options?: {
    nameStartsWith?: string;
    nameEquals?: string;
    pageSize?: number;
    limit?: number;
  }): Promise<EntraLapsDevice[]>;
  /**
   * A device's LAPS metadata (lastBackupDateTime, no password) by its exact name or device id:
   * needs only the browse permission, so watching for a rotation's new backup never asks for the
   * password scope.
   */
  readDevice(device: string): Promise<EntraLapsDevice>;
  /** A device by its exact name or its device id, with every backed-up password. */
  readCredentials(device: string): Promise<EntraDeviceCredentials>;
  /** The device's directory record, or null when there is none. */
  readDeviceDetails(deviceId: string): Promise<EntraDeviceDetails | null>;
  /**
   * Asks Intune to rotate the device's password (beta rotateLocalAdminPassword). Intune only
   * queues it: the device makes and backs up a new password at its next check-in. The device
   * comes back as it was read just before the request (its lastBackupDateTime is the old one).
   */
  requestRotation(device: string): Promise<{ device: EntraLapsDevice; managedDeviceId: string }>;
}

const DEVICE_NEEDS: Needed = { scope: 'Device.Read.All', role: 'Device.Read.All' };
const ROTATE_NEEDS: Needed = {
  scope: 'DeviceManagementManagedDevices.PrivilegedOperations.All',
  role: 'DeviceManagementManagedDevices.PrivilegedOperations.All',
  directoryRole: 'Intune Administrator',
};
const FIND_MANAGED_NEEDS: Needed = {
  scope: 'DeviceManagementManagedDevices.Read.All',
  role: 'DeviceManagementManagedDevices.Read.All',
  directoryRole: 'Intune Administrator',
};

const BROWSE_NEEDS: Needed = {
  scope: 'DeviceLocalCredential.ReadBasic.All',
  role: 'DeviceLocalCredential.ReadBasic.All',
  directoryRole: 'Cloud Device Administrator, Intune Administrator or Global Reader',
};
const READ_NEEDS: Needed = {
  scope: 'DeviceLocalCredential.Read.All',
  role: 'DeviceLocalCredential.Read.All',
  directoryRole: 'Cloud Device Administrator or Intune Administrator',
};

interface Page {
  readonly value?: unknown;
  readonly '@odata.nextLink'?: unknown;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createLapsGraphClient(options: {
  readonly graphUrl: string;
  readonly tokens: TokenSource;
  /** Graph's resource URI that scopes are named after (https://graph.microsoft.com). */
  readonly resource?: string;
  readonly retry?: RetryOptions;
  readonly trust?: HttpsTrust;
}): LapsGraphClient {
  const resource = options.resource ?? 'https://graph.microsoft.com';
  const base = `${options.graphUrl}/v1.0/directory/deviceLocalCredentials`;
  // Our own chain, without the SDK's RetryHandler: retries are ours (bounded, with progress).
  // The SDK wraps whatever the token source throws into a GraphError (status -1): the sign-in
  // error is kept here so the caller meets it, with its own code and sentence, instead.
  let signInFailure: Error | null = null;
  const auth = new AuthenticationHandler({
    getAccessToken: (providerOptions?: AuthenticationProviderOptions) =>
      remember(
        options.tokens.accessToken(
          scopesForGraph(providerOptions?.scopes ?? BROWSE_SCOPES, resource),
        ),
      ),
  });
  const remember = (token: Promise<string>): Promise<string> =>
    token.catch((error: unknown) => {
      signInFailure = error instanceof Error ? error : new Error(String(error));
      throw error;
    });
  let transportFailure: LapsError | null = null;
  auth.setNext(
    new HttpsMessageHandler(options.trust ?? {}, (error) => {
      transportFailure = error;
    }),
  );
  const client = Client.initWithMiddleware({
    middleware: auth,
    // The token goes only to this host (the SDK sends it to graph.microsoft.com by default).
    customHosts: new Set([new URL(options.graphUrl).hostname]),
  });

  const get = async (url: string, scopes: readonly string[]): Promise<unknown> =>
    withRetry(
      () =>
        client
          .api(url)
          .headers(CLIENT_NAME_HEADERS)
          .middlewareOptions([new AuthenticationHandlerOptions(undefined, { scopes: [...scopes] })])
          .get() as Promise<unknown>,
      httpFailureOf,
      options.retry,
    );

  const refuse = (error: unknown, needs: Needed, what: string, subject?: string): never => {
    if (signInFailure !== null) throw signInFailure;
    // Status -1: no HTTP answer at all (unreachable, TLS); the transport said why.
    if (error instanceof GraphError && error.statusCode === -1 && transportFailure !== null)
      throw transportFailure;
    if (error instanceof GraphError)
      throw graphErrorToLapsError(
        { status: error.statusCode, code: error.code, message: error.message },
        needs,
        what,
        error,
        subject,
      );
    throw error;
  };

  /** Graph reads credentials by device id only: a name is looked up first (exact match). */
  const findDevice = async (device: string): Promise<EntraLapsDevice> => {
    const url = GUID.test(device)
      ? `${base}/${encodeURIComponent(device)}`
      : `${base}?$filter=${encodeURIComponent(`deviceName eq '${odataString(device)}'`)}`;
    let found: Page & DeviceLocalCredentialInfo;
    try {
      found = (await get(url, BROWSE_SCOPES)) as Page & DeviceLocalCredentialInfo;
    } catch (error) {
      return refuse(error, BROWSE_NEEDS, 'find the device', device);
    }
    const first = Array.isArray(found.value)
      ? (found.value as DeviceLocalCredentialInfo[])[0]
      : GUID.test(device)
        ? found
        : undefined;
    if (first === undefined) throw new NotFoundError(device);
    return toDevice(first);
  };

  return {
    readDevice: findDevice,

    async readDeviceDetails(deviceId) {
      const filter = `deviceId eq '${odataString(deviceId)}'`;
      let page: Page;
      try {
        page = (await get(
          `${options.graphUrl}/v1.0/devices?$filter=${encodeURIComponent(filter)}&$select=operatingSystem,operatingSystemVersion,trustType,approximateLastSignInDateTime`,
          BROWSE_SCOPES,
        )) as Page;
      } catch (error) {
        return refuse(error, DEVICE_NEEDS, 'read the device record', deviceId);
      }
      const first = Array.isArray(page.value)
        ? (page.value as Record<string, unknown>[])[0]
        : undefined;
      if (first === undefined) return null;
      const text = (value: unknown) => (typeof value === 'string' ? value : null);
      return {
        operatingSystem: text(first.operatingSystem),
        operatingSystemVersion: text(first.operatingSystemVersion),
        trustType: text(first.trustType),
        approximateLastSignInDateTime: text(first.approximateLastSignInDateTime),
      };
    },

    async requestRotation(device) {
      const found = await findDevice(device);
      const filter = `azureADDeviceId eq '${odataString(found.deviceId)}'`;
      let managed: Page;
      try {
        managed = (await get(
          `${options.graphUrl}/beta/deviceManagement/managedDevices?$filter=${encodeURIComponent(filter)}&$select=id`,
          ROTATE_SCOPES,
        )) as Page;
      } catch (error) {
        return refuse(error, FIND_MANAGED_NEEDS, `find ${found.deviceName} in Intune`, device);
      }
      const first = Array.isArray(managed.value)
        ? (managed.value as { id?: unknown }[])[0]
        : undefined;
      if (typeof first?.id !== 'string')
        throw new LapsError(
          'not-found',
          `${found.deviceName} is not enrolled in Intune, so Intune cannot rotate its password: rotate it on the device (Reset-LapsPassword).`,
        );
      const managedDeviceId = first.id;
      try {
        await withRetry(
          () =>
            client
              .api(
                `${options.graphUrl}/beta/deviceManagement/managedDevices/${encodeURIComponent(managedDeviceId)}/rotateLocalAdminPassword`,
              )
              .middlewareOptions([
                new AuthenticationHandlerOptions(undefined, { scopes: [...ROTATE_SCOPES] }),
              ])
              .post(null) as Promise<unknown>,
          httpFailureOf,
          options.retry,
        );
      } catch (error) {
        return refuse(error, ROTATE_NEEDS, `rotate the password of ${found.deviceName}`, device);
      }
      return { device: found, managedDeviceId };
    },

    async listDevices(listOptions = {}) {
      const query = new URLSearchParams();
      if (listOptions.nameEquals !== undefined)
        query.set('$filter', `deviceName eq '${odataString(listOptions.nameEquals)}'`);
      else if (listOptions.nameStartsWith !== undefined && listOptions.nameStartsWith !== '')
        query.set('$filter', `startswith(deviceName,'${odataString(listOptions.nameStartsWith)}')`);
      if (listOptions.pageSize !== undefined) query.set('$top', String(listOptions.pageSize));
      const devices: EntraLapsDevice[] = [];
      let url: string | null = query.size > 0 ? `${base}?${query.toString()}` : base;
      try {
        const enough = (listOptions.limit ?? Infinity) + 1;
        while (url !== null && devices.length < enough) {
          const page = (await get(url, BROWSE_SCOPES)) as Page;
          if (!Array.isArray(page.value))
            throw new MalformedDataError('Graph returned a device list without "value".');
          for (const item of page.value as DeviceLocalCredentialInfo[])
            devices.push(toDevice(item));
          url = typeof page['@odata.nextLink'] === 'string' ? page['@odata.nextLink'] : null;
        }
      } catch (error) {
        refuse(error, BROWSE_NEEDS, 'list devices with LAPS backups');
      }
      return devices;
    },

    async readCredentials(device) {
      const found = await findDevice(device);
      const id = found.deviceId;
      let info: DeviceLocalCredentialInfo;
      try {
        info = (await get(
          `${base}/${encodeURIComponent(id)}?$select=credentials,deviceName,lastBackupDateTime,refreshDateTime`,
          READ_PASSWORD_SCOPES,
        )) as DeviceLocalCredentialInfo;
      } catch (error) {
        // Named as a person knows it, even when asked for by device id.
        return refuse(error, READ_NEEDS, `read the LAPS password of ${found.deviceName}`, device);
      }
      return { ...toDevice({ id, ...info }), credentials: toCredentials(info.credentials) };
    },
  };
}

/** A single quote in an OData string literal is doubled. */
function odataString(text: string): string {
  return text.replaceAll("'", "''");
}

function httpFailureOf(error: unknown): HttpFailure | null {
  if (!(error instanceof GraphError)) return null;
  return { status: error.statusCode, retryAfter: error.headers?.get('Retry-After') ?? null };
}

export type {
  EntraCredential,
  EntraDeviceCredentials,
  EntraDeviceDetails,
  EntraLapsDevice,
} from './laps-credentials.js';
