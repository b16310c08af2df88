import {
  AccessDeniedError,
  AuthenticationError,
  LapsError,
  NotFoundError,
  toLapsError,
} from '../errors/laps-error.js';

/** What a Graph call needed, named in the error a user sees when it is refused. */
export interface Needed {
  /** The delegated permission (scope). */
  readonly scope: string;
  /** The app permission (role) an app-only sign-in needs instead. */
  readonly role: string;
  /** The Entra role a signed-in user needs besides the scope, when there is one. */
  readonly directoryRole?: string;
}

export interface GraphFailure {
  readonly status: number;
  readonly code: string | null;
  readonly message: string;
}

/**
 * Maps a refused Graph call to a LapsError that says which permission or role is missing:
 * a 403 names the scope (delegated) or the role (app-only), and the directory role the user
 * needs for LAPS passwords; 401 is a sign-in problem; 404 a device that is not there.
 */
export function graphErrorToLapsError(
  failure: GraphFailure,
  needed: Needed,
  what: string,
  cause: unknown,
  /** The device name or id asked for, for a 404. */
  subject?: string,
): LapsError {
  if (failure.status === 403)
    return new AccessDeniedError(
      `Microsoft Graph refused to ${what} (${failure.code ?? 'HTTP 403'}): it needs the ${needed.scope} permission (app-only: the ${needed.role} application permission)${needed.directoryRole ? `, and a signed-in user needs the ${needed.directoryRole} role or a custom role with that right` : ''}; ask an Entra administrator.`,
      { cause },
    );
  if (failure.status === 401)
    return new AuthenticationError(
      `Microsoft Graph did not accept the sign-in (${failure.code ?? 'HTTP 401'}): sign in again.`,
      { cause },
    );
  if (failure.status === 404 && subject !== undefined) return new NotFoundError(subject);
  return toLapsError(
    Object.assign(new Error(`HTTP ${failure.status} ${failure.code ?? ''} ${failure.message}`), {
      cause,
    }),
  );
}
