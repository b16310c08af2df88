import type { ParseArgsConfig } from 'node:util';
import { UsageError } from '../core/errors/laps-error.js';
import type { ConnectionProfile } from '../core/profiles/profile.js';
import { loadProfile } from '../core/profiles/profile-store.js';

/** The flags every command that talks to a DC takes. */
export const CONNECTION_OPTIONS = {
  server: { type: 'string' },
  ca: { type: 'string' },
  base: { type: 'string' },
  auth: { type: 'string' },
  user: { type: 'string' },
  'password-file': { type: 'string' },
  'password-env': { type: 'string' },
  profile: { type: 'string' },
  domain: { type: 'string' },
  timeout: { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export const CONNECTION_HELP = `Connection (get, search, expire, kds-export):
  --server URL          ldaps://host[:port] (LDAPS) or ldap://host[:port] (StartTLS)
  --domain NAME         find the DCs of this domain in DNS (default: the current domain)
  --ca FILE             trust this PEM CA instead of the system store
  --base DN             search base (default: the domain's naming context)
  --auth simple|kerberos
  --user NAME           user@domain or DOMAIN\\user (simple bind)
  --password-file FILE  read the password from FILE
  --password-env VAR    read the password from environment variable VAR
  --profile NAME        start from a saved profile (flags override it)
  --timeout SECONDS     per-DC connect timeout (default 4)
With none of them, lapsctl finds the current domain's DCs by DNS and signs in with Kerberos.`;

type ConnectionValues = { readonly [K in keyof typeof CONNECTION_OPTIONS]?: string | undefined };

/** The profile a command connects with: a saved profile, overridden by any flags given. */
export async function profileFromFlags(
  values: ConnectionValues,
  env: NodeJS.ProcessEnv,
): Promise<ConnectionProfile> {
  const saved = values.profile !== undefined ? await loadProfile(values.profile, env) : undefined;
  const auth = values.auth ?? saved?.auth ?? (values.user !== undefined ? 'simple' : 'kerberos');
  if (auth !== 'simple' && auth !== 'kerberos')
    throw new UsageError(`--auth must be "simple" or "kerberos", not "${auth}".`);
  const timeoutMs = values.timeout !== undefined ? parseTimeout(values.timeout) : saved?.timeoutMs;
  // A server flag replaces a profile's discovery domain and vice versa.
  const server = values.server ?? (values.domain === undefined ? saved?.server : undefined);
  const domain = values.domain ?? (values.server === undefined ? saved?.domain : undefined);
  const passwordFile =
    values['password-file'] ??
    (values['password-env'] === undefined ? saved?.passwordFile : undefined);
  const passwordEnv =
    values['password-env'] ??
    (values['password-file'] === undefined ? saved?.passwordEnv : undefined);
  const fields = {
    server,
    domain,
    ca: values.ca ?? saved?.ca,
    base: values.base ?? saved?.base,
    user: values.user ?? saved?.user,
    passwordFile: auth === 'simple' ? passwordFile : values['password-file'],
    passwordEnv: auth === 'simple' ? passwordEnv : values['password-env'],
    gkdiEndpoint: saved?.gkdiEndpoint,
    timeoutMs,
  };
  return {
    auth,
    ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)),
  };
}

function parseTimeout(text: string): number {
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600)
    throw new UsageError('--timeout takes seconds, from 0.1 to 600.');
  return Math.round(seconds * 1000);
}
