import type { Entry } from 'ldapts';
import { decryptLapsBlob, splitLapsEncryptedValue } from '../dpapi-ng/laps.js';
import { parseDpapiNgBlob } from '../dpapi-ng/blob.js';
import { PublicKeyOnlyError, type GroupKeySource } from '../dpapi-ng/key-source.js';
import {
  AccessDeniedError,
  MalformedDataError,
  NoLapsPasswordError,
  NotAuthorizedToDecryptError,
} from '../errors/laps-error.js';
import { LAPS_ATTRIBUTES } from '../laps/attributes.js';
import type { DecryptedLaps } from '../laps/decrypted.js';
import { allBytes, readLapsState } from '../laps/laps-state.js';
import type { LapsPasswordPayload } from '../laps/password-json.js';
import { findComputer } from './computers.js';
import type { DirectorySession } from './session.js';
import { resolveSidNames } from './sid-names.js';

export type DecryptWhat = 'password' | 'dsrm';

const ATTRIBUTES = {
  password: {
    current: LAPS_ATTRIBUTES.encryptedPassword,
    history: LAPS_ATTRIBUTES.encryptedPasswordHistory,
  },
  dsrm: {
    current: LAPS_ATTRIBUTES.encryptedDsrmPassword,
    history: LAPS_ATTRIBUTES.encryptedDsrmPasswordHistory,
  },
} as const;

/**
 * Reads and decrypts a computer's encrypted Windows LAPS password (or a DC's DSRM password) and,
 * when asked, every value of its history, newest first. Group keys come from `keys`, whose
 * cache makes a history cost one GetKey per key group.
 */
export async function decryptComputerLaps(
  session: DirectorySession,
  dn: string,
  what: DecryptWhat,
  options: { readonly history: boolean; readonly keys: GroupKeySource; readonly base?: string },
): Promise<DecryptedLaps> {
  const names = ATTRIBUTES[what];
  const entry = await findComputer(session, dn, {
    ...(options.base !== undefined ? { base: options.base } : {}),
    attributes: [
      names.current,
      ...(options.history ? [names.history] : []),
      LAPS_ATTRIBUTES.expiration,
    ],
    action: `read the encrypted ${what === 'dsrm' ? 'DSRM ' : ''}LAPS password of ${dn}`,
  });
  const [current] = allBytes(entry, names.current);
  if (current === undefined) throw missing(entry, what);
  const name = readLapsState(entry).computer.name;
  const values = [
    { value: current, attribute: names.current },
    ...(options.history ? allBytes(entry, names.history) : []).map((value) => ({
      value,
      attribute: names.history,
    })),
  ];
  try {
    // The current value first: its newer key, once cached, serves the older ones.
    const [first, ...history] = await Promise.all(
      values.map(({ value, attribute }) =>
        decryptValue(value, options.keys, `${attribute} on ${name}`),
      ),
    );
    if (!first) throw new Error('unreachable: the current value is always decrypted');
    // The history attribute's values come in no guaranteed order: newest first by their own time.
    return { current: first, history: history.sort(byNewest) };
  } catch (error) {
    if (!(error instanceof PublicKeyOnlyError)) throw error;
    throw await withDecryptorName(session, current, what, name, error);
  }
}

async function decryptValue(
  value: Uint8Array,
  keys: GroupKeySource,
  where: string,
): Promise<LapsPasswordPayload> {
  try {
    return await decryptLapsBlob(splitLapsEncryptedValue(value).blob, keys);
  } catch (error) {
    if (error instanceof MalformedDataError)
      throw new MalformedDataError(`${where} is malformed: ${error.message}`, { cause: error });
    throw error;
  }
}

function byNewest(a: LapsPasswordPayload, b: LapsPasswordPayload): number {
  const time = (payload: LapsPasswordPayload): number =>
    payload.updated.kind === 'never' ? Infinity : payload.updated.date.getTime();
  return time(b) - time(a);
}

function missing(entry: Entry, what: DecryptWhat): Error {
  const state = readLapsState(entry);
  const name = state.computer.name;
  if (what === 'dsrm') {
    return state.isDomainController
      ? new AccessDeniedError(
          `${name} shows no DSRM password to you: either it has not backed one up (check the LAPS policy's BackupDirectory and ADBackupDSRMPassword), or you may not read msLAPS-EncryptedDSRMPassword; ask a directory admin.`,
        )
      : new NoLapsPasswordError(`${name} (not a domain controller, so it has no DSRM password)`);
  }
  if (state.windowsLapsExpires !== null) {
    return new AccessDeniedError(
      `${name} has a Windows LAPS password but shows you no encrypted one: either it is stored in clear text (lapsctl get shows it), or you may not read msLAPS-EncryptedPassword; ask a directory admin.`,
    );
  }
  return new NoLapsPasswordError(name);
}

/** Names the group the password is encrypted to, so the reader knows whom to ask. */
async function withDecryptorName(
  session: DirectorySession,
  value: Uint8Array,
  what: DecryptWhat,
  computer: string,
  cause: PublicKeyOnlyError,
): Promise<NotAuthorizedToDecryptError> {
  const sid = parseDpapiNgBlob(splitLapsEncryptedValue(value).blob).protectionSid;
  const group = (await resolveSidNames(session, [sid])).get(sid);
  return new NotAuthorizedToDecryptError(
    `You may not decrypt the ${what === 'dsrm' ? 'DSRM password' : 'LAPS password'} of ${computer}: it is encrypted to ${group ? `${group} (${sid})` : sid}, and this account is not a member (the key service gave it only the public key); ask a directory admin to add it to that group.`,
    { cause },
  );
}
