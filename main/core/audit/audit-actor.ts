import { userInfo } from 'node:os';
import type { DirectorySession } from '../directory/session.js';
import type { ConnectionProfile } from '../profiles/profile.js';
import type { AuditActor } from './audit-record.js';

/**
 * Who is acting, from the profile the session was opened with: the OS account, the bind name of
 * a simple bind or "kerberos" (the ticket's principal is not known without another round trip),
 * and the DC that answered.
 */
export function auditActorFor(
  profile: ConnectionProfile,
  session: Pick<DirectorySession, 'target'>,
  env: NodeJS.ProcessEnv = process.env,
): AuditActor {
  return {
    osUser: osUserName(env),
    identity: profile.auth === 'kerberos' ? 'kerberos' : (profile.user ?? ''),
    server: session.target.url,
  };
}

export function osUserName(env: NodeJS.ProcessEnv = process.env): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry for this uid (some containers): the environment is all there is.
    return env.USER ?? env.USERNAME ?? `uid ${process.getuid?.() ?? 'unknown'}`;
  }
}
