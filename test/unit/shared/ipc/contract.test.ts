import { describe, expect, it } from 'vitest';
import { buildLapsApi } from '../../../../shared/ipc/api.js';
import { CHANNELS, isChannel } from '../../../../shared/ipc/channels.js';
import { IPC_CONTRACT } from '../../../../shared/ipc/contract.js';
import { hostileInputs, REQUIRED_FIELDS, VALID_INPUTS } from '../../../ipc-samples.js';
import { without } from '../../../without.js';

describe('the IPC contract', () => {
  it('names every channel area.verb, once', () => {
    expect(new Set(CHANNELS).size).toBe(CHANNELS.length);
    for (const channel of CHANNELS) expect(channel).toMatch(/^[a-z]+\.[a-zA-Z]+$/);
    expect(Object.keys(IPC_CONTRACT).sort()).toEqual([...CHANNELS].sort());
  });

  it('tells channel names apart from anything else', () => {
    expect(isChannel('computer.reveal')).toBe(true);
    for (const value of ['computer.Reveal', '__proto__', 'toString', '', 7, null])
      expect(isChannel(value)).toBe(false);
  });

  describe.each(CHANNELS)('%s', (channel) => {
    const { input } = IPC_CONTRACT[channel];

    it('accepts its valid sample input', () => {
      expect(input.safeParse(VALID_INPUTS[channel]).success).toBe(true);
    });

    it('requires exactly its required fields', () => {
      const valid = VALID_INPUTS[channel];
      const required = Object.keys(valid).filter((field) => {
        return !input.safeParse(without(valid, field)).success;
      });
      expect(required.sort()).toEqual([...REQUIRED_FIELDS[channel]].sort());
    });

    const cases = hostileInputs(channel);
    it.each(cases.map((c) => [c.description, c.json] as const))('refuses %s', (_name, json) => {
      const payload = JSON.parse(json) as unknown;
      expect(input.safeParse(payload).success).toBe(false);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });

  it('accepts a connection test of a draft profile, and refuses a draft with a name too', () => {
    const { input } = IPC_CONTRACT['connection.test'];
    const draft = { auth: 'simple', server: 'ldaps://dc1:636', user: 'me@corp' };
    expect(input.safeParse({ profile: draft, password: 'pw' }).success).toBe(true);
    expect(input.safeParse({ profile: draft, name: 'corp' }).success).toBe(false);
    expect(input.safeParse({ profile: { ...draft, user: undefined } }).success).toBe(false);
    expect(input.safeParse({ profile: { auth: 'kerberos', user: 'me@corp' } }).success).toBe(false);
    expect(
      input.safeParse({
        profile: { auth: 'kerberos', server: 'ldaps://a', domain: 'corp.example' },
      }).success,
    ).toBe(false);
  });

  it('lets profile.save forget a password with null, and keep it by leaving it out', () => {
    const { input } = IPC_CONTRACT['profile.save'];
    const keep = without(VALID_INPUTS['profile.save'], 'password');
    expect(input.safeParse(keep).success).toBe(true);
    expect(input.safeParse({ ...keep, password: null }).success).toBe(true);
  });

  it('lets computer.setExpiration say "now" with null, and takes zoned ISO times only', () => {
    const { input } = IPC_CONTRACT['computer.setExpiration'];
    const valid = VALID_INPUTS['computer.setExpiration'];
    expect(input.safeParse({ ...valid, at: null }).success).toBe(true);
    expect(input.safeParse({ ...valid, at: '2026-12-01T17:00:00Z' }).success).toBe(true);
    expect(input.safeParse({ ...valid, at: '2026-12-01T17:00:00.123Z' }).success).toBe(true);
  });

  describe('outputs', () => {
    const identity = {
      name: 'PC0001',
      dn: 'CN=PC0001,DC=lab,DC=test',
      samAccountName: 'PC0001$',
      dnsHostName: null,
      isDisabled: false,
    };
    const read = {
      computer: identity,
      flavours: [
        {
          source: 'windows-laps',
          account: 'Administrator',
          updated: '2026-11-20T08:14:03.000Z',
          expires: 'never',
          isPasswordReadable: true,
          encryption: null,
        },
      ],
      expiration: { windowsLaps: 'never', legacy: null },
      hiddenSources: ['legacy'],
      isDomainController: false,
      dsrm: null,
    };
    const encryption = {
      decryptor: { sid: 'S-1-5-21-1-2-3-1105', name: 'LAPS Admins' },
      historyCount: 3,
    };
    const encryptedRead = {
      ...read,
      flavours: [
        {
          source: 'windows-laps-encrypted',
          account: null,
          updated: '2026-11-20T08:14:03.000Z',
          expires: 'never',
          isPasswordReadable: false,
          encryption,
        },
      ],
      isDomainController: true,
      dsrm: { updated: '2026-11-20T08:14:03.000Z', ...encryption },
    };

    it('lets computer.read carry the LAPS tab fields', () => {
      expect(IPC_CONTRACT['computer.read'].output.safeParse(read).success).toBe(true);
    });

    it('refuses a computer.read reply that carries a password, anywhere', () => {
      const { output } = IPC_CONTRACT['computer.read'];
      expect(output.safeParse({ ...read, password: 'x' }).success).toBe(false);
      expect(
        output.safeParse({ ...read, flavours: [{ ...read.flavours[0], password: 'x' }] }).success,
      ).toBe(false);
      expect(output.safeParse({ ...read, computer: { ...identity, password: 'x' } }).success).toBe(
        false,
      );
    });

    it('lets computer.read name the decryptor and count the history, and carry nothing more', () => {
      const { output } = IPC_CONTRACT['computer.read'];
      expect(output.safeParse(encryptedRead).success).toBe(true);
      const [flavour] = encryptedRead.flavours;
      for (const extra of [{ password: 'x' }, { blob: 'AAAA' }, { key: 'x' }]) {
        expect(
          output.safeParse({ ...encryptedRead, dsrm: { ...encryptedRead.dsrm, ...extra } }).success,
        ).toBe(false);
        expect(
          output.safeParse({
            ...encryptedRead,
            flavours: [{ ...flavour, encryption: { ...encryption, ...extra } }],
          }).success,
        ).toBe(false);
        expect(
          output.safeParse({
            ...encryptedRead,
            flavours: [
              {
                ...flavour,
                encryption: { ...encryption, decryptor: { ...encryption.decryptor, ...extra } },
              },
            ],
          }).success,
        ).toBe(false);
      }
    });

    it('lets computer.history list old passwords, each with its account and time only', () => {
      const { output } = IPC_CONTRACT['computer.history'];
      const entry = {
        account: 'Administrator',
        password: 'p',
        updated: '2026-11-20T08:14:03.000Z',
      };
      const reply = { computer: 'DC1', dn: identity.dn, target: 'dsrm', entries: [entry] };
      expect(output.safeParse(reply).success).toBe(true);
      expect(output.safeParse({ ...reply, entries: [{ ...entry, blob: 'x' }] }).success).toBe(
        false,
      );
      expect(output.safeParse({ ...reply, key: 'x' }).success).toBe(false);
      expect(output.safeParse({ ...reply, entries: Array(101).fill(entry) }).success).toBe(false);
    });

    it('takes a DSRM target on reveal and copy, but not with a flavour, and copies a history entry by time', () => {
      const on = { connectionId: VALID_INPUTS['computer.read'].connectionId, dn: identity.dn };
      for (const channel of ['computer.reveal', 'computer.copy'] as const) {
        const { input } = IPC_CONTRACT[channel];
        expect(input.safeParse({ ...on, target: 'dsrm' }).success).toBe(true);
        expect(input.safeParse({ ...on, target: 'password', source: 'legacy' }).success).toBe(true);
        expect(input.safeParse({ ...on, target: 'dsrm', source: 'legacy' }).success).toBe(false);
      }
      const copy = IPC_CONTRACT['computer.copy'].input;
      expect(copy.safeParse({ ...on, historyEntry: '2026-11-20T08:14:03.000Z' }).success).toBe(
        true,
      );
      for (const historyEntry of [0, '3', 'yesterday', '2026-11-20'])
        expect(copy.safeParse({ ...on, historyEntry }).success).toBe(false);
      expect(
        IPC_CONTRACT['computer.reveal'].input.safeParse({
          ...on,
          historyEntry: '2026-11-20T08:14:03.000Z',
        }).success,
      ).toBe(false);
    });

    it('refuses a computer.copy reply that carries the password', () => {
      const reply = {
        computer: 'PC0001',
        dn: identity.dn,
        target: 'password',
        source: 'legacy',
        clearsAt: '2026-11-20T08:14:33.000Z',
      };
      const { output } = IPC_CONTRACT['computer.copy'];
      expect(output.safeParse(reply).success).toBe(true);
      expect(output.safeParse({ ...reply, password: 'x' }).success).toBe(false);
    });

    const auditRecord = {
      seq: 1,
      time: '2026-11-23T12:00:00.000Z',
      action: 'reveal',
      computer: 'PC0001',
      dn: identity.dn,
      source: 'windows-laps',
      detail: null,
      actor: { osUser: 'alice', identity: 'helpdesk@lab.test', server: 'ldaps://dc1:636' },
      app: 'console',
    };

    it('lets audit.list carry records, and refuses one with a chain field or a password', () => {
      const { output } = IPC_CONTRACT['audit.list'];
      expect(output.safeParse({ records: [auditRecord], skippedLines: 0 }).success).toBe(true);
      for (const extra of [{ hash: 'a'.repeat(64) }, { prev: '0'.repeat(64) }, { password: 'x' }])
        expect(
          output.safeParse({ records: [{ ...auditRecord, ...extra }], skippedLines: 0 }).success,
        ).toBe(false);
      expect(
        output.safeParse({
          records: [{ ...auditRecord, actor: { ...auditRecord.actor, password: 'x' } }],
          skippedLines: 0,
        }).success,
      ).toBe(false);
    });

    it('lets audit.verify say intact, or name the first problem, and nothing else', () => {
      const { output } = IPC_CONTRACT['audit.verify'];
      expect(output.safeParse({ ok: true, records: 3, lastHash: 'a'.repeat(64) }).success).toBe(
        true,
      );
      const damaged = {
        ok: false,
        records: 1,
        problem: { kind: 'edited', line: 2, message: 'line 2 was edited' },
      };
      expect(output.safeParse(damaged).success).toBe(true);
      expect(
        output.safeParse({ ...damaged, problem: { ...damaged.problem, line: null } }).success,
      ).toBe(true);
      expect(
        output.safeParse({ ...damaged, problem: { ...damaged.problem, kind: 'fine' } }).success,
      ).toBe(false);
      expect(output.safeParse({ ...damaged, ok: true }).success).toBe(false);
    });

    it('refuses times that are not ISO 8601 UTC', () => {
      const { output } = IPC_CONTRACT['computer.setExpiration'];
      const reply = { computer: 'PC0001', dn: identity.dn, flavours: ['legacy'] };
      expect(output.safeParse({ ...reply, expires: '2026-11-20T08:14:33.000Z' }).success).toBe(
        true,
      );
      expect(output.safeParse({ ...reply, expires: 'never' }).success).toBe(true);
      for (const expires of ['133776192000000000', 'Nov 20 2026', 1700000000000])
        expect(output.safeParse({ ...reply, expires }).success).toBe(false);
    });
  });
});

describe('window.laps, as built from the contract', () => {
  it('has exactly one method per channel, grouped by area, and nothing else', async () => {
    const calls: [string, unknown][] = [];
    const api = buildLapsApi((channel, input) => {
      calls.push([channel, input]);
      return Promise.resolve({ ok: true, value: null });
    });
    const methods = Object.entries(api).flatMap(([area, group]) =>
      Object.keys(group).map((verb) => `${area}.${verb}`),
    );
    expect(methods.sort()).toEqual([...CHANNELS].sort());
    await api.computer.search({ connectionId: 'id', text: 'PC' });
    expect(calls).toEqual([['computer.search', { connectionId: 'id', text: 'PC' }]]);
  });

  it('cannot be changed by the page', () => {
    const api = buildLapsApi(() => Promise.resolve(null));
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.isFrozen(api.computer)).toBe(true);
  });
});
