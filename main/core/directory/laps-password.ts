import { AccessDeniedError, NoLapsPasswordError } from '../errors/laps-error.js';
import { LAPS_ATTRIBUTES } from '../laps/attributes.js';
import {
  readLapsState,
  type ComputerLapsState,
  type LapsPasswordRecord,
} from '../laps/laps-state.js';
import { findComputer } from './computers.js';
import { resolveSidNames } from './sid-names.js';
import type { DirectorySession } from './session.js';

const READ_ATTRIBUTES = [
  LAPS_ATTRIBUTES.password,
  LAPS_ATTRIBUTES.expiration,
  LAPS_ATTRIBUTES.encryptedPassword,
  LAPS_ATTRIBUTES.encryptedPasswordHistory,
  LAPS_ATTRIBUTES.encryptedDsrmPassword,
  LAPS_ATTRIBUTES.encryptedDsrmPasswordHistory,
  LAPS_ATTRIBUTES.legacyPassword,
  LAPS_ATTRIBUTES.legacyExpiration,
];

/**
 * Everything the reader may see of a computer's LAPS passwords, with the authorized decryptors
 * of encrypted ones named (nothing is decrypted here).
 */
export async function readComputerLaps(
  session: DirectorySession,
  name: string,
  options: { base?: string; signal?: AbortSignal } = {},
): Promise<ComputerLapsState> {
  const entry = await findComputer(session, name, {
    ...options,
    attributes: READ_ATTRIBUTES,
    action: `read the LAPS password of ${name}`,
  });
  return nameDecryptors(session, readLapsState(entry));
}

async function nameDecryptors(
  session: DirectorySession,
  state: ComputerLapsState,
): Promise<ComputerLapsState> {
  const sids = [
    ...state.records.flatMap((record) =>
      record.encryption ? [record.encryption.authorizedSid] : [],
    ),
    ...(state.dsrm ? [state.dsrm.authorizedSid] : []),
  ];
  if (sids.length === 0) return state;
  const names = await resolveSidNames(session, sids);
  return {
    ...state,
    records: state.records.map((record) =>
      record.encryption
        ? {
            ...record,
            encryption: {
              ...record.encryption,
              authorizedName: names.get(record.encryption.authorizedSid) ?? null,
            },
          }
        : record,
    ),
    dsrm: state.dsrm
      ? { ...state.dsrm, authorizedName: names.get(state.dsrm.authorizedSid) ?? null }
      : null,
  };
}

/**
 * The password to show for a computer: the best readable one. Tells "no LAPS password here"
 * apart from "there is one, but you may not read it".
 */
export function primaryPassword(state: ComputerLapsState): LapsPasswordRecord {
  const [best] = state.records;
  if (best) return best;
  const [hidden] = state.hiddenSources;
  if (hidden === 'windows-laps') {
    throw new AccessDeniedError(
      `${state.computer.name} has a Windows LAPS password that you may not read: reading it needs "Read property" and "Control access" on msLAPS-Password (or msLAPS-EncryptedPassword), as Set-LapsADReadPasswordPermission grants on the computer's OU; ask a directory admin.`,
    );
  }
  if (hidden === 'legacy') {
    throw new AccessDeniedError(
      `${state.computer.name} has a legacy LAPS password that you may not read: reading it needs "Read property" and "Control access" on ms-Mcs-AdmPwd, as Set-AdmPwdReadPasswordPermission grants on the computer's OU; ask a directory admin.`,
    );
  }
  throw new NoLapsPasswordError(state.computer.name);
}
