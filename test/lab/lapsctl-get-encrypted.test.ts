/**
 * `lapsctl get` on encrypted passwords through the lab's key service (MS-GKDI over NTLM): a
 * LAPS Admins member decrypts, with history and DSRM; helpdesk reads but may not decrypt
 * (exit 7, the group named); nobody may not read (exit 4); the endpoint comes from a flag or a
 * profile, and without one Samba's endpoint mapper gets a sentence that says what to do.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireLab, type LabComputer, type LabPlainPassword, type LabUserKey } from './lab-env.js';
import { errorOf, jsonOf, runLapsctl, signInAs } from './lapsctl.js';

const lab = requireLab();

interface GetJson {
  source: string;
  account: string | null;
  password: string | null;
  updated: string | null;
  history?: LabPlainPassword[];
}

describe.skipIf(!lab)('lapsctl get, decrypting through the key service', () => {
  if (!lab) return;
  const gkdi = ['--gkdi-endpoint', lab.gkdiEndpoint];
  const find = (predicate: (c: LabComputer) => boolean, what: string): LabComputer => {
    const found = lab.computers.find(predicate);
    if (!found) throw new Error(`the lab seed has no ${what}`);
    return found;
  };
  const getAs = (user: LabUserKey, name: string, ...flags: string[]) =>
    runLapsctl(['get', name, ...flags, '--json', ...signInAs(lab, user)]);
  const inHelpdeskOu = (c: LabComputer) => c.dn.endsWith(lab.helpdeskOu);
  const encrypted = find(
    (c) =>
      c.flavours.length === 1 &&
      c.encrypted?.origin === 'lab' &&
      c.encrypted.historyCount >= 2 &&
      inHelpdeskOu(c),
    'lab-encrypted computer with history in the helpdesk OU',
  );

  it('a LAPS Admins member gets the password and its history, newest first', async () => {
    const result = await getAs('lapsadmin', encrypted.name, '--history', ...gkdi);
    expect(result.stderr).toBe('');
    const body = jsonOf<GetJson>(result);
    expect(body).toMatchObject({
      source: 'windows-laps-encrypted',
      ...encrypted.encrypted?.current,
    });
    expect(body.history).toEqual(encrypted.encrypted?.history);
  });

  it('decrypts with the endpoint from a profile, signing in as DOMAIN\\user too', async () => {
    const config = mkdtempSync(join(tmpdir(), 'lapsctl-gkdi-profile-'));
    writeFileSync(
      join(config, 'profiles.json'),
      JSON.stringify({
        profiles: {
          'lab-lapsadmin': {
            server: lab.ldapsUrl,
            ca: lab.caFile,
            auth: 'simple',
            user: `LAB\\${lab.users.lapsadmin.samAccountName}`,
            passwordFile: lab.users.lapsadmin.passwordFile,
            gkdiEndpoint: lab.gkdiEndpoint,
          },
        },
      }),
    );
    const result = await runLapsctl(
      ['get', encrypted.name, '--profile', 'lab-lapsadmin', '--json'],
      {
        env: { LAPS_CONSOLE_CONFIG_DIR: config },
      },
    );
    expect(result.stderr).toBe('');
    expect(jsonOf<GetJson>(result).password).toBe(encrypted.encrypted?.current?.password);
  });

  it("a LAPS Admins member gets the DC's DSRM password and history", async () => {
    const dc = lab.domainController;
    const result = await getAs('lapsadmin', dc.name, '--dsrm', '--history', ...gkdi);
    expect(result.stderr).toBe('');
    const body = jsonOf<GetJson>(result);
    expect(body).toMatchObject(dc.dsrm.current ?? {});
    expect(body.history).toEqual(dc.dsrm.history);
  });

  it('get on the DC without --dsrm says it has a DSRM password, whether or not you may read it', async () => {
    const dc = lab.domainController;
    const admin = await getAs('lapsadmin', dc.name, ...gkdi);
    expect(admin.code).toBe(6);
    expect(errorOf(admin)).toMatchObject({ code: 'no-laps-password' });
    expect(errorOf(admin).message).toBe(
      `${dc.name} is a domain controller: it has no LAPS password but a DSRM password, which lapsctl get --dsrm shows.`,
    );
    // Helpdesk sees only msLAPS-PasswordExpirationTime, which on a DC is the DSRM password's.
    const helpdesk = await getAs('helpdesk', dc.name, ...gkdi);
    expect(helpdesk.code).toBe(4);
    expect(errorOf(helpdesk)).toMatchObject({ code: 'access-denied' });
    expect(errorOf(helpdesk).message).toMatch(
      new RegExp(
        `^${dc.name} is a domain controller with a DSRM password that you may not read: .*msLAPS-EncryptedDSRMPassword`,
      ),
    );
    expect(errorOf(helpdesk).message).not.toContain('Windows LAPS password');
  });

  it('helpdesk reads the blob but may not decrypt it: exit 7, naming the group', async () => {
    const result = await getAs('helpdesk', encrypted.name, ...gkdi);
    expect(result.code).toBe(7);
    const error = errorOf(result);
    expect(error.code).toBe('not-authorized-to-decrypt');
    expect(error.message).toContain(lab.lapsAdmins.name);
    expect(error.message).toContain(lab.lapsAdmins.sid);
  });

  it('nobody may not read it at all: exit 4, distinct from 7', async () => {
    const result = await getAs('nobody', encrypted.name, ...gkdi);
    expect(result.code).toBe(4);
    expect(errorOf(result).code).toBe('access-denied');
  });

  it("a foreign forest's blob: exit 7, naming the root key the key service does not know", async () => {
    const foreign = find(
      (c) => c.encrypted?.origin === 'foreign-vector',
      'foreign-vector computer',
    );
    const result = await getAs('administrator', foreign.name, ...gkdi);
    expect(result.code).toBe(7);
    expect(errorOf(result).message).toMatch(/root key [0-9a-f-]{36}/);
  });

  it('without an endpoint, the Samba DC has no key service: exit 5 with what to do', async () => {
    const result = await getAs('lapsadmin', encrypted.name);
    expect(result.code).toBe(5);
    expect(errorOf(result).message).toContain('gkdiEndpoint');
  });

  it('a malformed endpoint is a usage error before any connection', async () => {
    const result = await getAs('lapsadmin', encrypted.name, '--gkdi-endpoint', 'nohost');
    expect(result.code).toBe(2);
  });
});
