import { UsageError } from '../errors/laps-error.js';

/** The national clouds a helpdesk may sign in to: each has its own login host and Graph host. */
export const ENTRA_CLOUDS = {
  global: {
    authorityHost: 'https://login.microsoftonline.com',
    graphUrl: 'https://graph.microsoft.com',
  },
  'us-gov': {
    authorityHost: 'https://login.microsoftonline.us',
    graphUrl: 'https://graph.microsoft.us',
  },
  china: {
    authorityHost: 'https://login.chinacloudapi.cn',
    graphUrl: 'https://microsoftgraph.chinacloudapi.cn',
  },
} as const;

export type EntraCloudName = keyof typeof ENTRA_CLOUDS;

/** Where to sign in and where Graph is, with no trailing slash. */
export interface EntraEndpoints {
  /** The full authority, tenant included: https://login.microsoftonline.com/contoso.onmicrosoft.com */
  readonly authority: string;
  /** Graph's root, without a version: https://graph.microsoft.com */
  readonly graphUrl: string;
}

export interface EndpointChoice {
  readonly cloud?: EntraCloudName;
  readonly tenant?: string;
  /** A full authority URL (tenant included) that replaces the cloud's: another cloud, or a test one. */
  readonly authority?: string;
  readonly graphUrl?: string;
}

export function isEntraCloudName(text: string): text is EntraCloudName {
  return Object.hasOwn(ENTRA_CLOUDS, text);
}

/**
 * The endpoints for a choice of cloud and tenant; --authority and --graph-url win over the cloud.
 * Without a tenant, "organizations" accepts any work account (never personal accounts, which
 * hold no LAPS passwords).
 */
export function resolveEndpoints(choice: EndpointChoice): EntraEndpoints {
  const cloud = ENTRA_CLOUDS[choice.cloud ?? 'global'];
  const authority = trimSlash(
    choice.authority !== undefined
      ? checkHttps(choice.authority, '--authority')
      : `${cloud.authorityHost}/${choice.tenant ?? 'organizations'}`,
  );
  const graphUrl = trimSlash(
    choice.graphUrl !== undefined ? checkHttps(choice.graphUrl, '--graph-url') : cloud.graphUrl,
  );
  return { authority, graphUrl };
}

function checkHttps(text: string, flag: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${flag} takes an https:// URL, not "${text}".`);
  }
  // Tokens and passwords travel on this connection: never in clear text.
  if (url.protocol !== 'https:')
    throw new UsageError(`${flag} takes an https:// URL, not "${text}".`);
  return text;
}

function trimSlash(text: string): string {
  return text.replace(/\/+$/, '');
}
