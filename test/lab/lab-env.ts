/**
 * The Samba AD lab as lab tests see it: `npm run lab:up` provisions it and writes
 * `${LAPS_LAB_DIR:-/var/tmp/laps-lab}/expected.json`, the oracle of everything the seed wrote.
 *
 *   const lab = requireLab();
 *   describe.skipIf(!lab)('against the lab', () => { ... });
 *
 * Outside CI a missing lab skips (with the reason printed); in CI (CI=true) it fails.
 */
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type LabUserKey = 'administrator' | 'helpdesk' | 'resetter' | 'nobody' | 'lapsadmin';
export type LabOuKey = 'workstations' | 'servers' | 'kiosks' | 'branch' | 'computers';
export type LabFlavour = 'windows-laps' | 'windows-laps-encrypted' | 'legacy';
/**
 * - expired: some LAPS expiration time is in the past (at seed time) and was not rotated;
 * - stale: the password was last updated 90 or more days before the seed;
 * - no-laps: no LAPS attribute at all; disabled: userAccountControl 4098;
 * - hostile-name: a CN with characters that need escaping in DNs or filters ( ( ) + );
 * - unicode: a non-ASCII CN; duplicate-cn: another computer has the same CN in another container;
 * - non-ascii-password: the Windows LAPS password (clear, or decrypted current) has non-ASCII characters;
 * - json-unicode-escapes: msLAPS-Password writes them as \uXXXX (else raw UTF-8);
 * - non-ascii-account: the managed account's name is not ASCII;
 * - encrypted-history: msLAPS-EncryptedPasswordHistory is set too;
 * - lab-encrypted: msLAPS-EncryptedPassword was protected by the seed to LAPS Admins under the
 *   lab's KDS root key (members decrypt it; see LabEncrypted.current/history);
 * - foreign-vector: msLAPS-EncryptedPassword is a Windows-made blob from another forest (its
 *   root key is not the lab's: nobody here can decrypt it, "cannot decrypt" cases).
 */
export type LabTag =
  | 'expired'
  | 'stale'
  | 'no-laps'
  | 'disabled'
  | 'hostile-name'
  | 'unicode'
  | 'duplicate-cn'
  | 'non-ascii-password'
  | 'json-unicode-escapes'
  | 'non-ascii-account'
  | 'encrypted-history'
  | 'lab-encrypted'
  | 'foreign-vector';

export interface LabUser {
  /** name@lab.test */
  readonly upn: string;
  readonly samAccountName: string;
  /** The password, mode 0600, no trailing newline. */
  readonly passwordFile: string;
  readonly dn: string;
}

export interface LabWindowsLaps {
  /** "n" in msLAPS-Password */
  readonly account: string;
  /** "p" in msLAPS-Password */
  readonly password: string;
  /** "t" in msLAPS-Password, as an ISO 8601 UTC string */
  readonly updated: string;
  /** msLAPS-PasswordExpirationTime */
  readonly expires: string;
}

/** One decrypted msLAPS-Encrypted* value: the plaintext JSON {"n","t","p"}. */
export interface LabPlainPassword {
  readonly account: string;
  readonly password: string;
  /** "t", which equals the update time in the value's 16-byte header (ISO 8601 UTC, whole ms). */
  readonly updated: string;
}

export interface LabEncrypted {
  /** The update time in the 16-byte header of msLAPS-EncryptedPassword (sub-ms ticks dropped). */
  readonly updated: string;
  /** msLAPS-PasswordExpirationTime */
  readonly expires: string;
  /** 'lab': protected by the seed as a device would (decryptable by LAPS Admins members);
   * 'foreign-vector': a Windows-made blob under another forest's root key (cannot decrypt). */
  readonly origin: 'lab' | 'foreign-vector';
  /** The protection descriptor's SID (for 'lab', LabExpected.lapsAdmins.sid). */
  readonly authorizedSid: string;
  /** The decrypted current value; null for foreign vectors. */
  readonly current: LabPlainPassword | null;
  /** The decrypted history values, newest first ([] for foreign vectors). */
  readonly history: readonly LabPlainPassword[];
  /** How many values msLAPS-EncryptedPasswordHistory (or ...DSRMPasswordHistory) holds. */
  readonly historyCount: number;
}

/** The lab's DC object (not in `computers`): its DSRM password, encrypted like a DC does it. */
export interface LabDomainController {
  readonly name: string;
  readonly samAccountName: string;
  readonly dn: string;
  readonly dnsHostName: string;
  /** msLAPS-EncryptedDSRMPassword (+ ...History) and msLAPS-PasswordExpirationTime; account
   * "Administrator". */
  readonly dsrm: LabEncrypted;
}

/** The LAPS Admins group, the authorized decryptor of every lab-encrypted password. */
export interface LabGroup {
  readonly name: string;
  readonly dn: string;
  readonly sid: string;
  /** Keys of its member users (Administrator and lapsadmin; never helpdesk). */
  readonly members: readonly LabUserKey[];
}

export interface LabLegacy {
  /** ms-Mcs-AdmPwd */
  readonly password: string;
  /** ms-Mcs-AdmPwdExpirationTime */
  readonly expires: string;
}

export interface LabComputer {
  /** The CN (the RDN value, unescaped). */
  readonly name: string;
  /** With the trailing $. */
  readonly samAccountName: string;
  readonly dn: string;
  readonly dnsHostName: string;
  readonly ou: LabOuKey;
  readonly disabled: boolean;
  readonly flavours: readonly LabFlavour[];
  readonly windowsLaps: LabWindowsLaps | null;
  readonly encrypted: LabEncrypted | null;
  readonly legacy: LabLegacy | null;
  readonly tags: readonly LabTag[];
}

/** expected.json, exactly. */
export interface LabExpected {
  readonly realm: string;
  readonly domain: string;
  readonly baseDn: string;
  readonly ldapsUrl: string;
  readonly startTlsUrl: string;
  /** The lab CA (PEM) that signs the DC's certificate. */
  readonly caFile: string;
  /** For KRB5_CONFIG. */
  readonly krb5Config: string;
  /** nameserver 127.0.0.1 / search lab.test: bind-mount over /etc/resolv.conf in `unshare -m`. */
  readonly resolvConf: string;
  /** When the seed ran (ISO 8601): "expired" and "stale" are relative to it. */
  readonly seededAt: string;
  readonly users: Readonly<Record<LabUserKey, LabUser>>;
  readonly ous: Readonly<Record<LabOuKey, string>>;
  /** The only OU where helpdesk may read passwords. */
  readonly helpdeskOu: string;
  /** Where lapsadmin may read passwords (OU=Lab, subtree) and DSRM passwords (OU=Domain Controllers). */
  readonly lapsAdminOus: readonly string[];
  readonly lapsAdmins: LabGroup;
  /** The lab's GKDI server (host:port), as the lab profiles' gkdiEndpoint. */
  readonly gkdiEndpoint: string;
  readonly computers: readonly LabComputer[];
  readonly domainController: LabDomainController;
}

export interface LabEnv extends LabExpected {
  /** ${LAPS_LAB_DIR:-/var/tmp/laps-lab} */
  readonly labDir: string;
}

export function labDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.LAPS_LAB_DIR || '/var/tmp/laps-lab';
}

/** The lab's expected.json, or the reason it cannot be used. */
export function probeLab(): { readonly lab: LabEnv } | { readonly reason: string } {
  const dir = labDir();
  const file = join(dir, 'expected.json');
  let expected: LabExpected;
  try {
    expected = JSON.parse(readFileSync(file, 'utf8')) as LabExpected;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      reason:
        code === 'ENOENT'
          ? `no lab (${file} is missing): run 'npm run lab:up'`
          : `cannot read ${file}: ${String(error)}`,
    };
  }
  const url = new URL(expected.ldapsUrl);
  const port = Number(url.port || 636);
  if (!tcpAccepts(url.hostname, port, 3000)) {
    return { reason: `the lab DC is down (${url.hostname}:${port} refuses): run 'npm run lab:up'` };
  }
  return { lab: { ...expected, labDir: dir } };
}

/** The lab, if expected.json is there and the DC accepts connections on 636; else undefined. */
export function loadLab(): LabEnv | undefined {
  const probe = probeLab();
  return 'lab' in probe ? probe.lab : undefined;
}

/**
 * The lab, or undefined (with the reason printed) so callers can `describe.skipIf(!lab)`.
 * In CI (CI=true) a missing lab is an error: nothing that needs the lab may skip there.
 */
export function requireLab(): LabEnv | undefined {
  const probe = probeLab();
  if ('lab' in probe) return probe.lab;
  if (process.env.CI === 'true') throw new Error(`lab tests cannot run in CI: ${probe.reason}`);
  console.warn(`[lab] skipping lab tests: ${probe.reason}`);
  return undefined;
}

/** A lab user's password, from ${LAPS_LAB_DIR}/secrets/<user>. */
export function readSecret(user: LabUserKey): string {
  return readFileSync(join(labDir(), 'secrets', user), 'utf8');
}

/**
 * Gets a Kerberos TGT for a lab user into FILE:<ccachePath> with the lab's krb5.conf, the
 * password on stdin. Use the same KRB5_CONFIG and KRB5CCNAME for whatever runs next.
 */
export function kinitAs(
  user: LabUserKey,
  ccachePath: string,
  options: { readonly lifetime?: string } = {},
): Promise<void> {
  const dir = labDir();
  const sam = user === 'administrator' ? 'Administrator' : user;
  return new Promise((resolve, reject) => {
    const child = execFile(
      'kinit',
      [...(options.lifetime ? ['-l', options.lifetime] : []), `${sam}@LAB.TEST`],
      {
        env: {
          ...process.env,
          KRB5_CONFIG: join(dir, 'krb5.conf'),
          KRB5CCNAME: `FILE:${ccachePath}`,
        },
        timeout: 15_000,
      },
      (error, _stdout, stderr) => {
        if (error)
          reject(new Error(`kinit ${sam}@LAB.TEST failed: ${stderr.trim() || error.message}`));
        else resolve();
      },
    );
    child.stdin?.end(`${readSecret(user)}\n`);
  });
}

/** A synchronous TCP probe (a short-lived node child) so that loadLab() can stay synchronous. */
function tcpAccepts(host: string, port: number, timeoutMs: number): boolean {
  const script = `const s=require('node:net').connect({host:${JSON.stringify(host)},port:${port}});s.setTimeout(${timeoutMs},()=>process.exit(1));s.on('connect',()=>{s.destroy();process.exit(0)});s.on('error',()=>process.exit(1));`;
  const result = spawnSync(process.execPath, ['-e', script], {
    timeout: timeoutMs + 2000,
    stdio: 'ignore',
  });
  return result.status === 0;
}
