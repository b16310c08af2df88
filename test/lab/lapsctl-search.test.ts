import { describe, expect, it } from 'vitest';
import { requireLab } from './lab-env.js';
import { errorOf, jsonOf, runLapsctl, signInAs } from './lapsctl.js';

const lab = requireLab();

interface Hit {
  computer: string;
  dn: string;
  dnsHostName: string | null;
  source: string | null;
  expires: string | null;
}

describe.skipIf(!lab)('lapsctl search against the lab DC', () => {
  if (!lab) return;
  const admin = signInAs(lab, 'administrator');
  // The DC's own account is a computer too, but not one the seed made.
  const isSeeded = (hit: Hit) => !hit.dn.includes(',OU=Domain Controllers,');
  const search = async (text: string, ...more: string[]) =>
    jsonOf<Hit[]>(await runLapsctl(['search', text, '--json', ...admin, ...more])).filter(isSeeded);

  it('finds computers by name prefix, with source and expiration as seeded', async () => {
    const hits = await search('PC00', '--limit', '1000');
    const expected = lab.computers.filter(
      (c) =>
        c.name.toUpperCase().startsWith('PC00') ||
        c.samAccountName.toUpperCase().startsWith('PC00') ||
        c.dnsHostName.toUpperCase().startsWith('PC00'),
    );
    expect(hits.map((hit) => hit.dn).sort()).toEqual(expected.map((c) => c.dn).sort());
    for (const hit of hits) {
      const seeded = lab.computers.find((c) => c.dn === hit.dn);
      const source = seeded?.flavours.includes('windows-laps-encrypted')
        ? 'windows-laps-encrypted'
        : seeded?.windowsLaps
          ? 'windows-laps'
          : seeded?.legacy
            ? 'legacy'
            : null;
      expect({ dn: hit.dn, source: hit.source }).toEqual({ dn: hit.dn, source });
      const expires =
        seeded?.windowsLaps?.expires ??
        seeded?.encrypted?.expires ??
        seeded?.legacy?.expires ??
        null;
      expect({ dn: hit.dn, expires: hit.expires }).toEqual({ dn: hit.dn, expires });
      expect(hit.dnsHostName).toBe(seeded?.dnsHostName);
    }
  });

  it('takes * wildcards anywhere', async () => {
    // Account names end in $ and DNS names in the domain, so "*1" can only match the CN.
    const hits = await search('*1', '--limit', '10000');
    expect(hits.map((hit) => hit.dn).sort()).toEqual(
      lab.computers
        .filter((c) => c.name.endsWith('1'))
        .map((c) => c.dn)
        .sort(),
    );
    const middle = await search('P*0*5', '--limit', '10000');
    expect(middle.map((hit) => hit.dn).sort()).toEqual(
      lab.computers
        .filter((c) => /^P.*0.*5$/i.test(c.name))
        .map((c) => c.dn)
        .sort(),
    );
    const all = await search('*', '--limit', '10000');
    expect(all.length).toBeGreaterThanOrEqual(lab.computers.length);
  });

  it('stops at --limit, sorted by name', async () => {
    const hits = await search('*', '--limit', '7');
    expect(hits).toHaveLength(7);
    const names = hits.map((hit) => hit.computer);
    expect(
      [...names].sort((a, b) =>
        a.localeCompare(b, undefined, { sensitivity: 'base', numeric: true }),
      ),
    ).toEqual(names);
  });

  it('pages past the server size limit of one page', async () => {
    const hits = await search('*', '--limit', '10000');
    expect(new Set(hits.map((hit) => hit.dn)).size).toBe(hits.length);
    expect(hits.length).toBeGreaterThan(500);
  });

  it('searches within --base, including the OU named with a comma and parentheses', async () => {
    const hits = await search('*', '--base', lab.ous.branch, '--limit', '10000');
    const expected = lab.computers.filter((c) => c.ou === 'branch');
    expect(hits.map((hit) => hit.dn).sort()).toEqual(expected.map((c) => c.dn).sort());
  });

  it('matches hostile characters only literally', async () => {
    const hostile = lab.computers.find((c) => c.tags.includes('hostile-name'));
    expect(hostile).toBeDefined();
    const hits = await search(hostile?.name.slice(0, hostile.name.indexOf('(') + 1) ?? '(');
    expect(hits.map((hit) => hit.dn)).toContain(hostile?.dn);
    // No seeded name contains these, so a literal match finds nothing; an injected filter would find all.
    for (const text of [')(', '\\', '*)(objectClass=*', '(|(cn=*))', 'x)(|(cn=*']) {
      const result = await runLapsctl(['search', text, '--json', ...admin]);
      expect({ text, code: result.code, hits: jsonOf<Hit[]>(result) }).toEqual({
        text,
        code: 0,
        hits: [],
      });
    }
  });

  it('finds unicode names', async () => {
    const unicode = lab.computers.find((c) => c.tags.includes('unicode'));
    const hits = await search(unicode?.name.slice(0, 4) ?? 'CAFÉ');
    expect(hits.map((hit) => hit.dn)).toContain(unicode?.dn);
  });

  it('refuses control characters with exit 2', async () => {
    for (const text of ['pc\u0001', 'a\u001b[2J', '\t']) {
      const result = await runLapsctl(['search', text, '--json', ...admin]);
      expect(result.code).toBe(2);
      expect(errorOf(result).code).toBe('usage');
    }
  });

  it('reads no password while searching', async () => {
    const result = await runLapsctl(['search', '*', '--limit', '10000', '--json', ...admin]);
    for (const computer of lab.computers.slice(0, 50)) {
      if (computer.windowsLaps)
        expect(result.stdout).not.toContain(
          JSON.stringify(computer.windowsLaps.password).slice(1, -1),
        );
    }
  });

  it('shows sources to a user who cannot read passwords, from the expiration attributes', async () => {
    const nobody = signInAs(lab, 'nobody');
    const hits = jsonOf<Hit[]>(
      await runLapsctl(['search', '*', '--limit', '10000', '--json', ...nobody]),
    );
    const legacyOnly = lab.computers.find(
      (c) => c.flavours.length === 1 && c.flavours[0] === 'legacy',
    );
    expect(hits.find((hit) => hit.dn === legacyOnly?.dn)?.source).toBe('legacy');
    const none = lab.computers.find((c) => c.flavours.length === 0);
    expect(hits.find((hit) => hit.dn === none?.dn)?.source).toBeNull();
  });

  it('prints a table without --json', async () => {
    const result = await runLapsctl(['search', 'PC000', ...admin]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^COMPUTER\s+SOURCE\s+EXPIRES\s+DNS NAME$/m);
  });
});
