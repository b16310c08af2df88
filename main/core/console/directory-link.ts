import { searchComputers } from '../directory/computers.js';
import { connectWithProfile } from '../directory/connect.js';
import { setPasswordExpiration } from '../directory/expiration.js';
import { readComputerLaps } from '../directory/laps-password.js';
import type { DirectorySession } from '../directory/session.js';
import type { ConnectionProfile } from '../profiles/profile.js';
import type { DirectoryLink, DirectoryPort } from './ports.js';

// A saved password reaches core's credential resolution as an environment variable of a private
// env object (never process.env), so the console signs in exactly as lapsctl does.
const SAVED_PASSWORD_VARIABLE = 'LAPS_CONSOLE_SAVED_PASSWORD';

/** The real directory: core's functions over a DirectorySession. */
export function coreDirectory(env: NodeJS.ProcessEnv): DirectoryPort {
  return {
    async open(profile, options) {
      const session = await connectWithProfile(withPassword(profile, options.password), {
        env:
          options.password === undefined
            ? env
            : { ...env, [SAVED_PASSWORD_VARIABLE]: options.password },
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return sessionLink(session);
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

function sessionLink(session: DirectorySession): DirectoryLink {
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
    close: () => session.close(),
  };
}
