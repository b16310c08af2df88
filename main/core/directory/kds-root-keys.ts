import type { Entry } from 'ldapts';
import { AccessDeniedError, MalformedDataError } from '../errors/laps-error.js';
import type { KdsRootKey } from '../dpapi-ng/decrypt.js';
import { classifyDirectoryError } from './directory-errors.js';
import type { DirectorySession } from './session.js';

/** The msKds-ProvRootKey attributes whose values are bytes. */
export const ROOT_KEY_BINARY_ATTRIBUTES = [
  'msKds-RootKeyData',
  'msKds-KDFParam',
  'msKds-SecretAgreementParam',
] as const;

/** The msKds-ProvRootKey attributes readKdsRootKeys() reads: a KdsRootKey and its creation time. */
export const ROOT_KEY_ATTRIBUTES = [
  'cn',
  'msKds-Version',
  'msKds-KDFAlgorithmID',
  'msKds-SecretAgreementAlgorithmID',
  'msKds-PrivateKeyLength',
  'msKds-PublicKeyLength',
  'msKds-CreateTime',
  ...ROOT_KEY_BINARY_ATTRIBUTES,
] as const;

/**
 * The forest's KDS root keys (msKds-ProvRootKey under CN=Master Root Keys), newest first. Their
 * secret, msKds-RootKeyData, is readable by Domain and Enterprise Admins only: a reader who sees
 * the objects but not the secret gets "access denied", never a key that cannot work.
 */
export async function readKdsRootKeys(session: DirectorySession): Promise<KdsRootKey[]> {
  const { configurationNamingContext } = await session.rootDse();
  const base = `CN=Master Root Keys,CN=Group Key Distribution Service,CN=Services,${configurationNamingContext}`;
  const action = 'read the KDS root keys';
  let entries: Entry[];
  try {
    ({ searchEntries: entries } = await session.client.search(base, {
      scope: 'one',
      filter: '(objectClass=msKds-ProvRootKey)',
      attributes: [...ROOT_KEY_ATTRIBUTES],
      explicitBufferAttributes: [...ROOT_KEY_BINARY_ATTRIBUTES],
    }));
  } catch (error) {
    throw classifyDirectoryError(error, { server: session.server, action });
  }
  const denied = new AccessDeniedError(
    `${session.server} shows no KDS root key secret (msKds-RootKeyData) to this account: only Domain Admins and Enterprise Admins may read it; sign in as one, or decrypt through the key service instead.`,
  );
  if (entries.length === 0) {
    throw new AccessDeniedError(
      `${session.server} shows this account no KDS root key: only Domain Admins and Enterprise Admins may read them (or the forest has none yet: Add-KdsRootKey makes one); sign in as one of them.`,
    );
  }
  const keys = entries.map((entry) => {
    const key = rootKeyFromEntry(entry);
    if (key.rootKeyData.length === 0) throw denied;
    return key;
  });
  return keys.sort((a, b) =>
    a.createTime === b.createTime ? 0 : a.createTime > b.createTime ? -1 : 1,
  );
}

function rootKeyFromEntry(entry: Entry): KdsRootKey & { readonly createTime: bigint } {
  const first = (name: string): Buffer | string | undefined => {
    const value = entry[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const text = (name: string): string => {
    const value = first(name);
    return typeof value === 'string' ? value : (value?.toString('utf8') ?? '');
  };
  const bytes = (name: string): Buffer => {
    const value = first(name);
    return typeof value === 'string' ? Buffer.from(value, 'utf8') : (value ?? Buffer.alloc(0));
  };
  const integer = (name: string): number => {
    const value = Number(text(name));
    if (!Number.isInteger(value))
      throw new MalformedDataError(`The KDS root key ${entry.dn} has no valid ${name}.`);
    return value;
  };
  return {
    id: text('cn').toLowerCase(),
    version: integer('msKds-Version'),
    rootKeyData: bytes('msKds-RootKeyData'),
    kdfAlgorithm: text('msKds-KDFAlgorithmID'),
    kdfParameters: bytes('msKds-KDFParam'),
    secretAgreementAlgorithm: text('msKds-SecretAgreementAlgorithmID'),
    secretAgreementParameters: bytes('msKds-SecretAgreementParam'),
    privateKeyLength: integer('msKds-PrivateKeyLength'),
    publicKeyLength: integer('msKds-PublicKeyLength'),
    createTime: /^\d+$/.test(text('msKds-CreateTime')) ? BigInt(text('msKds-CreateTime')) : 0n,
  };
}
