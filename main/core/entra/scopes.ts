/**
 * Least privilege with incremental consent: browsing asks only for these; the password scope is
 * asked for only when a password is read, so a user who only browses never consents to it.
 */
export const BROWSE_SCOPES = [
  'https://graph.microsoft.com/Device.Read.All',
  'https://graph.microsoft.com/DeviceLocalCredential.ReadBasic.All',
] as const;

export const READ_PASSWORD_SCOPES = [
  'https://graph.microsoft.com/DeviceLocalCredential.Read.All',
] as const;

/**
 * Rotation goes through Intune: finding the managed device, then the remote action, which Intune
 * gates on PrivilegedOperations. The action's page lists only Read permissions, but the service
 * refuses it without PrivilegedOperations.All (microsoftgraph/microsoft-graph-docs-contrib#87).
 */
export const ROTATE_SCOPES = [
  'https://graph.microsoft.com/DeviceManagementManagedDevices.Read.All',
  'https://graph.microsoft.com/DeviceManagementManagedDevices.PrivilegedOperations.All',
] as const;

/** App-only tokens carry the roles granted to the app; ".default" asks for all of them. */
export const APP_ONLY_SCOPES = ['https://graph.microsoft.com/.default'] as const;

/** Scopes are named for Graph's resource; another cloud's Graph keeps the same permission names. */
export function scopesForGraph(scopes: readonly string[], graphUrl: string): string[] {
  return scopes.map((scope) => scope.replace('https://graph.microsoft.com', graphUrl));
}
