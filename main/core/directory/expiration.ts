import { InsufficientAccessError } from 'ldapts';
import { Attribute, Change } from 'ldapts';
import { AccessDeniedError, LapsError, NoLapsPasswordError } from '../errors/laps-error.js';
import { LAPS_ATTRIBUTES } from '../laps/attributes.js';
import { dateToFileTime, fileTimeToValue, type FileTimeValue } from '../laps/filetime.js';
import { readComputerIdentity, readLapsState, type ComputerIdentity } from '../laps/laps-state.js';
import { findComputer } from './computers.js';
import { classifyDirectoryError } from './directory-errors.js';
import type { DirectorySession } from './session.js';

export interface ExpirationResult {
  readonly computer: ComputerIdentity;
  /** The expiration read back after the write (the earliest of the flavours present). */
  readonly expires: FileTimeValue;
  readonly flavours: readonly ('windows-laps' | 'legacy')[];
}

const EXPIRATION_ATTRIBUTES = [LAPS_ATTRIBUTES.expiration, LAPS_ATTRIBUTES.legacyExpiration];

/**
 * Sets when the device must rotate its password, on every LAPS flavour the computer has, in one
 * modify (both or neither), then reads the value back to confirm the DC stored it.
 * The expiration attributes are not confidential, so a resetter who cannot read passwords
 * still sees which flavours are present.
 */
export async function setPasswordExpiration(
  session: DirectorySession,
  name: string,
  when: Date,
  options: { base?: string; signal?: AbortSignal } = {},
): Promise<ExpirationResult> {
  const action = `change the LAPS password expiration of ${name}`;
  const entry = await findComputer(session, name, {
    ...options,
    attributes: EXPIRATION_ATTRIBUTES,
    action,
  });
  const state = readLapsState(entry);
  const flavours: ('windows-laps' | 'legacy')[] = [];
  if (state.windowsLapsExpires !== null) flavours.push('windows-laps');
  if (state.legacyExpires !== null) flavours.push('legacy');
  if (flavours.length === 0) throw new NoLapsPasswordError(state.computer.name);

  const fileTime = dateToFileTime(when).toString(10);
  const changes = flavours.map(
    (flavour) =>
      new Change({
        operation: 'replace',
        modification: new Attribute({
          type:
            flavour === 'windows-laps'
              ? LAPS_ATTRIBUTES.expiration
              : LAPS_ATTRIBUTES.legacyExpiration,
          values: [fileTime],
        }),
      }),
  );
  try {
    await session.client.modify(entry.dn, changes);
  } catch (error) {
    if (error instanceof InsufficientAccessError) {
      const attributes = flavours
        .map((flavour) =>
          flavour === 'windows-laps'
            ? LAPS_ATTRIBUTES.expiration
            : LAPS_ATTRIBUTES.legacyExpiration,
        )
        .join(' and ');
      throw new AccessDeniedError(
        `You may not change when ${state.computer.name}'s LAPS password expires: that needs "Write property" on ${attributes}, as Set-LapsADResetPasswordPermission grants on the computer's OU; ask a directory admin.`,
        { cause: error },
      );
    }
    throw classifyDirectoryError(error, { server: session.server, action });
  }

  const after = readLapsState(
    await findComputer(session, entry.dn, { attributes: EXPIRATION_ATTRIBUTES, action }),
  );
  const stored = [after.windowsLapsExpires, after.legacyExpires].filter(
    (value): value is FileTimeValue => value !== null,
  );
  const expected = fileTimeToValue(BigInt(fileTime));
  if (
    stored.length !== flavours.length ||
    !stored.every((value) => sameFileTime(value, expected))
  ) {
    throw new LapsError(
      'unexpected',
      `${session.server} accepted the new expiration for ${state.computer.name} but reads back another value: check replication, then try again.`,
    );
  }
  return { computer: readComputerIdentity(entry), expires: expected, flavours };
}

function sameFileTime(a: FileTimeValue, b: FileTimeValue): boolean {
  if (a.kind === 'never' || b.kind === 'never') return a.kind === b.kind;
  return a.date.getTime() === b.date.getTime();
}
