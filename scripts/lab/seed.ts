/**
 * Seeds the running lab DC over LDAPS (verified against the lab CA) as Administrator, and writes
 * expected.json and the lab's connection profiles. Run by seed.sh; re-running resets everything.
 *
 * Order matters: OUs, then users, then the LAPS ACLs (they name the users' SIDs), then the
 * computers, so that the computers inherit the ACEs when they are created.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { AlreadyExistsError, Attribute, Change, Client } from 'ldapts';
import { targetSecurityDescriptor } from '../../main/core/dpapi-ng/gkdi.js';
import { groupKeyEnvelope, readLabRootKey } from '../../test/fixtures/gkdi-server/group-key.js';
import type { LabExpected, LabGroup, LabUser, LabUserKey } from '../../test/lab/lab-env.js';
import { groupKeyIndex, protectLapsSecret, type LapsSecret } from './dpapi-ng-protect.js';
import {
  BASE_DN,
  BRANCH_OU_NAME,
  COMPUTER_CLASS_GUID,
  DC_OU,
  DNS_DOMAIN,
  LAB_OU,
  LAPS_ADMINS,
  LAPS_ATTRIBUTES,
  OUS,
  REALM,
  SEED_FORMAT,
  encryptedVector,
  makeDomainControllerPlan,
  makePlan,
  type EncryptedVector,
  type PlannedComputer,
} from './seed-plan.js';

const run = promisify(execFile);
const LAB_DIR = process.env.LAPS_LAB_DIR || '/var/tmp/laps-lab';
const REPO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const VECTORS =
  process.env.LAPS_LAB_VECTORS ||
  resolve(REPO_DIR, '../shared/vectors/dsinternals/laps_vectors.json');
const LDAPS_URL = 'ldaps://127.0.0.1:636';
/** The lab's GKDI server (test/fixtures/gkdi-server, started by up.sh). */
const GKDI_ENDPOINT = '127.0.0.1:49735';
const DC = { name: 'DC1', dn: `CN=DC1,${DC_OU}`, dnsHostName: `dc1.${DNS_DOMAIN}` } as const;
const CA_FILE = join(LAB_DIR, 'tls/ca.pem');
const SECRETS = join(LAB_DIR, 'secrets');
const SMB_CONF = join(LAB_DIR, 'dc/etc/smb.conf');
const SAM_LDB = join(LAB_DIR, 'dc/private/sam.ldb');
/** Samba serves each LDAP connection in order; a few connections keep it busy. */
const CONNECTIONS = 8;
/** userAccountControl NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD: the lab outlives maxPwdAge. */
const USER_UAC = '66048';

const log = (message: string): void => {
  process.stderr.write(`[lab] ${message}\n`);
};

// --- LDAP helpers -------------------------------------------------------------------------
async function connect(ca: Buffer, password: string): Promise<Client> {
  const client = new Client({ url: LDAPS_URL, tlsOptions: { ca: [ca] }, timeout: 30_000 });
  await client.bind(`Administrator@${DNS_DOMAIN}`, password);
  return client;
}

async function addIfMissing(
  client: Client,
  dn: string,
  attributes: Record<string, string | string[]>,
): Promise<boolean> {
  try {
    await client.add(dn, attributes);
    return true;
  } catch (error) {
    if (error instanceof AlreadyExistsError) return false;
    throw error;
  }
}

const replace = (type: string, values: readonly (string | Buffer)[]): Change =>
  new Change({
    operation: 'replace',
    modification: new Attribute({
      type,
      values: values.every((v) => typeof v === 'string')
        ? [...values]
        : values.map((v) => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v)),
    }),
  });

/** Runs `task` over `items` on a pool of clients, one request per client at a time. */
async function onPool<T>(
  pool: readonly Client[],
  items: readonly T[],
  task: (client: Client, item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    pool.map(async (client) => {
      for (let i = next++; i < items.length; i = next++) {
        const item = items[i];
        if (item !== undefined) await task(client, item);
      }
    }),
  );
}

function sidToString(sid: Buffer): string {
  const count = sid.readUInt8(1);
  const authority = sid.readUIntBE(2, 6);
  const subs = Array.from({ length: count }, (_, i) => sid.readUInt32LE(8 + 4 * i));
  return `S-${sid.readUInt8(0)}-${authority}${subs.map((s) => `-${s}`).join('')}`;
}

function guidToString(guid: Buffer): string {
  const hex = (b: Buffer): string => b.toString('hex');
  const le = (start: number, end: number): string =>
    hex(Buffer.from(guid.subarray(start, end)).reverse());
  return `${le(0, 4)}-${le(4, 6)}-${le(6, 8)}-${hex(guid.subarray(8, 10))}-${hex(guid.subarray(10, 16))}`;
}

const single = (value: unknown): unknown => (Array.isArray(value) ? value[0] : value);

// --- secrets ------------------------------------------------------------------------------
/** 20 random alphanumerics and a tail that meets Samba's complexity rule. */
function randomUserPassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = randomBytes(20);
  return `${Array.from(bytes, (b) => alphabet.charAt(b % alphabet.length)).join('')}-Lab7`;
}

async function secret(name: string, create: boolean): Promise<string> {
  const file = join(SECRETS, name);
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (!create || (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const value = randomUserPassword();
  await writeFile(file, value, { mode: 0o600 });
  return value;
}

async function writeAtomically(file: string, text: string, mode: number): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode });
  await chmod(tmp, mode);
  await rename(tmp, file);
}

// --- steps --------------------------------------------------------------------------------
async function ensureOus(client: Client): Promise<void> {
  await addIfMissing(client, LAB_OU, { objectClass: 'organizationalUnit', ou: 'Lab' });
  const children: [string, string][] = [
    [OUS.workstations, 'Workstations'],
    [OUS.servers, 'Servers'],
    [OUS.kiosks, 'Kiosks'],
    [OUS.branch, BRANCH_OU_NAME],
  ];
  await Promise.all(
    children.map(([dn, ou]) => addIfMissing(client, dn, { objectClass: 'organizationalUnit', ou })),
  );
}

const USER_KEYS = ['helpdesk', 'resetter', 'nobody', 'lapsadmin'] as const;

/** Creates the lab users or resets them (password from secrets/, enabled, never expiring). */
async function ensureUsers(client: Client): Promise<Record<LabUserKey, LabUser>> {
  const users = {} as Record<LabUserKey, LabUser>;
  const user = (sam: string, key: LabUserKey): LabUser => ({
    upn: `${sam}@${DNS_DOMAIN}`,
    samAccountName: sam,
    passwordFile: join(SECRETS, key),
    dn: `CN=${sam},CN=Users,${BASE_DN}`,
  });
  users.administrator = user('Administrator', 'administrator');
  // The built-in Administrator keeps its provisioned password; only its expiry is lifted.
  await client.modify(users.administrator.dn, [replace('userAccountControl', [USER_UAC])]);
  await Promise.all(
    USER_KEYS.map(async (key) => {
      const u = user(key, key);
      users[key] = u;
      // unicodePwd is the password in double quotes, UTF-16LE; AD accepts it only over TLS.
      const unicodePwd = Buffer.from(`"${await secret(key, true)}"`, 'utf16le');
      try {
        await client.add(u.dn, [
          new Attribute({
            type: 'objectClass',
            values: ['top', 'person', 'organizationalPerson', 'user'],
          }),
          new Attribute({ type: 'sAMAccountName', values: [u.samAccountName] }),
          new Attribute({ type: 'userPrincipalName', values: [u.upn] }),
          new Attribute({ type: 'unicodePwd', values: [unicodePwd] }),
          new Attribute({ type: 'userAccountControl', values: [USER_UAC] }),
        ]);
      } catch (error) {
        if (!(error instanceof AlreadyExistsError)) throw error;
        await client.modify(u.dn, [
          replace('userPrincipalName', [u.upn]),
          replace('unicodePwd', [unicodePwd]),
          replace('userAccountControl', [USER_UAC]),
        ]);
      }
    }),
  );
  return users;
}

async function schemaGuids(client: Client): Promise<Record<string, string>> {
  const { searchEntries } = await client.search(`CN=Schema,CN=Configuration,${BASE_DN}`, {
    scope: 'one',
    filter: `(|${LAPS_ATTRIBUTES.map((a) => `(lDAPDisplayName=${a})`).join('')})`,
    attributes: ['lDAPDisplayName', 'schemaIDGUID'],
    explicitBufferAttributes: ['schemaIDGUID'],
  });
  const guids: Record<string, string> = {};
  for (const entry of searchEntries) {
    guids[String(single(entry.lDAPDisplayName))] = guidToString(
      single(entry.schemaIDGUID) as Buffer,
    );
  }
  for (const a of LAPS_ATTRIBUTES) {
    if (!guids[a]) throw new Error(`the LAPS schema has no ${a}: run 'npm run lab:up'`);
  }
  return guids;
}

async function objectSid(client: Client, dn: string): Promise<string> {
  const { searchEntries } = await client.search(dn, {
    scope: 'base',
    attributes: ['objectSid'],
    explicitBufferAttributes: ['objectSid'],
  });
  return sidToString(single(searchEntries[0]?.objectSid) as Buffer);
}

/**
 * The ACEs Microsoft's cmdlets write: inherit-only (CIIO) object ACEs that apply to computer
 * objects (inherited object type = the computer class) and name one attribute each.
 * - Set-LapsADReadPasswordPermission + Set-AdmPwdReadPasswordPermission: ReadProperty and
 *   ControlAccess (RPCR: a confidential attribute needs both) on the password attributes;
 * - Set-LapsADResetPasswordPermission + Set-AdmPwdResetPasswordPermission: ReadProperty and
 *   WriteProperty (RPWP) on the expiration times.
 */
function lapsAces(
  guids: Record<string, string>,
  helpdeskSid: string,
  resetterSid: string,
  lapsAdminSid: string,
): { helpdesk: string[]; resetter: string[]; lapsAdmin: string[] } {
  const ace = (rights: string, attribute: string, sid: string): string =>
    `(OA;CIIO;${rights};${guids[attribute] ?? ''};${COMPUTER_CLASS_GUID};${sid})`;
  return {
    // Set-LapsADReadPasswordPermission (which covers the DSRM attributes too) and
    // Set-AdmPwdReadPasswordPermission.
    lapsAdmin: [
      'msLAPS-Password',
      'msLAPS-EncryptedPassword',
      'msLAPS-EncryptedPasswordHistory',
      'msLAPS-EncryptedDSRMPassword',
      'msLAPS-EncryptedDSRMPasswordHistory',
      'ms-Mcs-AdmPwd',
    ].map((a) => ace('RPCR', a, lapsAdminSid)),
    helpdesk: [
      'msLAPS-Password',
      'msLAPS-EncryptedPassword',
      'msLAPS-EncryptedPasswordHistory',
      'ms-Mcs-AdmPwd',
    ].map((a) => ace('RPCR', a, helpdeskSid)),
    resetter: ['msLAPS-PasswordExpirationTime', 'ms-Mcs-AdmPwdExpirationTime'].map((a) =>
      ace('RPWP', a, resetterSid),
    ),
  };
}

/** samba-tool dsacl set adds each ACE unless it is already there, so this is idempotent. */
async function setAcl(objectDn: string, aces: readonly string[]): Promise<void> {
  await run('samba-tool', [
    'dsacl',
    'set',
    '-H',
    SAM_LDB,
    '-s',
    SMB_CONF,
    `--objectdn=${objectDn}`,
    `--sddl=${aces.join('')}`,
  ]);
}

/**
 * The LAPS Admins global security group with exactly Administrator and lapsadmin as members
 * (a reseed drops anyone a test added, helpdesk above all).
 */
async function ensureLapsAdmins(
  client: Client,
  users: Record<LabUserKey, LabUser>,
): Promise<LabGroup> {
  const members: LabUserKey[] = ['administrator', 'lapsadmin'];
  const memberDns = members.map((key) => users[key].dn);
  const created = await addIfMissing(client, LAPS_ADMINS.dn, {
    objectClass: ['top', 'group'],
    sAMAccountName: LAPS_ADMINS.name,
    // GROUP_TYPE_ACCOUNT_GROUP | GROUP_TYPE_SECURITY_ENABLED: a global security group.
    groupType: String(0x8000_0002 - 2 ** 32),
    member: memberDns,
  });
  if (!created) await client.modify(LAPS_ADMINS.dn, [replace('member', memberDns)]);
  return { ...LAPS_ADMINS, sid: await objectSid(client, LAPS_ADMINS.dn), members };
}

/**
 * Encrypts values to `sid` as a Windows device does: the public-only group key envelope of the
 * value's own key interval (from the lab's real KDS root key, as the lab GKDI server would hand it
 * to the device), an ephemeral DH key, and so on. Envelopes are cached per interval.
 */
async function makeProtector(
  adminPassword: string,
  sid: string,
): Promise<(secret: LapsSecret) => Buffer> {
  const rootKey = await readLabRootKey({
    url: LDAPS_URL,
    baseDn: BASE_DN,
    caFile: CA_FILE,
    bindDn: `CN=Administrator,CN=Users,${BASE_DN}`,
    password: adminPassword,
  });
  const targetSd = targetSecurityDescriptor(sid);
  const envelopes = new Map<string, Uint8Array>();
  return (secret) => {
    const index = groupKeyIndex(secret.updated);
    const key = `${index.l0}/${index.l1}/${index.l2}`;
    let envelope = envelopes.get(key);
    if (envelope === undefined) {
      envelope = groupKeyEnvelope({
        rootKey,
        targetSd,
        ...index,
        domain: DNS_DOMAIN,
        forest: DNS_DOMAIN,
        withPrivateKey: false,
      });
      envelopes.set(key, envelope);
    }
    return protectLapsSecret(envelope, sid, secret);
  };
}

/** Adds missing computers, resets existing ones, and removes strays from the lab containers. */
async function applyComputers(
  client: Client,
  pool: readonly Client[],
  plan: readonly PlannedComputer[],
): Promise<{ added: number; reset: number; removed: number }> {
  const existing = new Map<string, string>(); // lowercase sAMAccountName -> DN
  for (const base of [LAB_OU, OUS.computers]) {
    const { searchEntries } = await client.search(base, {
      scope: base === LAB_OU ? 'sub' : 'one',
      filter: '(objectClass=computer)',
      attributes: ['sAMAccountName'],
      paged: { pageSize: 500 },
    });
    for (const e of searchEntries)
      existing.set(String(single(e.sAMAccountName)).toLowerCase(), e.dn);
  }
  const planned = new Set(plan.map((c) => c.expected.samAccountName.toLowerCase()));
  const strays = [...existing].filter(([sam]) => !planned.has(sam)).map(([, dn]) => dn);
  // A computer a test moved or renamed is deleted and made again where the plan puts it.
  const misplaced = plan
    .map((c) => existing.get(c.expected.samAccountName.toLowerCase()))
    .filter((dn, i): dn is string => {
      const want = plan[i]?.expected.dn.toLowerCase();
      return dn !== undefined && dn.toLowerCase() !== want;
    });
  await onPool(pool, [...strays, ...misplaced], (c, dn) => c.del(dn));
  const keep = new Set(
    plan
      .filter((c) => {
        const dn = existing.get(c.expected.samAccountName.toLowerCase());
        return dn !== undefined && dn.toLowerCase() === c.expected.dn.toLowerCase();
      })
      .map((c) => c.expected.samAccountName),
  );

  await onPool(pool, plan, async (c, computer) => {
    const e = computer.expected;
    if (keep.has(e.samAccountName)) {
      await c.modify(e.dn, [
        replace('userAccountControl', [computer.userAccountControl]),
        replace('dNSHostName', [e.dnsHostName]),
        ...LAPS_ATTRIBUTES.map((a) => replace(a, computer.laps[a] ?? [])),
      ]);
      return;
    }
    const attributes = [
      new Attribute({
        type: 'objectClass',
        values: ['top', 'person', 'organizationalPerson', 'user', 'computer'],
      }),
      new Attribute({ type: 'sAMAccountName', values: [e.samAccountName] }),
      new Attribute({ type: 'userAccountControl', values: [computer.userAccountControl] }),
      new Attribute({ type: 'dNSHostName', values: [e.dnsHostName] }),
    ];
    for (const a of LAPS_ATTRIBUTES) {
      const values = computer.laps[a];
      if (values?.length) attributes.push(replace(a, values).modification);
    }
    await c.add(e.dn, attributes);
  });
  return { added: plan.length - keep.size, reset: keep.size, removed: strays.length };
}

async function writeProfiles(users: Record<LabUserKey, LabUser>): Promise<string> {
  const configDir =
    process.env.LAPS_CONSOLE_CONFIG_DIR ||
    join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'laps-console');
  const file = join(configDir, 'profiles.json');
  let existing: { profiles?: Record<string, unknown> } = {};
  try {
    existing = JSON.parse(await readFile(file, 'utf8')) as typeof existing;
  } catch (error) {
    // A profiles.json we cannot parse is someone's work: never overwrite it.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`cannot merge the lab profiles into ${file}: ${String(error)}`);
    }
  }
  const common = { server: LDAPS_URL, ca: CA_FILE, base: BASE_DN, gkdiEndpoint: GKDI_ENDPOINT };
  const simple = (u: LabUser): Record<string, string> => ({
    ...common,
    auth: 'simple',
    user: u.upn,
    passwordFile: u.passwordFile,
  });
  const profiles = {
    ...(existing.profiles ?? {}),
    lab: simple(users.administrator),
    'lab-helpdesk': simple(users.helpdesk),
    'lab-resetter': simple(users.resetter),
    'lab-nobody': simple(users.nobody),
    'lab-lapsadmin': simple(users.lapsadmin),
    'lab-kerberos': { ...common, auth: 'kerberos' },
  };
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  await writeAtomically(file, `${JSON.stringify({ ...existing, profiles }, null, 2)}\n`, 0o600);
  return file;
}

async function loadVectors(): Promise<EncryptedVector[]> {
  const list = JSON.parse(await readFile(VECTORS, 'utf8')) as {
    msLAPS_EncryptedPassword_hex?: string;
  }[];
  return list.flatMap((v) =>
    v.msLAPS_EncryptedPassword_hex ? [encryptedVector(v.msLAPS_EncryptedPassword_hex)] : [],
  );
}

async function main(): Promise<void> {
  const started = Date.now();
  const [ca, adminPassword, vectors] = await Promise.all([
    readFile(CA_FILE),
    secret('administrator', false),
    loadVectors(),
  ]);
  const pool = await Promise.all(
    Array.from({ length: CONNECTIONS }, () => connect(ca, adminPassword)),
  );
  const [client] = pool;
  if (!client) throw new Error('no LDAP connection');
  try {
    await ensureOus(client);
    const users = await ensureUsers(client);
    const [guids, helpdeskSid, resetterSid, lapsAdminSid, lapsAdmins] = await Promise.all([
      schemaGuids(client),
      objectSid(client, users.helpdesk.dn),
      objectSid(client, users.resetter.dn),
      objectSid(client, users.lapsadmin.dn),
      ensureLapsAdmins(client, users),
    ]);
    const aces = lapsAces(guids, helpdeskSid, resetterSid, lapsAdminSid);
    const lapsAdminOus = [LAB_OU, DC_OU];
    // samba-tool runs in child processes: encrypt meanwhile. The ACLs must be in place before
    // computers are added, so that those inherit them.
    const acls = Promise.all([
      setAcl(OUS.workstations, aces.helpdesk),
      setAcl(BASE_DN, aces.resetter),
      ...lapsAdminOus.map((ou) => setAcl(ou, aces.lapsAdmin)),
    ]);
    acls.catch(() => undefined); // a failure is thrown where it is awaited, below
    const now = Date.now();
    const inputs = {
      now,
      vectors,
      protect: await makeProtector(adminPassword, lapsAdmins.sid),
      authorizedSid: lapsAdmins.sid,
    };
    const plan = makePlan(inputs);
    const dcPlan = makeDomainControllerPlan(inputs);
    const encryptedValues = [...plan.map((c) => c.laps), dcPlan.laps]
      .flatMap((laps) => Object.entries(laps))
      .filter(([name]) => name.startsWith('msLAPS-Encrypted'))
      .reduce((sum, [, values]) => sum + values.length, 0);
    log(`planned, ${encryptedValues} encrypted values made in ${Date.now() - now} ms`);
    await acls;
    log(`users, LAPS Admins, ACLs ready after ${Date.now() - started} ms`);
    const [counts] = await Promise.all([
      applyComputers(client, pool, plan),
      client.modify(
        DC.dn,
        LAPS_ATTRIBUTES.map((a) => replace(a, dcPlan.laps[a] ?? [])),
      ),
    ]);
    log(
      `computers: ${counts.added} added, ${counts.reset} reset, ${counts.removed} strays removed; ${DC.name} has its DSRM password`,
    );

    const expected: LabExpected = {
      realm: REALM,
      domain: DNS_DOMAIN,
      baseDn: BASE_DN,
      ldapsUrl: LDAPS_URL,
      startTlsUrl: 'ldap://127.0.0.1:389',
      caFile: CA_FILE,
      krb5Config: join(LAB_DIR, 'krb5.conf'),
      resolvConf: join(LAB_DIR, 'resolv.conf'),
      seededAt: new Date(now).toISOString(),
      users,
      ous: OUS,
      helpdeskOu: OUS.workstations,
      lapsAdminOus,
      lapsAdmins,
      gkdiEndpoint: GKDI_ENDPOINT,
      computers: plan.map((c) => c.expected),
      domainController: {
        name: DC.name,
        samAccountName: `${DC.name}$`,
        dn: DC.dn,
        dnsHostName: DC.dnsHostName,
        dsrm: dcPlan.dsrm,
      },
    };
    await writeAtomically(
      join(LAB_DIR, 'expected.json'),
      `${JSON.stringify({ seedFormat: SEED_FORMAT, ...expected }, null, 2)}\n`,
      0o644,
    );
    const profilesFile = await writeProfiles(users);
    log(
      `wrote ${join(LAB_DIR, 'expected.json')} (${plan.length} computers) and lab profiles in ${profilesFile} (${Date.now() - started} ms)`,
    );
  } finally {
    await Promise.allSettled(pool.map((c) => c.unbind()));
  }
}

await main();
