import { searchComputers } from '../directory/computers.js';
import { connectWithProfile, resolvePassword } from '../directory/connect.js';
import { decryptComputerLaps } from '../directory/decrypt-computer.js';
import { setPasswordExpiration } from '../directory/expiration.js';
import { readComputerLaps } from '../directory/laps-password.js';
import type { DirectorySession } from '../directory/session.js';
import { createGroupKeySource, type GroupKeySource } from '../dpapi-ng/key-source.js';
import type { ConnectionProfile } from '../profiles/profile.js';
import type { DirectoryLink, DirectoryPort } from './ports.js';

// A saved password reaches core's credential resolution as an environment variable of a private
// env object (never process.env), so the console signs in exactly as lapsctl does.
const SAVED_PASSWORD_VARIABLE = 'LAPS_CONSOLE_SAVED_PASSWORD';

/** The real directory: core's functions over a DirectorySession. */
export function coreDirectory(env: NodeJS.ProcessEnv): DirectoryPort {
  return {
    async open(profile, options) {
      const signInAs = withPassword(profile, options.password);
      const signInEnv =
        options.password === undefined
          ? env
          : { ...env, [SAVED_PASSWORD_VARIABLE]: options.password };
      const session = await connectWithProfile(signInAs, {
        env: signInEnv,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      // GetKey signs in over RPC with NTLM as the same user: one cached key source per link
      // (the connection's primary link serves every decrypt), made at the first decrypt.
      let keys: GroupKeySource | undefined;
      const keySource = async (): Promise<GroupKeySource> => {
        if (keys) return keys;
        // Read before the first GetKey, as connect read it: held by the key source alone.
        const password =
          profile.auth === 'simple' ? await resolvePassword(signInAs, signInEnv) : undefined;
        keys ??= createGroupKeySource({
          profile,
          ...(password !== undefined ? { password } : {}),
          dcHost: session.target.host,
        });
        return keys;
      };
      return sessionLink(session, keySource, () => keys?.close());
    },
  };
}

function withPassword(profile: ConnectionProfile, password: string | undefined): ConnectionProfile {
  if (password === undefined || profile.auth !== 'simple') return profile;
  const withoutFile: { -readonly [K in keyof ConnectionProfile]: ConnectionProfile[K] } = {
    ...profile,
  };
  delete withoutFile.passwordFile;
  return { ...withoutFile, passwordEnv: SAVED_PASSWORD_VARIABLE };
}

function sessionLink(
  session: DirectorySession,
  keys: () => Promise<GroupKeySource>,
  closeKeys: () => void,
): DirectoryLink {
  return {
    server: session.server,
    async describe() {
      const rootDse = await session.rootDse();
      return {
        server: session.server,
        defaultNamingContext: rootDse.defaultNamingContext,
        dnsHostName: rootDse.dnsHostName ?? null,
      };
    },
    search: (text, options) => searchComputers(session, text, options),
    read: (dn, options) => readComputerLaps(session, dn, options),
    setExpiration: (dn, when, options) => setPasswordExpiration(session, dn, when, options),
    decrypt: async (dn, what, options) =>
      decryptComputerLaps(session, dn, what, { ...options, keys: await keys() }),
    close: () => {
      closeKeys();
      return session.close();
    },
  };
}
