import {
  InteractionRequiredAuthError,
  PublicClientApplication,
  type AccountInfo,
  type AuthenticationResult,
  type DeviceCodeRequest,
} from '@azure/msal-node';
import { AuthenticationError, CancelledError, LapsError } from '../errors/laps-error.js';
import type { EntraEndpoints } from './clouds.js';
import type { HttpsTrust } from './https-transport.js';
import {
  msalConfig,
  signInError,
  transportFailureOf,
  type DeviceCodePrompt,
  type TokenSource,
  type TransportFailure,
} from './sign-in.js';
import type { TokenCacheStore } from './token-cache.js';

/** A signed-in account as the console and the CLI name it; never a token. */
export interface EntraAccountInfo {
  /** MSAL's homeAccountId ("<object id>.<tenant id>"): the handle for tokenSource and signOut. */
  readonly accountId: string;
  /** The UPN the user signed in with. */
  readonly username: string;
  readonly name: string | null;
  readonly tenantId: string;
}

export interface EntraSessionOptions {
  readonly endpoints: EntraEndpoints;
  readonly clientId: string;
  /**
   * Where the token cache is kept, encrypted; without one, tokens live as long as the session.
   * MSAL merges what it loads into its memory, so a store emptied behind a session's back does
   * not sign that session's accounts out: make a new session after clearing it.
   */
  readonly cacheStore?: TokenCacheStore;
  readonly trust?: HttpsTrust;
  /** Opens the system browser at MSAL's authorize URL (console: shell.openExternal; CLI: $BROWSER/xdg-open/open/start). */
  readonly openBrowser: (url: string) => Promise<void>;
}

export interface TokenSourceOptions {
  /**
   * What to do when Entra wants the user back (consent to a new scope, an expired or revoked
   * session): 'browser' signs that account in again interactively, 'never' fails with a sentence
   * saying so (scripts, and calls no one is watching).
   */
  readonly interaction: 'browser' | 'never';
  /** Cancels an interactive sign-in this source started. */
  readonly signal?: AbortSignal;
}

// What the loopback page says after the browser hands the code over. Plain text: nothing Entra
// sends back (error descriptions included) is reflected into a page on 127.0.0.1.
const SUCCESS_PAGE = 'Signed in to LAPS Console. You can close this tab and return to the app.';
const ERROR_PAGE =
  'Sign-in to LAPS Console did not complete. Close this tab; the app says what to do next.';

/**
 * The delegated (user) side of Entra sign-in for one app registration: interactive sign-in in
 * the system browser with a loopback redirect, device code as the fallback, several accounts in
 * one cache, sign-out, and tokens refreshed silently. The console keeps one for the app's
 * lifetime with a persisted cache; the CLI makes one per run, in memory.
 */
export class EntraSession {
  private readonly app: PublicClientApplication;
  private readonly failure: TransportFailure = { error: null };

  constructor(private readonly options: EntraSessionOptions) {
    this.app = new PublicClientApplication(msalConfig(options, this.failure));
  }

  /** The accounts in the (persisted) cache: everyone signed in and not signed out. */
  async accounts(): Promise<EntraAccountInfo[]> {
    return (await this.app.getTokenCache().getAllAccounts()).map(toAccountInfo);
  }

  /**
   * Signs a user in through the system browser (authorization code with PKCE; MSAL listens on
   * 127.0.0.1 for the redirect). The scopes asked for are consented on the way.
   */
  async signInWithBrowser(request: {
    readonly scopes: readonly string[];
    readonly signal?: AbortSignal;
  }): Promise<EntraAccountInfo> {
    return toAccountInfo(
      accountOf(
        await this.interactive(request.scopes, { prompt: 'select_account' }, request.signal),
      ),
    );
  }

  /** Signs a user in with a code typed at the verification page, on any device. */
  async signInWithDeviceCode(request: {
    readonly scopes: readonly string[];
    readonly onPrompt: (prompt: DeviceCodePrompt) => void;
    readonly signal?: AbortSignal;
  }): Promise<EntraAccountInfo> {
    const { signal } = request;
    if (signal?.aborted) throw new CancelledError();
    const msalRequest: DeviceCodeRequest = {
      scopes: [...request.scopes],
      deviceCodeCallback: (response) =>
        request.onPrompt({
          userCode: response.userCode,
          verificationUri: response.verificationUri,
          message: response.message,
        }),
    };
    // MSAL checks the flag before each poll; the race below answers the caller at once.
    const stopPolling = () => {
      msalRequest.cancel = true;
    };
    signal?.addEventListener('abort', stopPolling, { once: true });
    this.failure.error = null;
    try {
      const result = await raceAbort(this.app.acquireTokenByDeviceCode(msalRequest), signal);
      if (!result) throw new AuthenticationError('Entra ID returned no token for the device code.');
      return toAccountInfo(accountOf(result));
    } catch (error) {
      throw this.failureOf(error, signal);
    } finally {
      signal?.removeEventListener('abort', stopPolling);
    }
  }

  /** Removes the account and its tokens from the cache (Entra's session in the browser stays). */
  async signOut(accountId: string): Promise<void> {
    const account = await this.findAccount(accountId);
    if (account !== undefined) await this.app.getTokenCache().removeAccount(account);
  }

  /**
   * Access tokens for one signed-in account: silently from the cache or with its refresh token;
   * when Entra wants the user (consent to a new scope, a revoked session), as `interaction` says.
   */
  tokenSource(accountId: string, options: TokenSourceOptions): TokenSource {
    let username: string | null = null;
    return {
      accessToken: async (scopes) => {
        const account = await this.findAccount(accountId);
        if (account === undefined)
          throw new AuthenticationError(
            'That Entra ID account is signed out (or was removed from the token cache): sign in again.',
          );
        username = account.username;
        this.failure.error = null;
        let interactionNeeded: InteractionRequiredAuthError;
        try {
          return (await this.app.acquireTokenSilent({ account, scopes: [...scopes] })).accessToken;
        } catch (error) {
          if (!(error instanceof InteractionRequiredAuthError)) throw this.failureOf(error);
          interactionNeeded = error;
        }
        if (options.interaction === 'never') throw interactionError(interactionNeeded, account);
        const result = await this.interactive(
          scopes,
          { loginHint: account.username },
          options.signal,
        );
        if (result.account?.homeAccountId !== accountId)
          throw new AuthenticationError(
            `The browser signed in ${result.account?.username ?? 'another account'}, not ${account.username}: sign in as ${account.username} to go on (or switch accounts).`,
          );
        return result.accessToken;
      },
      identity: () => username ?? 'unknown',
    };
  }

  private async findAccount(accountId: string): Promise<AccountInfo | undefined> {
    return (await this.app.getTokenCache().getAllAccounts()).find(
      (account) => account.homeAccountId === accountId,
    );
  }

  /**
   * `prompt: 'select_account'` for a new sign-in, so the browser's existing Entra session does
   * not stand in for the account being added; `loginHint` to bring a known account back.
   */
  private async interactive(
    scopes: readonly string[],
    who: { readonly prompt: 'select_account' } | { readonly loginHint: string },
    signal: AbortSignal | undefined,
  ): Promise<AuthenticationResult> {
    if (signal?.aborted) throw new CancelledError();
    let loopback: { readonly redirectUri: string; readonly state: string } | null = null;
    // MSAL waits for the redirect with no way to stop it: a cancel is delivered to its loopback
    // listener as the error response Entra would send, so it closes its port and returns.
    const cancelLoopback = () => {
      if (loopback !== null) void deliverCancel(loopback.redirectUri, loopback.state);
    };
    signal?.addEventListener('abort', cancelLoopback, { once: true });
    this.failure.error = null;
    try {
      return await raceAbort(
        this.app.acquireTokenInteractive({
          scopes: [...scopes],
          ...who,
          successTemplate: SUCCESS_PAGE,
          errorTemplate: ERROR_PAGE,
          openBrowser: async (url) => {
            if (signal?.aborted) throw new CancelledError();
            const query = new URL(url).searchParams;
            loopback = {
              redirectUri: query.get('redirect_uri') ?? '',
              state: query.get('state') ?? '',
            };
            await this.options.openBrowser(url);
          },
        }),
        signal,
      );
    } catch (error) {
      throw this.failureOf(error, signal);
    } finally {
      signal?.removeEventListener('abort', cancelLoopback);
    }
  }

  private failureOf(error: unknown, signal?: AbortSignal): LapsError {
    if (signal?.aborted || error instanceof CancelledError) return new CancelledError();
    if (error instanceof LapsError) return error;
    return transportFailureOf(this.failure) ?? signInError(error);
  }
}

function accountOf(result: AuthenticationResult): AccountInfo {
  if (result.account === null)
    throw new AuthenticationError('Entra ID signed in no account: try signing in again.');
  return result.account;
}

function toAccountInfo(account: AccountInfo): EntraAccountInfo {
  return {
    accountId: account.homeAccountId,
    username: account.username,
    name: account.name ?? null,
    tenantId: account.tenantId,
  };
}

/** Entra wants the user back; the sentence says whether for consent or a new sign-in. */
function interactionError(error: InteractionRequiredAuthError, account: AccountInfo): LapsError {
  const isConsent =
    error.errorCode === 'consent_required' ||
    error.subError === 'consent_required' ||
    /AADSTS65001/.test(error.errorMessage);
  return new AuthenticationError(
    isConsent
      ? `${account.username} has not consented to a permission this needs (AADSTS65001): sign in again with the browser to give consent, or ask an administrator to grant it.`
      : `The Entra ID sign-in of ${account.username} has expired or was revoked: sign in again.`,
    { cause: error },
  );
}

/** Settles with the operation, or rejects with CancelledError as soon as the signal fires. */
function raceAbort<T>(operation: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return operation;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new CancelledError());
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    operation.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Posts an error authorization response to MSAL's loopback listener. MSAL names it
 * http://localhost:PORT but listens on 127.0.0.1 only, so that address is used.
 */
async function deliverCancel(redirectUri: string, state: string): Promise<void> {
  try {
    const target = new URL(redirectUri);
    target.hostname = '127.0.0.1';
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ error: 'access_denied', state }).toString(),
    });
    await response.arrayBuffer();
  } catch {
    // The listener already closed: the sign-in finished or failed on its own.
  }
}
