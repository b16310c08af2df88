// The Entra settings form as plain strings, and entra.configure's input built from it. Pure, so
// its rules are unit-tested; main validates again with the contract (it owns the truth).
import type { EntraSettings } from '../../../shared/ipc/contract.js';

export interface EntraSettingsDraft {
  readonly clientId: string;
  readonly tenant: string;
  readonly cloud: EntraSettings['cloud'];
  readonly authority: string;
  readonly graphUrl: string;
  readonly ca: string;
}

export const EMPTY_ENTRA_DRAFT: EntraSettingsDraft = {
  clientId: '',
  tenant: 'organizations',
  cloud: 'global',
  authority: '',
  graphUrl: '',
  ca: '',
};

export const CLOUD_LABELS: Readonly<Record<EntraSettings['cloud'], string>> = {
  global: 'Global (login.microsoftonline.com)',
  'us-gov': 'US Government (login.microsoftonline.us)',
  china: 'China, operated by 21Vianet (login.chinacloudapi.cn)',
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TENANT = /^[A-Za-z0-9.-]+$/;
const HTTPS_URL = /^https:\/\/[^\s/?#@\\]+(?:\/[^\s?#\\]*)?$/i;

export function draftFromSettings(settings: EntraSettings | null): EntraSettingsDraft {
  if (!settings) return EMPTY_ENTRA_DRAFT;
  return {
    clientId: settings.clientId,
    tenant: settings.tenant,
    cloud: settings.cloud,
    authority: settings.authority ?? '',
    graphUrl: settings.graphUrl ?? '',
    ca: settings.ca ?? '',
  };
}

export type EntraDraftProblems = Partial<Record<keyof EntraSettingsDraft, string>>;

/** What to fix before saving, by field; empty when the draft can be sent. */
export function entraDraftProblems(draft: EntraSettingsDraft): EntraDraftProblems {
  const problems: EntraDraftProblems = {};
  if (!GUID.test(draft.clientId.trim()))
    problems.clientId = "Paste the app registration's Application (client) ID: a GUID.";
  if (!TENANT.test(draft.tenant.trim()))
    problems.tenant = 'A tenant ID, a domain such as contoso.com, or "organizations".';
  if (draft.authority.trim() && !HTTPS_URL.test(draft.authority.trim()))
    problems.authority = 'An https:// URL without a query, such as https://login.example/tenant.';
  if (draft.graphUrl.trim() && !HTTPS_URL.test(draft.graphUrl.trim()))
    problems.graphUrl = 'An https:// URL without a query, such as https://graph.microsoft.com.';
  return problems;
}

/** entra.configure's input: blanks left out, so the cloud's defaults apply. */
export function settingsFromDraft(draft: EntraSettingsDraft): EntraSettings {
  const set = (value: string) => value.trim();
  return {
    clientId: set(draft.clientId),
    tenant: set(draft.tenant),
    cloud: draft.cloud,
    ...(set(draft.authority) ? { authority: set(draft.authority) } : {}),
    ...(set(draft.graphUrl) ? { graphUrl: set(draft.graphUrl) } : {}),
    ...(set(draft.ca) ? { ca: set(draft.ca) } : {}),
  };
}
