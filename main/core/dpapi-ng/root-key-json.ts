import { MalformedDataError } from '../errors/laps-error.js';
import type { KdsRootKey } from './decrypt.js';
import { guidToBytes } from './gkdi.js';

/**
 * A KDS root key as one JSON object keyed by the msKds-ProvRootKey attribute names (binary
 * values in hex): the format of `lapsctl kds-export` and `lapsctl decrypt --root-key-file`, so
 * a disaster-recovery kit reads like the directory it came from.
 */
export interface RootKeyJson {
  readonly cn: string;
  readonly 'msKds-Version': number;
  readonly 'msKds-RootKeyData': string;
  readonly 'msKds-KDFAlgorithmID': string;
  readonly 'msKds-KDFParam': string;
  readonly 'msKds-SecretAgreementAlgorithmID': string;
  readonly 'msKds-SecretAgreementParam': string;
  readonly 'msKds-PrivateKeyLength': number;
  readonly 'msKds-PublicKeyLength': number;
}

export function rootKeyToJson(key: KdsRootKey): RootKeyJson {
  const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
  return {
    cn: key.id,
    'msKds-Version': key.version,
    'msKds-RootKeyData': hex(key.rootKeyData),
    'msKds-KDFAlgorithmID': key.kdfAlgorithm,
    'msKds-KDFParam': hex(key.kdfParameters),
    'msKds-SecretAgreementAlgorithmID': key.secretAgreementAlgorithm,
    'msKds-SecretAgreementParam': hex(key.secretAgreementParameters),
    'msKds-PrivateKeyLength': key.privateKeyLength,
    'msKds-PublicKeyLength': key.publicKeyLength,
  };
}

/** Checks and converts one root key object; `where` names it in the error ("key.json"). */
export function rootKeyFromJson(value: unknown, where: string): KdsRootKey {
  const bad = (what: string): MalformedDataError =>
    new MalformedDataError(`${where} is not a KDS root key: ${what}.`);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw bad('it is not a JSON object');
  const record = value as Record<string, unknown>;
  const text = (name: keyof RootKeyJson): string => {
    const field = record[name];
    if (typeof field !== 'string') throw bad(`"${name}" is not text`);
    return field;
  };
  const hex = (name: keyof RootKeyJson, mayBeEmpty: boolean): Uint8Array => {
    const field = text(name);
    if (!/^([0-9a-fA-F]{2})*$/.test(field) || (!mayBeEmpty && field === ''))
      throw bad(`"${name}" is not ${mayBeEmpty ? '' : 'non-empty '}hex`);
    return Buffer.from(field, 'hex');
  };
  const integer = (name: keyof RootKeyJson, max: number): number => {
    const field = record[name];
    // Exports by other tools write these as text, as LDAP does.
    const number = typeof field === 'string' && /^\d+$/.test(field) ? Number(field) : field;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < 0 || number > max)
      throw bad(`"${name}" is not a whole number up to ${max}`);
    return number;
  };
  const id = text('cn');
  try {
    guidToBytes(id);
  } catch {
    throw bad('"cn" is not a GUID');
  }
  return {
    id: id.toLowerCase(),
    version: integer('msKds-Version', 0xffffffff),
    rootKeyData: hex('msKds-RootKeyData', false),
    kdfAlgorithm: text('msKds-KDFAlgorithmID'),
    kdfParameters: hex('msKds-KDFParam', true),
    secretAgreementAlgorithm: text('msKds-SecretAgreementAlgorithmID'),
    secretAgreementParameters: hex('msKds-SecretAgreementParam', true),
    privateKeyLength: integer('msKds-PrivateKeyLength', 8192),
    publicKeyLength: integer('msKds-PublicKeyLength', 8192),
  };
}
