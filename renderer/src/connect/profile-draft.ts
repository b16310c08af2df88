// The profile editor's form as plain strings, and the contract's ProfileFields built from it.
// Pure, so the rules (server or domain, Kerberos has no user) are unit-tested.
import type { ProfileFields, ProfileSummary } from '../../../shared/ipc/contract.js';

export interface ProfileDraft {
  readonly name: string;
  readonly target: 'server' | 'domain';
  /** ldaps://host[:port] or ldap://host[:port] (StartTLS). */
  readonly server: string;
  /** A DNS domain; empty: the computer's own domain. */
  readonly domain: string;
  readonly ca: string;
  readonly base: string;
  readonly auth: 'kerberos' | 'simple';
  readonly user: string;
  /** host:port of the key service; empty: the DC's endpoint mapper. */
  readonly gkdiEndpoint: string;
}

export const EMPTY_DRAFT: ProfileDraft = {
  name: '',
  target: 'server',
  server: '',
  domain: '',
  ca: '',
  base: '',
  auth: 'kerberos',
  user: '',
  gkdiEndpoint: '',
};

export function draftFromSummary(profile: ProfileSummary): ProfileDraft {
  return {
    name: profile.name,
    target: profile.server !== undefined ? 'server' : 'domain',
    server: profile.server ?? '',
    domain: profile.domain ?? '',
    ca: profile.ca ?? '',
    base: profile.base ?? '',
    auth: profile.auth,
    user: profile.user ?? '',
    gkdiEndpoint: profile.gkdiEndpoint ?? '',
  };
}

/** The fields to send: blanks left out, a server or a domain (never both), a user only for simple. */
export function fieldsFromDraft(draft: ProfileDraft): ProfileFields {
  const set = (value: string) => value.trim();
  return {
    auth: draft.auth,
    ...(draft.target === 'server' && set(draft.server) ? { server: set(draft.server) } : {}),
    ...(draft.target === 'domain' && set(draft.domain) ? { domain: set(draft.domain) } : {}),
    ...(set(draft.ca) ? { ca: set(draft.ca) } : {}),
    ...(set(draft.base) ? { base: set(draft.base) } : {}),
    ...(draft.auth === 'simple' && set(draft.user) ? { user: set(draft.user) } : {}),
    ...(set(draft.gkdiEndpoint) ? { gkdiEndpoint: set(draft.gkdiEndpoint) } : {}),
  };
}
