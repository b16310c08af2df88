import { AccessDeniedError, NoLapsPasswordError } from '../errors/laps-error.js';
import { LAPS_ATTRIBUTES } from '../laps/attributes.js';
import {
  readLapsState,
  type ComputerLapsState,
  type LapsPasswordRecord,
} from '../laps/laps-state.js';
import { findComputer } from './computers.js';
import type { DirectorySession } from './session.js';

const READ_ATTRIBUTES = [
  LAPS_ATTRIBUTES.password,
  LAPS_ATTRIBUTES.expiration,
  LAPS_ATTRIBUTES.encryptedPassword,
  LAPS_ATTRIBUTES.legacyPassword,
  LAPS_ATTRIBUTES.legacyExpiration,
];

/** Everything the reader may see of a computer's LAPS passwords (nothing is decrypted here). */
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
  return readLapsState(entry);
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
