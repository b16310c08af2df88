import { describe, expect, it } from 'vitest';
import { requireLab, type LabComputer, type LabUserKey } from './lab-env.js';
import { errorOf, jsonOf, runLapsctl, signInAs } from './lapsctl.js';

const lab = requireLab();

interface GetJson {
  computer: string;
  dn: string;
  source: string;
  account: string | null;
  password: string | null;
  updated: string | null;
  expires: string | null;
}

describe.skipIf(!lab)('lapsctl get against the lab DC', () => {
  if (!lab) return;
  const as = (user: LabUserKey) => signInAs(lab, user);
  const admin = as('administrator');
  const pick = (predicate: (computer: LabComputer) => boolean, what: string): LabComputer => {
    const found = lab.computers.find(predicate);
    if (!found) throw new Error(`the lab seed has no ${what}`);
    return found;
  };
  const has = (computer: LabComputer, flavour: string) =>
    computer.flavours.includes(flavour as never);
  const only = (computer: LabComputer, flavour: string) =>
    computer.flavours.length === 1 && has(computer, flavour);

  it('reads a Windows LAPS clear-text password with every field', async () => {
    const computer = pick((c) => only(c, 'windows-laps') && !c.disabled, 'Windows LAPS computer');
    const result = await runLapsctl(['get', computer.name, '--json', ...admin]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(jsonOf<GetJson>(result)).toEqual({
      computer: computer.name,
      dn: computer.dn,
      source: 'windows-laps',
      account: computer.windowsLaps?.account,
      password: computer.windowsLaps?.password,
      updated: computer.windowsLaps?.updated,
      expires: computer.windowsLaps?.expires,
    });
  });

  it('reads every seeded password exactly, quotes, backslashes, braces and non-ASCII included', async () => {
    const tricky = lab.computers
      .filter((c) => c.windowsLaps && /["\\{}'\u0080-\uffff]/.test(c.windowsLaps.password))
      .slice(0, 6);
    expect(tricky.length).toBeGreaterThan(3);
    for (const computer of tricky) {
      const body = jsonOf<GetJson>(await runLapsctl(['get', computer.dn, '--json', ...admin]));
      expect(body.password).toBe(computer.windowsLaps?.password);
      expect(body.account).toBe(computer.windowsLaps?.account);
    }
  });

  it('reads a legacy password with its expiration and no update time', async () => {
    const computer = pick((c) => only(c, 'legacy'), 'legacy-only computer');
    expect(jsonOf<GetJson>(await runLapsctl(['get', computer.name, '--json', ...admin]))).toEqual({
      computer: computer.name,
      dn: computer.dn,
      source: 'legacy',
      account: null,
      password: computer.legacy?.password,
      updated: null,
      expires: computer.legacy?.expires,
    });
  });

  it('prefers Windows LAPS when a computer has both', async () => {
    const computer = pick(
      (c) => has(c, 'windows-laps') && has(c, 'legacy'),
      'computer with both flavours',
    );
    const body = jsonOf<GetJson>(await runLapsctl(['get', computer.name, '--json', ...admin]));
    expect(body.source).toBe('windows-laps');
    expect(body.password).toBe(computer.windowsLaps?.password);
  });

  it('decrypts an encrypted password (as a LAPS Admins member, through the key service)', async () => {
    const computer = pick(
      (c) => only(c, 'windows-laps-encrypted') && c.encrypted?.origin === 'lab',
      'lab-encrypted computer',
    );
    const result = await runLapsctl([
      'get',
      computer.name,
      '--json',
      '--gkdi-endpoint',
      lab.gkdiEndpoint,
      ...as('lapsadmin'),
    ]);
    expect(result.stderr).toBe('');
    expect(jsonOf<GetJson>(result)).toEqual({
      computer: computer.name,
      dn: computer.dn,
      source: 'windows-laps-encrypted',
      ...computer.encrypted?.current,
      expires: computer.encrypted?.expires,
    });
  });

  it('shows expired and stale passwords as they are', async () => {
    const expired = pick(
      (c) => c.tags.includes('expired') && c.windowsLaps !== null,
      'expired computer',
    );
    const body = jsonOf<GetJson>(await runLapsctl(['get', expired.name, '--json', ...admin]));
    expect(Date.parse(body.expires ?? '')).toBeLessThan(Date.now());
    const stale = pick((c) => c.tags.includes('stale') && c.windowsLaps !== null, 'stale computer');
    const staleBody = jsonOf<GetJson>(await runLapsctl(['get', stale.name, '--json', ...admin]));
    expect(Date.now() - Date.parse(staleBody.updated ?? '')).toBeGreaterThan(90 * 86_400_000);
  });

  it('finds a computer by account name with or without $, by DNS name and by DN', async () => {
    const computer = pick((c) => only(c, 'windows-laps'), 'Windows LAPS computer');
    for (const name of [
      computer.samAccountName,
      computer.samAccountName.replace(/\$$/, ''),
      computer.dnsHostName,
      computer.dn,
    ]) {
      const body = jsonOf<GetJson>(await runLapsctl(['get', name, '--json', ...admin]));
      expect(body.dn).toBe(computer.dn);
    }
  });

  it('reads computers in the OU named with a comma and parentheses', async () => {
    const computer = pick(
      (c) => c.ou === 'branch' && c.windowsLaps !== null,
      'Windows LAPS computer in the Branch (North), Sales OU',
    );
    expect(computer.dn).toContain('OU=Branch (North)\\, Sales');
    const body = jsonOf<GetJson>(await runLapsctl(['get', computer.name, '--json', ...admin]));
    expect(body).toMatchObject({ dn: computer.dn, password: computer.windowsLaps?.password });
    const byDn = jsonOf<GetJson>(await runLapsctl(['get', computer.dn, '--json', ...admin]));
    expect(byDn.dn).toBe(computer.dn);
  });

  it('reads computers with hostile and unicode names', async () => {
    for (const tag of ['hostile-name', 'unicode'] as const) {
      const computer = pick(
        (c) => c.tags.includes(tag) && c.flavours.length > 0,
        `${tag} computer`,
      );
      const body = jsonOf<GetJson>(await runLapsctl(['get', computer.name, '--json', ...admin]));
      expect(body.dn).toBe(computer.dn);
    }
  });

  it('prints a readable block without --json', async () => {
    const computer = pick((c) => only(c, 'windows-laps'), 'Windows LAPS computer');
    const result = await runLapsctl(['get', computer.name, ...admin]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Computer\s+/m);
    expect(result.stdout).toContain(`Password  ${computer.windowsLaps?.password ?? ''}`);
    expect(result.stdout).toMatch(
      /^Expires\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC \((in|.* ago)/m,
    );
  });

  it('exits 6 for a computer without LAPS', async () => {
    const computer = pick((c) => c.flavours.length === 0, 'computer without LAPS');
    const result = await runLapsctl(['get', computer.name, '--json', ...admin]);
    expect(result.code).toBe(6);
    expect(errorOf(result).code).toBe('no-laps-password');
  });

  it('exits 3 for a computer that does not exist', async () => {
    const result = await runLapsctl(['get', 'NO-SUCH-PC-42', '--json', ...admin]);
    expect(result.code).toBe(3);
    expect(errorOf(result).message).toContain('NO-SUCH-PC-42');
    expect((await runLapsctl(['get', `CN=Nope,${lab.ous.workstations}`, ...admin])).code).toBe(3);
  });

  it('exits 2 when a name matches two computers, listing them', async () => {
    const result = await runLapsctl(['get', 'DUP01', '--json', ...admin]);
    expect(result.code).toBe(2);
    expect(errorOf(result)).toMatchObject({ code: 'ambiguous' });
    for (const duplicate of lab.computers.filter((c) => c.tags.includes('duplicate-cn')))
      expect(errorOf(result).message).toContain(duplicate.dn);
  });

  it('exits 2 for hostile input without sending it', async () => {
    // (NUL cannot travel in argv at all: the core test feeds it in-process.)
    for (const name of ['PC*', 'a\u0001b', '']) {
      expect((await runLapsctl(['get', name, ...admin])).code).toBe(2);
    }
    // Filter syntax in a name only ever matches itself.
    expect((await runLapsctl(['get', '*)(cn=*', ...admin])).code).toBe(2);
    expect((await runLapsctl(['get', ')(cn=PC0001', ...admin])).code).toBe(3);
  });

  describe('permissions as seeded', () => {
    const inWorkstations = pick(
      (c) => c.ou === 'workstations' && only(c, 'windows-laps'),
      'Windows LAPS computer in Workstations',
    );
    const legacyInWorkstations = pick(
      (c) => c.ou === 'workstations' && only(c, 'legacy'),
      'legacy computer in Workstations',
    );
    const inServers = pick(
      (c) => c.ou === 'servers' && c.windowsLaps !== null,
      'Windows LAPS computer in Servers',
    );
    const legacyInServers = pick(
      (c) => c.ou === 'servers' && only(c, 'legacy'),
      'legacy computer in Servers',
    );

    it('lets helpdesk read passwords in its OU, both flavours', async () => {
      expect(
        jsonOf<GetJson>(await runLapsctl(['get', inWorkstations.name, '--json', ...as('helpdesk')]))
          .password,
      ).toBe(inWorkstations.windowsLaps?.password);
      expect(
        jsonOf<GetJson>(
          await runLapsctl(['get', legacyInWorkstations.name, '--json', ...as('helpdesk')]),
        ).password,
      ).toBe(legacyInWorkstations.legacy?.password);
    });

    it('gives helpdesk exit 4 outside its OU, naming the right and the attribute', async () => {
      const result = await runLapsctl(['get', inServers.name, '--json', ...as('helpdesk')]);
      expect(result.code).toBe(4);
      expect(errorOf(result).code).toBe('access-denied');
      expect(errorOf(result).message).toContain('msLAPS-Password');
      expect(errorOf(result).message).toContain('Control access');
      const legacy = await runLapsctl(['get', legacyInServers.name, '--json', ...as('helpdesk')]);
      expect(legacy.code).toBe(4);
      expect(errorOf(legacy).message).toContain('ms-Mcs-AdmPwd');
    });

    it('still tells helpdesk "no LAPS" apart from "denied"', async () => {
      const none = pick(
        (c) => c.ou === 'servers' && c.flavours.length === 0,
        'computer without LAPS in Servers',
      );
      expect((await runLapsctl(['get', none.name, ...as('helpdesk')])).code).toBe(6);
    });

    it('gives resetter and nobody exit 4 everywhere', async () => {
      for (const user of ['resetter', 'nobody'] as const) {
        expect((await runLapsctl(['get', inWorkstations.name, ...as(user)])).code).toBe(4);
        expect((await runLapsctl(['get', inServers.name, ...as(user)])).code).toBe(4);
      }
    });
  });
});
