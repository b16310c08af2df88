import { createHash, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  ConfidentialClientApplication,
  type AuthenticationResult,
  type Configuration,
} from '@azure/msal-node';
import { AuthenticationError, type LapsError, UsageError } from '../errors/laps-error.js';
import type { EntraEndpoints } from './clouds.js';
import { msalNetworkClient, type HttpsTrust } from './https-transport.js';
import { createTokenCachePlugin, type TokenCacheStore } from './token-cache.js';

/** Hands out Graph access tokens for the scopes a call needs, signing in or consenting as needed. */
export interface TokenSource {
  accessToken(scopes: readonly string[]): Promise<string>;
  /** Who signed in, for the audit log: the user's UPN, or "app:<client id>". */
  readonly identity: () => string;
}

export interface DeviceCodePrompt {
  readonly userCode: string;
  readonly verificationUri: string;
  /** Entra's own sentence, to show as it is. */
  readonly message: string;
}

/** What every Entra client of ours is built from. */
export interface EntraClientOptions {
  readonly endpoints: EntraEndpoints;
  readonly clientId: string;
  readonly cacheStore?: TokenCacheStore;
  readonly trust?: HttpsTrust;
}

/** The last transport failure of a client, kept because MSAL flattens it into a string. */
export interface TransportFailure {
  error: LapsError | null;
}

/** Read through a call: TypeScript would otherwise take it for the null set before the try. */
export function transportFailureOf(failure: TransportFailure): LapsError | null {
  return failure.error;
}

export function msalConfig(options: EntraClientOptions, failure: TransportFailure): Configuration {
  const host = new URL(options.endpoints.authority).host;
  return {
    auth: {
      clientId: options.clientId,
      authority: options.endpoints.authority,
      // A host MSAL does not know (another cloud, or the test emulator) is trusted only when named.
      knownAuthorities: [host],
    },
    system: {
      networkClient: msalNetworkClient(options.trust ?? {}, (error) => {
        failure.error = error;
      }),
    },
    ...(options.cacheStore
      ? { cache: { cachePlugin: createTokenCachePlugin(options.cacheStore) } }
      : {}),
  };
}

/**
 * App-only sign-in with a certificate (automation): the file holds the PEM certificate and its
 * PEM private key. The app's granted roles decide what it may read; scopes asked for are ignored
 * in favour of ".default".
 */
export async function certificateTokenSource(
  options: EntraClientOptions & {
    readonly certFile: string;
    readonly appOnlyScopes: readonly string[];
  },
): Promise<TokenSource> {
  const { certificatePem, privateKeyPem } = await readCertificateFile(options.certFile);
  const certificate = new X509Certificate(certificatePem);
  const failure: TransportFailure = { error: null };
  const config = msalConfig(options, failure);
  const app = new ConfidentialClientApplication({
    ...config,
    auth: {
      ...config.auth,
      clientCertificate: {
        thumbprintSha256: createHash('sha256').update(certificate.raw).digest('hex'),
        privateKey: privateKeyPem,
        x5c: certificatePem,
      },
    },
  });
  return {
    async accessToken() {
      let result: AuthenticationResult | null;
      failure.error = null;
      try {
        result = await app.acquireTokenByClientCredential({ scopes: [...options.appOnlyScopes] });
      } catch (error) {
        throw transportFailureOf(failure) ?? signInError(error);
      }
      if (!result) throw new AuthenticationError('Entra ID returned no token for the certificate.');
      return result.accessToken;
    },
    identity: () => `app:${options.clientId}`,
  };
}

async function readCertificateFile(
  file: string,
): Promise<{ certificatePem: string; privateKeyPem: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read --client-cert ${file}: ${(error as Error).message}.`);
  }
  const certificatePem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(
    text,
  )?.[0];
  const privateKeyPem =
    /-----BEGIN (?:RSA )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA )?PRIVATE KEY-----/.exec(
      text,
    )?.[0];
  if (certificatePem === undefined || privateKeyPem === undefined)
    throw new UsageError(
      `--client-cert ${file} must hold a PEM certificate and its PEM private key (unencrypted).`,
    );
  return { certificatePem, privateKeyPem };
}

/** MSAL's errors carry AADSTS codes; the sentence names what to do. */
export function signInError(error: unknown): AuthenticationError {
  const detail = error instanceof Error ? error.message : String(error);
  const code = /AADSTS\d+/.exec(detail)?.[0];
  if (code === 'AADSTS65001')
    return new AuthenticationError(
      `Sign-in to Entra ID needs consent that has not been given (${code}): an administrator must grant the app the permission, or sign in interactively.`,
      { cause: error },
    );
  return new AuthenticationError(
    `Sign-in to Entra ID failed${code ? ` (${code})` : ''}: ${detail.split('\n')[0] ?? detail}`,
    { cause: error },
  );
}
