import { MalformedDataError } from '../errors/laps-error.js';
import { decodePasswordBase64, type PasswordEncoding } from './password-encoding.js';

// What Graph's deviceLocalCredentials resource returns, checked and decoded: the shapes of
// https://learn.microsoft.com/graph/api/resources/devicelocalcredentialinfo.

/** A device with a LAPS backup in Entra ID (deviceLocalCredentialInfo without credentials). */
export interface EntraLapsDevice {
  readonly deviceId: string;
  readonly deviceName: string;
  readonly lastBackupDateTime: string | null;
  readonly refreshDateTime: string | null;
}

/** One backed-up password, decoded. */
export interface EntraCredential {
  readonly accountName: string;
  readonly accountSid: string | null;
  readonly backupDateTime: string;
  readonly password: string;
  readonly encoding: PasswordEncoding;
}

export interface EntraDeviceCredentials extends EntraLapsDevice {
  /** Newest first. */
  readonly credentials: readonly EntraCredential[];
}

/** The device's directory record (/devices), for the helpdesk to check it is the right one. */
export interface EntraDeviceDetails {
  readonly operatingSystem: string | null;
  readonly operatingSystemVersion: string | null;
  /** AzureAd (joined), ServerAd (hybrid joined) or Workplace (registered). */
  readonly trustType: string | null;
  readonly approximateLastSignInDateTime: string | null;
}

/** deviceLocalCredentialInfo as it arrives: nothing trusted until checked. */
export interface DeviceLocalCredentialInfo {
  readonly id?: unknown;
  readonly deviceName?: unknown;
  readonly lastBackupDateTime?: unknown;
  readonly refreshDateTime?: unknown;
  readonly credentials?: unknown;
}

export function toDevice(item: DeviceLocalCredentialInfo): EntraLapsDevice {
  if (typeof item.id !== 'string' || typeof item.deviceName !== 'string')
    throw new MalformedDataError('Graph returned a LAPS device without an id or a name.');
  return {
    deviceId: item.id,
    deviceName: item.deviceName,
    lastBackupDateTime:
      typeof item.lastBackupDateTime === 'string' ? item.lastBackupDateTime : null,
    refreshDateTime: typeof item.refreshDateTime === 'string' ? item.refreshDateTime : null,
  };
}

export function toCredentials(value: unknown): EntraCredential[] {
  if (!Array.isArray(value))
    throw new MalformedDataError(
      'Graph returned no credentials for the device: the DeviceLocalCredential.Read.All permission may be missing.',
    );
  return (value as Record<string, unknown>[])
    .map((entry) => {
      const { accountName, accountSid, backupDateTime, passwordBase64 } = entry;
      if (
        typeof accountName !== 'string' ||
        typeof backupDateTime !== 'string' ||
        typeof passwordBase64 !== 'string'
      )
        throw new MalformedDataError(
          'Graph returned a credential without its account, date or password.',
        );
      const decoded = decodePasswordBase64(passwordBase64);
      return {
        accountName,
        accountSid: typeof accountSid === 'string' ? accountSid : null,
        backupDateTime,
        password: decoded.password,
        encoding: decoded.encoding,
      };
    })
    .sort((a, b) => Date.parse(b.backupDateTime) - Date.parse(a.backupDateTime));
}
