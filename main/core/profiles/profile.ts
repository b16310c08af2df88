/**
 * A saved way to reach a directory. It never holds a password: a simple bind's secret comes from
 * a file (mode 0600) or an environment variable at run time, or from the console's safeStorage.
 */
export interface ConnectionProfile {
  /** ldaps://host[:port] for LDAPS, ldap://host[:port] for StartTLS. Absent: discover DCs by DNS. */
  readonly server?: string;
  /** DNS domain to discover DCs in when `server` is absent (default: the current domain). */
  readonly domain?: string;
  /** PEM file of CA certificates to trust in place of the system store. */
  readonly ca?: string;
  /** Search base; default: the defaultNamingContext from the RootDSE. */
  readonly base?: string;
  readonly auth: 'simple' | 'kerberos';
  /** UPN (user@domain) or DOMAIN\user; simple binds only. */
  readonly user?: string;
  readonly passwordFile?: string;
  readonly passwordEnv?: string;
  /**
   * host:port of an MS-GKDI key service, for decrypting encrypted passwords; absent: ask the
   * DC's endpoint mapper (port 135). A Samba DC serves none, so its domains need this.
   */
  readonly gkdiEndpoint?: string;
  /** Connect and per-request timeout. */
  readonly timeoutMs?: number;
}

/** profiles.json in the config folder: `{ "profiles": { "<name>": ConnectionProfile } }`. */
export interface ProfileFile {
  readonly profiles: Readonly<Record<string, ConnectionProfile>>;
}
