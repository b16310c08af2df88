import type { Client } from 'ldapts';
import { afterAll, describe, expect, it } from 'vitest';
import {
  EXPIRATION_ATTRIBUTE,
  fileTimeText,
  restoreSeededExpirations,
  withLabAdmin,
} from './lab-admin.js';
import { requireLab, type LabComputer, type LabUserKey } from './lab-env.js';
import { errorOf, jsonOf, runLapsctl, signInAs } from './lapsctl.js';

const lab = requireLab();

describe.skipIf(!lab)('lapsctl expire against the lab DC', () => {
  if (!lab) return;
  const as = (user: LabUserKey) => signInAs(lab, user);
  const touched = new Set<LabComputer>();
  const pick = (predicate: (computer: LabComputer) => boolean, what: string): LabComputer => {
    const found = lab.computers.find((c) => predicate(c) && !touched.has(c));
    if (!found) throw new Error(`the lab seed has no (untouched) ${what}`);
    touched.add(found);
    return found;
  };

  // Independent of the code under test: read and restore the seeded values with plain ldapts.
  const withAdmin = <T>(work: (client: Client) => Promise<T>) => withLabAdmin(lab, work);
  const storedExpirations = (computer: LabComputer) =>
    withAdmin(async (client) => {
      const { searchEntries } = await client.search(computer.dn, {
        scope: 'base',
        attributes: [EXPIRATION_ATTRIBUTE.windowsLaps, EXPIRATION_ATTRIBUTE.legacy],
      });
      const entry = searchEntries[0];
      // ldapts lists a requested attribute the entry lacks as [].
      const value = (name: string) => {
        const found = entry?.[name];
        return found === undefined || (Array.isArray(found) && found.length === 0) ? null : found;
      };
      return {
        windowsLaps: value(EXPIRATION_ATTRIBUTE.windowsLaps),
        legacy: value(EXPIRATION_ATTRIBUTE.legacy),
      };
    });

  afterAll(() => restoreSeededExpirations(lab, touched));

  it('expires now by default, and the DC holds the value read back', async () => {
    const computer = pick(
      (c) => c.windowsLaps !== null && c.legacy === null,
      'Windows LAPS computer',
    );
    const before = Date.now();
    const result = await runLapsctl(['expire', computer.name, '--json', ...as('administrator')]);
    expect(result.code).toBe(0);
    const body = jsonOf<{ computer: string; dn: string; expires: string }>(result);
    expect(body).toMatchObject({ computer: computer.name, dn: computer.dn });
    expect(Date.parse(body.expires)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(body.expires)).toBeLessThanOrEqual(Date.now() + 1000);
    expect((await storedExpirations(computer)).windowsLaps).toBe(fileTimeText(body.expires));
  });

  it('sets a given time on every flavour present', async () => {
    const computer = pick(
      (c) => c.windowsLaps !== null && c.legacy !== null,
      'computer with both flavours',
    );
    const at = '2031-05-06T07:08:09.123Z';
    const body = jsonOf<{ expires: string }>(
      await runLapsctl([
        'expire',
        computer.name,
        '--at',
        '2031-05-06T09:08:09.123+02:00',
        '--json',
        ...as('administrator'),
      ]),
    );
    expect(body.expires).toBe(at);
    expect(await storedExpirations(computer)).toEqual({
      windowsLaps: fileTimeText(at),
      legacy: fileTimeText(at),
    });
  });

  it('expires a legacy-only computer through its legacy attribute', async () => {
    const computer = pick(
      (c) => c.legacy !== null && c.windowsLaps === null && c.encrypted === null,
      'legacy-only computer',
    );
    const at = '2030-01-01T00:00:00.000Z';
    await runLapsctl(['expire', computer.name, '--at', at, ...as('administrator')]);
    expect(await storedExpirations(computer)).toEqual({
      windowsLaps: null,
      legacy: fileTimeText(at),
    });
  });

  it('lets resetter expire any computer without being able to read its password', async () => {
    const computer = pick(
      (c) => c.ou === 'servers' && c.windowsLaps !== null,
      'Windows LAPS computer in Servers',
    );
    const result = await runLapsctl(['expire', computer.name, '--json', ...as('resetter')]);
    expect(result.code).toBe(0);
    expect((await runLapsctl(['get', computer.name, ...as('resetter')])).code).toBe(4);
  });

  it('refuses helpdesk and nobody with exit 4, naming the right, and changes nothing', async () => {
    const computer = pick(
      (c) => c.ou === 'workstations' && c.windowsLaps !== null && c.legacy === null,
      'Windows LAPS computer in Workstations',
    );
    const before = await storedExpirations(computer);
    for (const user of ['helpdesk', 'nobody'] as const) {
      const result = await runLapsctl(['expire', computer.name, '--json', ...as(user)]);
      expect(result.code).toBe(4);
      expect(errorOf(result).message).toContain('Write property');
      expect(errorOf(result).message).toContain('msLAPS-PasswordExpirationTime');
    }
    expect(await storedExpirations(computer)).toEqual(before);
  });

  it('exits 6 for a computer without LAPS', async () => {
    const computer = lab.computers.find((c) => c.flavours.length === 0);
    expect((await runLapsctl(['expire', computer?.name ?? '', ...as('administrator')])).code).toBe(
      6,
    );
  });

  it('prints a sentence without --json', async () => {
    const computer = pick(
      (c) => c.windowsLaps !== null && c.ou === 'branch',
      'Windows LAPS computer in Branch',
    );
    const result = await runLapsctl([
      'expire',
      computer.name,
      '--at',
      '2032-01-01T00:00:00Z',
      ...as('administrator'),
    ]);
    expect(result.stdout).toContain(
      `${computer.name}: LAPS password expiration set to 2032-01-01 00:00:00 UTC`,
    );
  });
});
