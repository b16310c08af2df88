// A directory that answers from memory, for the console's handler tests.
import type { ComputerSearchHit } from '../../../../main/core/directory/computers.js';
import { CancelledError, NotFoundError } from '../../../../main/core/errors/laps-error.js';
import type { DecryptedLaps } from '../../../../main/core/laps/decrypted.js';
import type { ComputerLapsState } from '../../../../main/core/laps/laps-state.js';
import type { ConnectionProfile } from '../../../../main/core/profiles/profile.js';
import type {
  DecryptTarget,
  DirectoryLink,
  DirectoryPort,
} from '../../../../main/core/console/ports.js';

export interface OpenCall {
  readonly profile: ConnectionProfile;
  readonly password: string | undefined;
}

export class FakeDirectory implements DirectoryPort {
  readonly opens: OpenCall[] = [];
  readonly links: FakeLink[] = [];
  readonly computers = new Map<string, ComputerLapsState>();
  hits: ComputerSearchHit[] = [];
  /** What decrypt() answers, by `${dn}|${what}` (with the full history; trimmed when not asked). */
  readonly plaintexts = new Map<string, DecryptedLaps>();
  /** Every decrypt() asked for. */
  readonly decrypts: { dn: string; what: DecryptTarget; history: boolean }[] = [];
  /** When set, decrypt() throws it (say, "not authorized to decrypt"). */
  decryptError: Error | undefined;
  /** When set, open() throws it. */
  openError: Error | undefined;
  /** When set, a search waits for this promise before answering. */
  searchGate: Promise<void> | undefined;

  open(profile: ConnectionProfile, options: { password?: string }): Promise<DirectoryLink> {
    this.opens.push({ profile, password: options.password });
    if (this.openError) return Promise.reject(this.openError);
    const link = new FakeLink(this);
    this.links.push(link);
    return Promise.resolve(link);
  }
}

export class FakeLink implements DirectoryLink {
  readonly server = 'dc1.lab.test:636';
  isClosed = false;
  readonly expirations: { dn: string; when: Date }[] = [];

  constructor(private readonly directory: FakeDirectory) {}

  describe() {
    return Promise.resolve({
      server: this.server,
      defaultNamingContext: 'DC=lab,DC=test',
      dnsHostName: 'dc1.lab.test',
    });
  }

  async search(text: string, options: { limit: number; signal: AbortSignal }) {
    if (this.directory.searchGate) {
      const gate = this.directory.searchGate;
      await new Promise<void>((resolve, reject) => {
        options.signal.addEventListener('abort', () => {
          // As core does: an aborted search drops its connection.
          this.isClosed = true;
          reject(new CancelledError());
        });
        void gate.then(resolve);
      });
    }
    return this.directory.hits
      .filter((hit) => hit.computer.startsWith(text))
      .slice(0, options.limit);
  }

  read(dn: string) {
    const state = this.directory.computers.get(dn);
    return state ? Promise.resolve(state) : Promise.reject(new NotFoundError(dn));
  }

  setExpiration(dn: string, when: Date) {
    const state = this.directory.computers.get(dn);
    if (!state) return Promise.reject(new NotFoundError(dn));
    this.expirations.push({ dn, when });
    return Promise.resolve({
      computer: state.computer,
      expires: { kind: 'time' as const, date: when },
      flavours: ['windows-laps' as const],
    });
  }

  decrypt(dn: string, what: DecryptTarget, options: { history: boolean }) {
    this.directory.decrypts.push({ dn, what, history: options.history });
    if (this.directory.decryptError) return Promise.reject(this.directory.decryptError);
    const plaintext = this.directory.plaintexts.get(`${dn}|${what}`);
    if (!plaintext) return Promise.reject(new NotFoundError(dn));
    return Promise.resolve(options.history ? plaintext : { ...plaintext, history: [] });
  }

  close() {
    this.isClosed = true;
    return Promise.resolve();
  }
}
