import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors/laps-error.js';
import type { ConnectionProfile } from '../profiles/profile.js';
import { findCurrentDomain, findDomainControllers } from './discovery.js';
import { DirectorySession, type BindCredentials } from './session.js';
import { parseServerUrl } from './target.js';
import { loadTrustAnchors } from './trust.js';

export interface ConnectOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
}

/**
 * Opens a session as a profile says: the given server or the domain's DCs from DNS, verified TLS,
 * and the profile's sign-in. The password is read at this moment and kept nowhere.
 */
export async function connectWithProfile(
  profile: ConnectionProfile,
  options: ConnectOptions = {},
): Promise<DirectorySession> {
  const env = options.env ?? process.env;
  const credentials = await resolveCredentials(profile, env);
  const targets =
    profile.server !== undefined
      ? [parseServerUrl(profile.server)]
      : await findDomainControllers(profile.domain ?? (await findCurrentDomain(env)));
  const trustAnchors = await loadTrustAnchors(profile.ca);
  return DirectorySession.open(targets, {
    credentials,
    trustAnchors,
    ...(profile.timeoutMs !== undefined ? { connectTimeoutMs: profile.timeoutMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

async function resolveCredentials(
  profile: ConnectionProfile,
  env: NodeJS.ProcessEnv,
): Promise<BindCredentials> {
  if (profile.auth === 'kerberos') {
    if (profile.passwordFile !== undefined || profile.passwordEnv !== undefined) {
      throw new UsageError(
        'Kerberos signs in with your ticket, not a password: drop --password-file/--password-env, or use --auth simple.',
      );
    }
    return { kind: 'kerberos' };
  }
  if (profile.user === undefined)
    throw new UsageError(
      'A simple bind needs a user: give --user user@domain (or DOMAIN\\user), or use --auth kerberos.',
    );
  return { kind: 'simple', user: profile.user, password: await resolvePassword(profile, env) };
}

/**
 * A simple bind's password from the profile's file or environment variable. Also read by
 * whoever signs in elsewhere as the same user (GetKey over NTLM), at that moment, kept nowhere.
 */
export async function resolvePassword(
  profile: ConnectionProfile,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  if (profile.passwordFile !== undefined && profile.passwordEnv !== undefined) {
    throw new UsageError('Give the password one way: --password-file or --password-env, not both.');
  }
  if (profile.passwordFile !== undefined) {
    let text: string;
    try {
      text = await readFile(profile.passwordFile, 'utf8');
    } catch (error) {
      throw new UsageError(
        `Cannot read the password file ${profile.passwordFile} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
      );
    }
    // One trailing line break is the editor's, not the password's.
    return text.replace(/\r?\n$/, '');
  }
  if (profile.passwordEnv !== undefined) {
    const value = env[profile.passwordEnv];
    if (value === undefined)
      throw new UsageError(`The environment variable ${profile.passwordEnv} is not set.`);
    return value;
  }
  throw new UsageError(
    `A simple bind as ${profile.user ?? 'that user'} needs a password: give --password-file FILE or --password-env VAR (never on the command line).`,
  );
}
