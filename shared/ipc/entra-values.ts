// Validators for what crosses IPC about Microsoft Entra ID. Tokens never cross: the renderer
// names an account by an opaque id main hands out, and main keeps the tokens.
import { z } from 'zod';
import { cleanText, filePath, isoInstant, outputText } from './values.js';

/** An MSAL home account id ("<oid>.<tid>"): opaque to the renderer, bounded here. */
export const entraAccountId = z
  .string()
  .min(3)
  .max(256)
  .regex(/^[A-Za-z0-9._-]+$/, { message: 'must be an account id main handed out' });

/** A device's Entra device id (a GUID). */
export const entraDeviceId = z.uuid();

export const entraCloud = z.enum(['global', 'us-gov', 'china']);

/** https://host[:port][/path], no credentials, no query: an authority or Graph root. */
export const httpsUrl = z
  .string()
  .max(2048)
  .regex(/^https:\/\/[^\s\p{Cc}/?#@\\]+(?:\/[^\s\p{Cc}?#\\]*)?$/iu, {
    message: 'must be an https:// URL without query or credentials',
  });

/** entra.json: which app registration and tenant the console signs in with. */
export const entraSettings = z.strictObject({
  /** The app registration's client id. */
  clientId: z.uuid(),
  /** A tenant id, a verified domain, or "organizations" (any work account). */
  tenant: cleanText(256).regex(/^[A-Za-z0-9.-]+$/, {
    message: 'must be a tenant id, a domain name, or "organizations"',
  }),
  cloud: entraCloud,
  /** Overrides the cloud's authority (tenant included): another cloud, or a test one. */
  authority: httpsUrl.optional(),
  /** Overrides the cloud's Microsoft Graph root. */
  graphUrl: httpsUrl.optional(),
  /** Trust this PEM CA for sign-in and Graph instead of the system store. */
  ca: filePath.optional(),
});

export const entraAccount = z.strictObject({
  accountId: entraAccountId,
  /** The UPN the user signed in with. */
  username: outputText(1024),
  name: outputText(1024).nullable(),
  tenantId: outputText(256),
});

/** A device with a LAPS backup in Entra ID, without its password. */
export const entraDevice = z.strictObject({
  deviceId: entraDeviceId,
  deviceName: outputText(4096),
  lastBackupDateTime: isoInstant.nullable(),
  refreshDateTime: isoInstant.nullable(),
});

/** The device's directory record (/devices); null fields where Graph has none. */
export const entraDeviceDetails = z.strictObject({
  operatingSystem: outputText(256).nullable(),
  operatingSystemVersion: outputText(256).nullable(),
  /** AzureAd (joined), ServerAd (hybrid joined) or Workplace (registered). */
  trustType: outputText(64).nullable(),
  approximateLastSignInDateTime: isoInstant.nullable(),
});

/** One backed-up password (current or old), decoded. */
export const entraCredentialView = z.strictObject({
  account: outputText(4096),
  password: z.string().max(4096),
  backupDateTime: isoInstant,
});

/** A device code to show: the user types it at the verification page. */
export const entraDeviceCodePrompt = z.strictObject({
  userCode: outputText(64),
  verificationUri: outputText(2048),
  /** Entra's own sentence, shown as it is. */
  message: outputText(2000),
});

/** A sign-in under way, named by main. */
export const entraFlowId = z.uuid();
