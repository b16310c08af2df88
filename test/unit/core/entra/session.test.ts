// EntraSession against the Entra emulator: msal-node unpatched, only its URLs and the test CA.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntraSession, type EntraSessionOptions } from '../../../../main/core/entra/session.js';
import { BROWSE_SCOPES, READ_PASSWORD_SCOPES } from '../../../../main/core/entra/scopes.js';
import type { TokenCacheStore } from '../../../../main/core/entra/token-cache.js';
import { startEntraEmulator, type EntraEmulator } from '../../../fixtures/entra-emulator/index.js';
import type { UserName } from '../../../fixtures/entra-emulator/users.js';

let emulator: EntraEmulator;

beforeAll(async () => {
  // Under MSAL's 5-minute refresh margin: every silent call redeems the refresh token.
  emulator = await startEntraEmulator({ tokenLifetimeSeconds: 120 });
});
afterAll(async () => {
  await emulator.close();
});

/** Stands in for safeStorage: reversible, and visibly not the plain cache. */
function memoryStore(): TokenCacheStore & { saved: Uint8Array | null } {
  const store = {
    saved: null as Uint8Array | null,
    load: () => Promise.resolve(store.saved),
    save: (encrypted: Uint8Array) => ((store.saved = encrypted), Promise.resolve()),
    encrypt: (plaintext: string) => new Uint8Array(Buffer.from(plaintext).reverse()),
    decrypt: (encrypted: Uint8Array) => Buffer.from(encrypted).reverse().toString(),
  };
  return store;
}

/** A browser that signs in as `user` at whatever authorize URL it is sent to. */
function browserAs(user: UserName, opened: string[] = []): (url: string) => Promise<void> {
  return async (url) => {
    opened.push(url);
    await emulator.signInInteractively(url, user);
  };
}

function session(options: Partial<EntraSessionOptions> = {}): EntraSession {
  return new EntraSession({
    endpoints: { authority: emulator.authority, graphUrl: emulator.graphUrl },
    clientId: emulator.clients.publicClientId,
    trust: { caPem: emulator.caPem },
    openBrowser: () => Promise.reject(new Error('no browser in this test')),
    ...options,
  });
}

function scopesOf(accessToken: string): string[] {
  const payload = JSON.parse(
    Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString(),
  ) as { scp?: string };
  return (payload.scp ?? '').split(' ');
}

function tokenRequests(): number {
  return emulator.requests.filter(
    (r) =>
      r.method === 'POST' && new URL(r.path, 'https://x').pathname.endsWith('/oauth2/v2.0/token'),
  ).length;
}

describe('EntraSession (emulator)', () => {
  it('signs two accounts in with the browser into one persisted cache, and signs one out', async () => {
    const store = memoryStore();
    const first = session({ cacheStore: store, openBrowser: browserAs('helpdesk') });
    const helpdesk = await first.signInWithBrowser({ scopes: BROWSE_SCOPES });
    expect(helpdesk).toMatchObject({
      username: emulator.users.helpdesk.username,
      name: emulator.users.helpdesk.name,
      tenantId: emulator.tenantId,
    });
    const second = session({ cacheStore: store, openBrowser: browserAs('reader') });
    const reader = await second.signInWithBrowser({ scopes: BROWSE_SCOPES });
    expect(Buffer.from(store.saved ?? []).toString()).not.toContain('refresh_token');

    // A third session over the same store (the next app start) sees both.
    const restarted = session({ cacheStore: store });
    expect((await restarted.accounts()).map((a) => a.username).sort()).toEqual([
      emulator.users.helpdesk.username,
      emulator.users.reader.username,
    ]);
    await restarted.signOut(reader.accountId);
    expect(await session({ cacheStore: store }).accounts()).toEqual([helpdesk]);
    await expect(
      restarted.tokenSource(reader.accountId, { interaction: 'never' }).accessToken(BROWSE_SCOPES),
    ).rejects.toMatchObject({
      code: 'auth-failed',
      message: expect.stringMatching(/signed out/) as unknown,
    });
  });

  it('refreshes an expiring token silently, with no browser', async () => {
    const entra = session({ openBrowser: browserAs('helpdesk') });
    const account = await entra.signInWithBrowser({ scopes: BROWSE_SCOPES });
    const tokens = entra.tokenSource(account.accountId, { interaction: 'never' });
    const before = tokenRequests();
    const first = await tokens.accessToken(BROWSE_SCOPES);
    const second = await tokens.accessToken(BROWSE_SCOPES);
    expect(second).not.toBe(first);
    expect(tokenRequests() - before).toBe(2);
    expect(tokens.identity()).toBe(emulator.users.helpdesk.username);
  });

  it('signs in with a device code, the code shown through onPrompt', async () => {
    const prompts: string[] = [];
    const account = await session().signInWithDeviceCode({
      scopes: BROWSE_SCOPES,
      onPrompt: (prompt) => {
        prompts.push(prompt.message);
        expect(prompt.verificationUri).toBe(`${emulator.authorityHost}/devicelogin`);
        emulator.approveDeviceCode(prompt.userCode, 'reader');
      },
    });
    expect(account.username).toBe(emulator.users.reader.username);
    expect(prompts[0]).toMatch(/enter the code/);
  });

  it('says consent is missing when it may not open a browser', async () => {
    const entra = session({ openBrowser: browserAs('reader') });
    const reader = await entra.signInWithBrowser({ scopes: BROWSE_SCOPES });
    await expect(
      entra
        .tokenSource(reader.accountId, { interaction: 'never' })
        .accessToken(READ_PASSWORD_SCOPES),
    ).rejects.toMatchObject({
      code: 'auth-failed',
      message: expect.stringMatching(
        /has not consented.*sign in again with the browser/,
      ) as unknown,
    });
  });

  it('asks for the password scope interactively, for the same account, when first needed', async () => {
    const opened: string[] = [];
    const entra = session({ openBrowser: browserAs('helpdesk', opened) });
    const helpdesk = await entra.signInWithBrowser({ scopes: BROWSE_SCOPES });
    expect(emulator.users.helpdesk.consented.has('DeviceLocalCredential.Read.All')).toBe(false);
    const token = await entra
      .tokenSource(helpdesk.accountId, { interaction: 'browser' })
      .accessToken(READ_PASSWORD_SCOPES);
    expect(scopesOf(token)).toContain('DeviceLocalCredential.Read.All');
    expect(opened).toHaveLength(2);
    const [signIn, consent] = opened.map((url) => new URL(url).searchParams);
    // A new sign-in lets the user pick the account; consent brings the same one back.
    expect(signIn?.get('prompt')).toBe('select_account');
    expect(consent?.get('login_hint')).toBe(emulator.users.helpdesk.username);
    expect(consent?.get('prompt')).toBeNull();
    // Consented now: silent from here on.
    await entra
      .tokenSource(helpdesk.accountId, { interaction: 'never' })
      .accessToken(READ_PASSWORD_SCOPES);
    expect(opened).toHaveLength(2);
  });

  it('refuses a token when the browser signed in someone else', async () => {
    let user: UserName = 'reader';
    const entra = session({ openBrowser: (url) => emulator.signInInteractively(url, user) });
    const reader = await entra.signInWithBrowser({ scopes: BROWSE_SCOPES });
    user = 'helpdesk';
    await expect(
      entra
        .tokenSource(reader.accountId, { interaction: 'browser' })
        .accessToken(READ_PASSWORD_SCOPES),
    ).rejects.toMatchObject({
      code: 'auth-failed',
      message: expect.stringContaining(`not ${emulator.users.reader.username}`) as unknown,
    });
  });

  it('shows plain text on the loopback page, never what the error response carried', async () => {
    let page = '';
    const entra = session({
      openBrowser: async (url) => {
        const query = new URL(url).searchParams;
        const loopback = new URL(query.get('redirect_uri') ?? '');
        loopback.hostname = '127.0.0.1';
        const response = await fetch(loopback, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            error: 'access_denied',
            error_description: '<script>alert(1)</script>',
            state: query.get('state') ?? '',
          }).toString(),
        });
        page = await response.text();
      },
    });
    await expect(entra.signInWithBrowser({ scopes: BROWSE_SCOPES })).rejects.toMatchObject({
      code: 'auth-failed',
    });
    expect(page).toMatch(/^Sign-in to LAPS Console did not complete\./);
    expect(page).not.toContain('<');
  });

  it('cancels a browser sign-in at once and closes the loopback port', async () => {
    const controller = new AbortController();
    let redirectUri = '';
    const entra = session({
      openBrowser: (url) => {
        redirectUri = new URL(url).searchParams.get('redirect_uri') ?? '';
        setTimeout(() => controller.abort(), 10);
        return Promise.resolve();
      },
    });
    const started = Date.now();
    await expect(
      entra.signInWithBrowser({ scopes: BROWSE_SCOPES, signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(5000);
    const port = new URL(redirectUri).port;
    await expect
      .poll(() =>
        fetch(`http://127.0.0.1:${port}/`).then(
          () => 'open',
          () => 'closed',
        ),
      )
      .toBe('closed');
  });

  it('cancels a device code sign-in, and MSAL stops polling', async () => {
    const controller = new AbortController();
    const signingIn = session().signInWithDeviceCode({
      scopes: BROWSE_SCOPES,
      onPrompt: () => setTimeout(() => controller.abort(), 10),
      signal: controller.signal,
    });
    await expect(signingIn).rejects.toMatchObject({ code: 'cancelled' });
    const polls = tokenRequests();
    // The emulator asks for a poll every second: two seconds with none means MSAL stopped.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(tokenRequests() - polls).toBeLessThanOrEqual(1);
  });

  it('says to sign in again once the refresh token is revoked', async () => {
    const entra = session({ openBrowser: browserAs('helpdesk') });
    const account = await entra.signInWithBrowser({ scopes: BROWSE_SCOPES });
    emulator.revokeRefreshTokens();
    await expect(
      entra.tokenSource(account.accountId, { interaction: 'never' }).accessToken(BROWSE_SCOPES),
    ).rejects.toMatchObject({
      code: 'auth-failed',
      message: expect.stringMatching(/expired or was revoked: sign in again/) as unknown,
    });
  });
});
