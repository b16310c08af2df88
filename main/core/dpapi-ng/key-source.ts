/**
 * Where group keys come from: a domain controller's key service (MS-GKDI GetKey) or, on explicit
 * opt-in, the KDS root keys themselves; and the cache that makes bulk work (history, DSRM, many
 * computers) cost one GetKey per group instead of one per blob.
 */
import type { DirectorySession } from '../directory/session.js';
import { readKdsRootKeys } from '../directory/kds-root-keys.js';
import { NotAuthorizedToDecryptError, UsageError } from '../errors/laps-error.js';
import type { ConnectionProfile } from '../profiles/profile.js';
import { GkdiClient } from '../rpc/gkdi.js';
import type { NtlmCredentials } from '../rpc/ntlm.js';
import type { KdsRootKey } from './decrypt.js';
import { parseGroupKeyEnvelope } from './gkdi.js';
import { envelopeFromRootKey } from './root-key-envelope.js';

/** The key a blob names: its root key, its target security descriptor and its L0/L1/L2 index. */
export interface GroupKeyRequest {
  readonly rootKeyId: string;
  readonly targetSd: Uint8Array;
  readonly l0: number;
  readonly l1: number;
  readonly l2: number;
}

export interface GroupKeySource {
  /**
   * A private group key envelope (MS-GKDI 2.2.4) from which the requested key derives: the one
   * asked for, or a later one of the same group. Throws NotAuthorizedToDecryptError when only
   * the public key is given.
   */
  getGroupKey(request: GroupKeyRequest): Promise<Uint8Array>;
  /** Ends any connection the source holds. */
  close(): void;
}

/** The key service gave only the group's public key: the caller is not in the group. */
export class PublicKeyOnlyError extends NotAuthorizedToDecryptError {
  constructor() {
    super(
      'The key service gave this account only the public key: it is not a member of the group the password is encrypted to, so it may not decrypt it; ask a directory admin to add it to that group.',
    );
  }
}

/** Answers a request from the source itself, uncached. */
type FetchGroupKey = (request: GroupKeyRequest) => Promise<Uint8Array>;

/**
 * Keeps, per (root key, SD, L0, L1), the envelope with the highest L2 seen: every lower L2 of
 * that group derives from it locally (l2FromEnvelope). A public-only answer for a root key and
 * SD means this account is not in the group, for every key of it: it is remembered and not
 * asked again.
 */
export class CachedGroupKeySource implements GroupKeySource {
  readonly #envelopes = new Map<string, { readonly l2: number; readonly bytes: Uint8Array }>();
  readonly #pending = new Map<string, Promise<Uint8Array>>();
  readonly #refused = new Map<string, PublicKeyOnlyError>();
  readonly #authorized = new Set<string>();

  constructor(
    private readonly fetch: FetchGroupKey,
    private readonly onClose: () => void = () => undefined,
  ) {}

  async getGroupKey(request: GroupKeyRequest): Promise<Uint8Array> {
    const descriptor = `${request.rootKeyId.toLowerCase()}|${Buffer.from(request.targetSd).toString('hex')}`;
    const group = `${descriptor}|${request.l0}|${request.l1}`;
    for (;;) {
      const refused = this.#refused.get(descriptor);
      if (refused) throw refused;
      const cached = this.#envelopes.get(group);
      if (cached && cached.l2 >= request.l2) return cached.bytes;
      // One request per group at a time, and, until the service has once given a private key
      // for this SD, one per SD: a refusal then answers every other group without asking.
      const pending =
        this.#pending.get(group) ??
        (this.#authorized.has(descriptor) ? undefined : this.#pending.get(descriptor));
      if (!pending) break;
      await pending.catch(() => undefined);
    }
    const fetching = this.fetch(request);
    const probing = !this.#authorized.has(descriptor);
    this.#pending.set(group, fetching);
    if (probing) this.#pending.set(descriptor, fetching);
    try {
      const bytes = await fetching;
      const envelope = parseGroupKeyEnvelope(bytes);
      if ((envelope.flags & 1) !== 0) {
        const refused = new PublicKeyOnlyError();
        this.#refused.set(descriptor, refused);
        throw refused;
      }
      this.#authorized.add(descriptor);
      const cached = this.#envelopes.get(group);
      if (!cached || envelope.l2 > cached.l2)
        this.#envelopes.set(group, { l2: envelope.l2, bytes });
      return bytes;
    } finally {
      this.#pending.delete(group);
      if (probing) this.#pending.delete(descriptor);
    }
  }

  close(): void {
    this.onClose();
  }
}

/** GetKey over one NTLM-authenticated association, opened at the first request, calls in turn. */
export function gkdiKeySource(options: {
  readonly dcHost: string;
  readonly endpoint?: string | undefined;
  readonly credentials: () => NtlmCredentials;
  readonly timeoutMs?: number | undefined;
}): GroupKeySource {
  let client: Promise<GkdiClient> | undefined;
  let turn: Promise<unknown> = Promise.resolve();
  const fetch: FetchGroupKey = (request) => {
    const call = turn.then(async () => {
      client ??= GkdiClient.connect({ ...options, credentials: options.credentials() });
      let gkdi: GkdiClient;
      try {
        gkdi = await client;
      } catch (error) {
        client = undefined;
        throw error;
      }
      return gkdi.getKey(request);
    });
    turn = call.catch(() => undefined);
    return call;
  };
  return new CachedGroupKeySource(fetch, () => {
    void client?.then((gkdi) => gkdi.close()).catch(() => undefined);
    client = undefined;
  });
}

/**
 * Derives group keys from KDS root keys, as a DC would: for a Domain Admin reading
 * msKds-RootKeyData when no key service answers, and for offline recovery from an export.
 */
export function rootKeySource(readKeys: () => Promise<readonly KdsRootKey[]>): GroupKeySource {
  let keys: Promise<readonly KdsRootKey[]> | undefined;
  return new CachedGroupKeySource(async (request) => {
    keys ??= readKeys();
    const wanted = request.rootKeyId.toLowerCase();
    const rootKey = (await keys).find((key) => key.id.toLowerCase() === wanted);
    if (!rootKey) {
      throw new NotAuthorizedToDecryptError(
        `The password is protected by KDS root key ${request.rootKeyId}, which is not among the root keys given: it was encrypted in another forest, or with a root key since deleted; use that forest's root keys.`,
      );
    }
    return envelopeFromRootKey(rootKey, request.targetSd, request.l0, request.l1, {
      domain: '',
      forest: '',
    });
  });
}

/**
 * The NTLM identity of a profile's simple-bind user: DOMAIN\user splits, a UPN goes whole with
 * an empty domain (MS-NLMP 3.1.5.1.2 lets the DC resolve it).
 */
export function ntlmCredentialsOf(
  profile: ConnectionProfile,
  password: string | undefined,
): NtlmCredentials {
  if (profile.auth === 'kerberos') {
    throw new UsageError(
      'Decrypting through the key service (MS-GKDI) signs in over RPC with NTLM, and Kerberos sign-in for RPC is not built yet: sign in with --auth simple --user USER --password-file FILE (or a profile with a user and password), or, as a Domain Admin, add --decrypt-with root-key.',
    );
  }
  if (profile.user === undefined || password === undefined || password === '') {
    throw new UsageError(
      'Decrypting through the key service needs the user and password of a simple bind: give --user and --password-file (or --password-env).',
    );
  }
  const slash = profile.user.indexOf('\\');
  return slash > 0
    ? { domain: profile.user.slice(0, slash), user: profile.user.slice(slash + 1), password }
    : { domain: '', user: profile.user, password };
}

export interface GroupKeySourceOptions {
  readonly profile: ConnectionProfile;
  /** The simple bind's password (GetKey signs in with NTLM as the same user). */
  readonly password?: string;
  /** The DC whose endpoint mapper names the key service, unless the profile has gkdiEndpoint. */
  readonly dcHost: string;
  /** 'gkdi' (the default) asks the key service; 'root-key' derives from msKds-RootKeyData. */
  readonly mode?: 'gkdi' | 'root-key';
  /** The session the root keys are read over, for mode 'root-key'. */
  readonly session?: DirectorySession;
}

/** The cached key source a profile asks for. */
export function createGroupKeySource(options: GroupKeySourceOptions): GroupKeySource {
  if (options.mode === 'root-key') {
    const session = options.session;
    if (!session)
      throw new UsageError('Deriving from the KDS root keys needs a directory session.');
    return rootKeySource(() => readKdsRootKeys(session));
  }
  return gkdiKeySource({
    dcHost: options.dcHost,
    endpoint: options.profile.gkdiEndpoint,
    // Checked at the first GetKey, so a Kerberos profile still reads clear-text passwords.
    credentials: () => ntlmCredentialsOf(options.profile, options.password),
    timeoutMs: options.profile.timeoutMs,
  });
}
