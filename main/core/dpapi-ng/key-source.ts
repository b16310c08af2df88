/**
 * Where group keys come from: a domain controller's key service (MS-GKDI GetKey) or, on explicit
 * opt-in, the KDS root keys themselves; and the cache that makes bulk work (history, DSRM, many
 * computers) cost one GetKey per group instead of one per blob.
 */
import type { DirectorySession } from '../directory/session.js';
import { readKdsRootKeys } from '../directory/kds-root-keys.js';
import {
  AuthenticationError,
  DcUnreachableError,
  LapsError,
  NotAuthorizedToDecryptError,
  UsageError,
} from '../errors/laps-error.js';
import { dateToFileTime } from '../laps/filetime.js';
import type { ConnectionProfile } from '../profiles/profile.js';
import { GkdiClient } from '../rpc/gkdi.js';
import type { NtlmCredentials } from '../rpc/ntlm.js';
import type { KdsRootKey } from './decrypt.js';
import { parseGroupKeyEnvelope, type GroupKeyEnvelope } from './gkdi.js';
import { envelopeFromRootKey } from './root-key-envelope.js';
import {
  canUnprotectWithWindows,
  unprotectWithWindows,
  WindowsNativeUnavailableError,
} from './windows-native.js';

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
  /**
   * The envelope getGroupKey would answer with at once, when the source already holds it, else
   * undefined: a warm decrypt then runs synchronously, without a promise and a turn of the
   * microtask queue per blob (a noticeable share of its fixed cost beside a P-256 agreement).
   */
  cachedGroupKey?(request: GroupKeyRequest): Uint8Array | undefined;
  /**
   * Set where the operating system decrypts whole blobs itself (Windows' NCryptUnprotectSecret,
   * as the signed-in user, which calls GetKey with its own Kerberos ticket): then no group key
   * is asked for here.
   */
  readonly unprotect?: (blob: Uint8Array) => Promise<Uint8Array>;
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
 * Keeps, per (root key, SD, L0), the latest private envelope seen: every older key of that L0
 * derives from it locally (l2FromEnvelope walks L1 and L2 down), so a history costs one GetKey
 * per L0 (about 14 months) at most, and never more than one per (L0, L1) group. Windows itself
 * answers a request for a past key with the newest of its L0, which this then reuses. A
 * public-only answer for a root key and SD means this account is not in the group, for every key
 * of it: it is remembered and not asked again.
 */
export class CachedGroupKeySource implements GroupKeySource {
  readonly #envelopes = new Map<string, GroupKeyEnvelope & { readonly bytes: Uint8Array }>();
  readonly #pending = new Map<string, Promise<Uint8Array>>();
  readonly #refused = new Map<string, PublicKeyOnlyError>();
  readonly #authorized = new Set<string>();

  constructor(
    private readonly fetch: FetchGroupKey,
    private readonly onClose: () => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  cachedGroupKey(request: GroupKeyRequest): Uint8Array | undefined {
    const { descriptor, l0Group } = cacheKeysOf(request);
    if (this.#refused.has(descriptor)) return undefined;
    const cached = this.#envelopes.get(l0Group);
    return cached && reaches(cached, request) ? cached.bytes : undefined;
  }

  async getGroupKey(request: GroupKeyRequest): Promise<Uint8Array> {
    const { descriptor, l0Group } = cacheKeysOf(request);
    for (;;) {
      const refused = this.#refused.get(descriptor);
      if (refused) throw refused;
      const cached = this.#envelopes.get(l0Group);
      if (cached && reaches(cached, request)) return cached.bytes;
      // One request per L0 at a time (its answer may serve the others), and, until the service
      // has once given a private key for this SD, one per SD: a refusal then answers the rest.
      const pending =
        this.#pending.get(l0Group) ??
        (this.#authorized.has(descriptor) ? undefined : this.#pending.get(descriptor));
      if (!pending) break;
      await pending.catch(() => undefined);
    }
    const fetching = this.fetch(widen(request, this.now()));
    const probing = !this.#authorized.has(descriptor);
    this.#pending.set(l0Group, fetching);
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
      if (envelope.l0 === request.l0) {
        const cached = this.#envelopes.get(l0Group);
        if (!cached || reaches(envelope, cached))
          this.#envelopes.set(l0Group, { ...envelope, bytes });
      }
      return bytes;
    } finally {
      this.#pending.delete(l0Group);
      if (probing) this.#pending.delete(descriptor);
    }
  }

  close(): void {
    this.onClose();
  }
}

/** A request's cache keys: its (root key, target SD), and that with its L0. */
interface CacheKeys {
  readonly rootKeyId: string;
  readonly l0: number;
  readonly sdHex: string;
  readonly descriptor: string;
  readonly l0Group: string;
}

/**
 * The cache keys last made for each target SD object (decryptLapsBlob hands out one SD object per
 * SID), reused while the root key and L0 stay the same, as they do through bulk work: a warm
 * lookup then neither hex-encodes the SD nor builds two long strings, and the Map finds the
 * reused strings by their stored hash instead of hashing some 200 characters twice per blob.
 * Weak, and keyed by the object: an SD passed afresh is encoded afresh. SD bytes must not be
 * changed in place.
 */
const LAST_KEYS = new WeakMap<Uint8Array, CacheKeys>();

function cacheKeysOf(request: GroupKeyRequest): CacheKeys {
  const last = LAST_KEYS.get(request.targetSd);
  if (last && last.rootKeyId === request.rootKeyId && last.l0 === request.l0) return last;
  const sdHex = last?.sdHex ?? Buffer.from(request.targetSd).toString('hex');
  const descriptor = `${request.rootKeyId.toLowerCase()}|${sdHex}`;
  const keys = {
    rootKeyId: request.rootKeyId,
    l0: request.l0,
    sdHex,
    descriptor,
    l0Group: `${descriptor}|${request.l0}`,
  };
  LAST_KEYS.set(request.targetSd, keys);
  return keys;
}

/** MS-GKDI 3.1.4.1: a group key's L2 interval, in 100 ns ticks (10 hours). */
const KEY_CYCLE_TICKS = 360_000_000_000n;
/** Keys this far in the past are past on any DC whose clock is within a day of ours. */
const SAFE_PAST_MS = 24 * 3_600_000;

/**
 * Asks for the latest key of the request's L0 that is safely in the past, when that is later
 * than the key asked for: its answer then serves every older key of the L0 whatever order blobs
 * come in. A key later than the DC's clock would be refused as from the future.
 */
function widen(request: GroupKeyRequest, nowMs: number): GroupKeyRequest {
  const safe = dateToFileTime(new Date(nowMs - SAFE_PAST_MS)) / KEY_CYCLE_TICKS;
  const asked = BigInt(request.l0 * 1024 + request.l1 * 32 + request.l2);
  const lastOfL0 = BigInt(request.l0 * 1024 + 1023);
  const target = safe < lastOfL0 ? safe : lastOfL0;
  if (target <= asked) return request;
  return { ...request, l1: Number((target / 32n) % 32n), l2: Number(target % 32n) };
}

/** Whether an envelope's key is the same as, or later than, the key (l1, l2) of its L0. */
function reaches(
  envelope: GroupKeyEnvelope,
  key: { readonly l1: number; readonly l2: number },
): boolean {
  return envelope.l1 > key.l1 || (envelope.l1 === key.l1 && envelope.l2 >= key.l2);
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
      for (let attempt = 0; ; attempt++) {
        const reused = client !== undefined;
        client ??= GkdiClient.connect({ ...options, credentials: options.credentials() });
        let gkdi: GkdiClient;
        try {
          gkdi = await client;
        } catch (error) {
          client = undefined;
          throw error;
        }
        try {
          return await gkdi.getKey(request);
        } catch (error) {
          // An association kept from earlier may have been closed by the server while idle (a
          // long-lived console): one more try on a new one; a new one that fails is the answer.
          const broken =
            error instanceof DcUnreachableError || error instanceof AuthenticationError;
          if (!broken) throw error;
          gkdi.close();
          client = undefined;
          if (!reused || attempt > 0) throw error;
        }
      }
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

/**
 * Windows-native decryption could not load (koffi's binary or ncrypt.dll) for a Kerberos profile
 * on Windows. The key service is no fallback there: GetKey would have to sign in over RPC with
 * Kerberos, which is not built. So the message says which configuration does work.
 */
export class WindowsDecryptUnavailableError extends LapsError {
  constructor(cause: WindowsNativeUnavailableError) {
    super(
      'usage',
      `Windows could not decrypt the password here (${cause.message.replace(/\.$/, '')}), and the key service (MS-GKDI) cannot be asked instead for a Kerberos profile, as Kerberos sign-in for RPC is not built yet: use a simple-bind profile (--auth simple --user USER --password-file FILE) so GetKey signs in with NTLM, or, as a Domain Admin, add --decrypt-with root-key.`,
      { cause },
    );
  }
}

/** Windows decrypts whole blobs as the signed-in user; `unprotect` is a parameter for tests. */
export function windowsKeySource(
  unprotect: (blob: Uint8Array) => Promise<Uint8Array> = unprotectWithWindows,
): GroupKeySource {
  return {
    getGroupKey: () =>
      Promise.reject(new Error('Windows decrypts whole blobs: no group key is asked for.')),
    unprotect: async (blob) => {
      try {
        return await unprotect(blob);
      } catch (error) {
        if (error instanceof WindowsNativeUnavailableError)
          throw new WindowsDecryptUnavailableError(error);
        throw error;
      }
    },
    close: () => undefined,
  };
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

/**
 * The cached key source a profile asks for. On Windows a Kerberos profile signs in as the
 * Windows user, so Windows decrypts as that same user (NCryptUnprotectSecret); a simple-bind
 * profile names another identity, so GetKey signs in as it, on every platform alike.
 */
export function createGroupKeySource(options: GroupKeySourceOptions): GroupKeySource {
  if (
    options.mode !== 'root-key' &&
    options.profile.auth === 'kerberos' &&
    canUnprotectWithWindows()
  )
    return windowsKeySource();
  const gkdi = gkdiKeySource({
    dcHost: options.dcHost,
    endpoint: options.profile.gkdiEndpoint,
    // Checked at the first GetKey, so a Kerberos profile still reads clear-text passwords.
    credentials: () => ntlmCredentialsOf(options.profile, options.password),
    timeoutMs: options.profile.timeoutMs,
  });
  if (options.mode !== 'root-key') return gkdi;
  const session = options.session;
  if (!session) throw new UsageError('Deriving from the KDS root keys needs a directory session.');
  return withFallback(
    gkdi,
    rootKeySource(() => readKdsRootKeys(session)),
  );
}

/**
 * The key service while it answers; once it cannot be reached or used (none on a Samba DC,
 * Kerberos for RPC not built), the root keys for the rest: what --decrypt-with root-key means.
 */
function withFallback(first: GroupKeySource, fallback: GroupKeySource): GroupKeySource {
  let current = first;
  return {
    getGroupKey: async (request) => {
      if (current === fallback) return fallback.getGroupKey(request);
      try {
        return await first.getGroupKey(request);
      } catch (error) {
        if (!(error instanceof DcUnreachableError || error instanceof UsageError)) throw error;
        first.close();
        current = fallback;
        return fallback.getGroupKey(request);
      }
    },
    close: () => {
      first.close();
      fallback.close();
    },
  };
}
