import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinitAs, readSecret, requireLab, type LabComputer, type LabUserKey } from './lab-env.js';
import { errorOf, jsonOf, runLapsctl, signInAs } from './lapsctl.js';

const lab = requireLab();

interface AuditLine {
  seq: number;
  time: string;
  action: string;
  computer: string;
  dn: string;
  source: string | null;
  detail: string | null;
  actor: { osUser: string; identity: string; server: string | null };
  app: string;
  prev: string;
  hash: string;
}

describe.skipIf(!lab)('the audit log of lapsctl against the lab DC', () => {
  if (!lab) return;
  const scratch = mkdtempSync(join(tmpdir(), 'lapsctl-audit-lab-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  let folders = 0;
  /** A config folder that does not exist yet, as on a first run. */
  const newConfig = () => join(scratch, `config-${++folders}`, 'laps-console');
  const as = (user: LabUserKey) => signInAs(lab, user);
  const pick = (predicate: (computer: LabComputer) => boolean, what: string): LabComputer => {
    const found = lab.computers.find(predicate);
    if (!found) throw new Error(`the lab seed has no ${what}`);
    return found;
  };
  const windowsLaps = pick(
    (c) => c.flavours.length === 1 && c.windowsLaps !== null && !c.disabled,
    'Windows LAPS computer',
  );
  const encrypted = pick(
    (c) => c.flavours.length === 1 && c.encrypted?.origin === 'lab',
    'lab-encrypted-only computer',
  );
  const auditLines = (config: string): AuditLine[] =>
    readFileSync(join(config, 'audit.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as AuditLine);
  const secrets = (): string[] => [
    windowsLaps.windowsLaps?.password ?? '',
    ...(['administrator', 'resetter'] as const).map((user) => readSecret(user)),
  ];

  describe('get, then expire', () => {
    const config = newConfig();
    const env = { LAPS_CONSOLE_CONFIG_DIR: config };
    // The seeded expiration, written back as it is: the lab is left unchanged.
    const expires = windowsLaps.windowsLaps?.expires ?? '';

    beforeAll(async () => {
      const get = await runLapsctl(['get', windowsLaps.name, '--json', ...as('administrator')], {
        env,
      });
      expect(get.stderr).toBe('');
      expect(jsonOf<{ password: string }>(get).password).toBe(windowsLaps.windowsLaps?.password);
      const expire = await runLapsctl(
        ['expire', windowsLaps.name, '--at', expires, '--json', ...as('resetter')],
        { env },
      );
      expect(expire.stderr).toBe('');
      expect(expire.code).toBe(0);
    });

    it('leaves a reveal and an expire record, chained, with the actor of each', () => {
      const [reveal, expire, ...more] = auditLines(config);
      expect(more).toEqual([]);
      const server = lab.ldapsUrl;
      expect(reveal).toMatchObject({
        seq: 1,
        action: 'reveal',
        computer: windowsLaps.name,
        dn: windowsLaps.dn,
        source: 'windows-laps',
        detail: null,
        actor: { osUser: userInfo().username, identity: lab.users.administrator.upn, server },
        app: 'lapsctl',
        prev: '0'.repeat(64),
      });
      expect(expire).toMatchObject({
        seq: 2,
        action: 'expire',
        computer: windowsLaps.name,
        dn: windowsLaps.dn,
        source: 'windows-laps',
        detail: expires,
        actor: { osUser: userInfo().username, identity: lab.users.resetter.upn, server },
        app: 'lapsctl',
        prev: reveal?.hash,
      });
      for (const record of [reveal, expire])
        expect(Math.abs(Date.parse(record?.time ?? '') - Date.now())).toBeLessThan(60_000);
    });

    it('holds no password, neither the one shown nor the ones signed in with', () => {
      const text = readFileSync(join(config, 'audit.jsonl'), 'utf8');
      for (const secret of secrets()) {
        expect(secret.length).toBeGreaterThan(4);
        expect(text).not.toContain(secret);
      }
    });

    it('creates the folder 0700 and the log 0600', () => {
      expect(statSync(config).mode & 0o777).toBe(0o700);
      expect(statSync(join(config, 'audit.jsonl')).mode & 0o777).toBe(0o600);
    });

    it('verifies with exit 0, then exits 8 naming the line once one is edited', async () => {
      const intact = await runLapsctl(['audit', 'verify', '--json'], { env });
      expect(intact.code).toBe(0);
      expect(jsonOf<{ ok: boolean; records: number }>(intact)).toMatchObject({
        ok: true,
        records: 2,
      });
      const log = join(config, 'audit.jsonl');
      const original = readFileSync(log, 'utf8');
      try {
        writeFileSync(log, original.replace('"action":"reveal"', '"action":"copy"'));
        const edited = await runLapsctl(['audit', 'verify'], { env });
        expect(edited.code).toBe(8);
        expect(edited.stderr).toContain('line 1 was edited');
        const json = await runLapsctl(['audit', 'verify', '--json'], { env });
        expect(json.code).toBe(8);
        expect(JSON.parse(json.stderr)).toMatchObject({
          error: { code: 'malformed-data', kind: 'edited', line: 1 },
        });
      } finally {
        writeFileSync(log, original);
      }
    });

    it('shows both records, newest last', async () => {
      const result = await runLapsctl(['audit', 'show', '--json'], { env });
      expect(result.code).toBe(0);
      expect(jsonOf<AuditLine[]>(result).map((record) => record.action)).toEqual([
        'reveal',
        'expire',
      ]);
    });
  });

  it('records a decrypt as "decrypt", and nothing when decryption is refused', async () => {
    const config = newConfig();
    const refused = await runLapsctl(
      ['get', encrypted.name, '--json', '--gkdi-endpoint', lab.gkdiEndpoint, ...as('helpdesk')],
      { env: { LAPS_CONSOLE_CONFIG_DIR: config } },
    );
    expect(refused.code).toBe(7);
    expect(() => statSync(join(config, 'audit.jsonl'))).toThrow();
    const result = await runLapsctl(
      ['get', encrypted.name, '--json', '--decrypt-with', 'root-key', ...as('administrator')],
      { env: { LAPS_CONSOLE_CONFIG_DIR: config } },
    );
    expect(result.code).toBe(0);
    const withHistory = await runLapsctl(
      [
        'get',
        encrypted.name,
        '--history',
        '--json',
        '--decrypt-with',
        'root-key',
        ...as('administrator'),
      ],
      { env: { LAPS_CONSOLE_CONFIG_DIR: config } },
    );
    expect(withHistory.code).toBe(0);
    const entries = jsonOf<{ history: unknown[] }>(withHistory).history.length;
    const [line, historyLine] = auditLines(config);
    // The detail names what was decrypted, in the console's words (core's decryptDetail).
    expect(line).toMatchObject({
      action: 'decrypt',
      computer: encrypted.name,
      source: 'windows-laps-encrypted',
      detail: 'msLAPS-EncryptedPassword',
    });
    expect(historyLine).toMatchObject({
      action: 'decrypt',
      detail: `msLAPS-EncryptedPassword + msLAPS-EncryptedPasswordHistory (${entries} ${entries === 1 ? 'entry' : 'entries'})`,
    });
    expect(readFileSync(join(config, 'audit.jsonl'), 'utf8')).not.toContain(
      encrypted.encrypted?.current?.password,
    );
  });

  it('names the identity "kerberos" for a Kerberos sign-in', async () => {
    const config = newConfig();
    const ccache = join(scratch, 'krb5cc-administrator');
    await kinitAs('administrator', ccache);
    const result = await runLapsctl(
      [
        'get',
        windowsLaps.name,
        '--json',
        '--auth',
        'kerberos',
        '--server',
        lab.ldapsUrl,
        '--ca',
        lab.caFile,
      ],
      {
        env: {
          LAPS_CONSOLE_CONFIG_DIR: config,
          KRB5_CONFIG: lab.krb5Config,
          KRB5CCNAME: `FILE:${ccache}`,
        },
      },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(auditLines(config).map((record) => record.actor)).toEqual([
      { osUser: userInfo().username, identity: 'kerberos', server: lab.ldapsUrl },
    ]);
  });

  it('shows no password and exits 1 when the log cannot be written (/dev/full)', async () => {
    const config = newConfig();
    mkdirSync(config, { recursive: true });
    symlinkSync('/dev/full', join(config, 'audit.jsonl'));
    for (const json of [true, false]) {
      const result = await runLapsctl(
        ['get', windowsLaps.name, ...(json ? ['--json'] : []), ...as('administrator')],
        { env: { LAPS_CONSOLE_CONFIG_DIR: config } },
      );
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).not.toContain(windowsLaps.windowsLaps?.password ?? '');
      if (json) {
        expect(errorOf(result)).toMatchObject({
          code: 'audit-unavailable',
          message: expect.stringMatching(
            /^Cannot write the audit log at .*audit\.jsonl \(.*\): .*; the password was not shown\.$/,
          ) as unknown,
        });
      } else {
        expect(result.stderr).toMatch(/^lapsctl: Cannot write the audit log at /);
      }
    }
  });
});
