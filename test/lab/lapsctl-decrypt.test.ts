/**
 * Encrypted LAPS passwords end to end with the built lapsctl against the seeded lab: offline
 * recovery (kds-export, then decrypt with the export), `get` through the root keys (Domain
 * Admins' opt-in), and hostile files.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT_KEY_ATTRIBUTES } from '../../main/core/directory/kds-root-keys.js';
import { withLabAdmin } from './lab-admin.js';
import { requireLab, type LabComputer, type LabPlainPassword } from './lab-env.js';
import { errorOf, jsonOf, runLapsctl, signInAs } from './lapsctl.js';

const lab = requireLab();

interface GetJson {
  computer: string;
  source: string;
  dsrm?: boolean;
  account: string | null;
  password: string | null;
  updated: string | null;
  expires: string | null;
  history?: LabPlainPassword[];
}

/** The raw attribute value, read as Administrator with plain ldapts (not the code under test). */
function readValue(dn: string, attribute: string): Promise<Buffer> {
  if (!lab) throw new Error('no lab');
  return withLabAdmin(lab, async (client) => {
    const { searchEntries } = await client.search(dn, {
      scope: 'base',
      attributes: [attribute],
      explicitBufferAttributes: [attribute],
    });
    const value = searchEntries[0]?.[attribute];
    const first = Array.isArray(value) ? value[0] : value;
    if (!Buffer.isBuffer(first)) throw new Error(`${dn} has no ${attribute}`);
    return first;
  });
}

describe.skipIf(!lab)('lapsctl decrypt, kds-export and get --decrypt-with root-key', () => {
  if (!lab) return;
  const dir = mkdtempSync(join(tmpdir(), 'lapsctl-decrypt-'));
  const admin = signInAs(lab, 'administrator');
  const exported = join(dir, 'root-keys.json');
  const withHistory = lab.computers.find(
    (c) => c.encrypted?.origin === 'lab' && c.encrypted.historyCount >= 3,
  );
  const foreign = lab.computers.find((c) => c.encrypted?.origin === 'foreign-vector');
  const pick = (computer: LabComputer | undefined, what: string): LabComputer => {
    if (!computer) throw new Error(`the lab seed has no ${what}`);
    return computer;
  };

  const decrypt = (blobFile: string, rootKeyFile = exported) =>
    runLapsctl(['decrypt', '--blob-file', blobFile, '--root-key-file', rootKeyFile, '--json']);
  const getRootKey = (name: string, ...flags: string[]) =>
    runLapsctl(['get', name, ...flags, '--decrypt-with', 'root-key', '--json', ...admin]);

  beforeAll(async () => {
    const result = await runLapsctl(['kds-export', '--out', exported, '--json', ...admin]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('kds-export writes the root keys as msKds-ProvRootKey attributes, mode 0600', () => {
    expect(statSync(exported).mode & 0o777).toBe(0o600);
    const keys = JSON.parse(readFileSync(exported, 'utf8')) as Record<string, unknown>[];
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      // What core reads from the directory, less the creation time (it only orders the keys).
      expect(Object.keys(key).sort()).toEqual(
        ROOT_KEY_ATTRIBUTES.filter((name) => name !== 'msKds-CreateTime').sort(),
      );
      expect(key['msKds-RootKeyData']).toMatch(/^[0-9a-f]{128}$/);
    }
  });

  it('kds-export never overwrites, and is for Domain Admins only (exit 4, no file)', async () => {
    const again = await runLapsctl(['kds-export', '--out', exported, '--json', ...admin]);
    expect(again.code).toBe(2);
    expect(errorOf(again).message).toContain('never overwrites');
    for (const user of ['helpdesk', 'lapsadmin'] as const) {
      const out = join(dir, `${user}.json`);
      const denied = await runLapsctl([
        'kds-export',
        '--out',
        out,
        '--json',
        ...signInAs(lab, user),
      ]);
      expect(denied.code).toBe(4);
      expect(errorOf(denied).code).toBe('access-denied');
      expect(existsSync(out)).toBe(false);
    }
  });

  it('decrypt recovers a password offline from the export, with or without the header', async () => {
    const computer = pick(withHistory, 'lab-encrypted computer with history');
    const value = await readValue(computer.dn, 'msLAPS-EncryptedPassword');
    const headed = join(dir, 'headed.bin');
    const bare = join(dir, 'bare.bin');
    writeFileSync(headed, value);
    writeFileSync(bare, value.subarray(16));
    for (const file of [headed, bare]) {
      const result = await decrypt(file);
      expect(result.stderr).toBe('');
      expect(jsonOf(result)).toEqual(computer.encrypted?.current);
    }
    // One key object, as the issue describes the format, works as well as the list.
    const keys = JSON.parse(readFileSync(exported, 'utf8')) as unknown[];
    for (const [i, key] of keys.entries()) {
      const single = join(dir, `key-${i}.json`);
      writeFileSync(single, JSON.stringify(key));
      const result = await decrypt(headed, single);
      // Only the root key the value names decrypts it; any other says which one it needs.
      if (result.code === 0) expect(jsonOf(result)).toEqual(computer.encrypted?.current);
      else {
        expect(result.code).toBe(7);
        expect(errorOf(result).message).toMatch(/root key [0-9a-f-]{36}/);
      }
    }
  });

  it("a foreign forest's blob is 'not authorized to decrypt' (exit 7), naming its root key", async () => {
    const computer = pick(foreign, 'foreign-vector computer');
    const file = join(dir, 'foreign.bin');
    writeFileSync(file, await readValue(computer.dn, 'msLAPS-EncryptedPassword'));
    const result = await decrypt(file);
    expect(result.code).toBe(7);
    expect(errorOf(result).message).toMatch(/root key [0-9a-f-]{36}/);
  });

  it('hostile or broken files are malformed data (exit 8) or usage (exit 2), with a sentence', async () => {
    const computer = pick(withHistory, 'lab-encrypted computer');
    const value = await readValue(computer.dn, 'msLAPS-EncryptedPassword');
    const cases: [string, Buffer, number][] = [
      ['truncated', value.subarray(0, value.length - 40), 8],
      ['garbage', Buffer.from('not a blob at all, just text'), 8],
      [
        'tag flipped',
        Buffer.concat([value.subarray(0, -1), Buffer.of((value.at(-1) ?? 0) ^ 1)]),
        8,
      ],
      ['huge', Buffer.alloc(10 * 1024 * 1024, 0x30), 8],
      ['empty', Buffer.alloc(0), 8],
    ];
    for (const [name, bytes, code] of cases) {
      const file = join(dir, `${name}.bin`);
      writeFileSync(file, bytes);
      const result = await decrypt(file);
      expect([name, result.code]).toEqual([name, code]);
      expect(errorOf(result).message).toMatch(/\.$/);
    }
    const badKeys = join(dir, 'bad-keys.json');
    writeFileSync(badKeys, '{"cn": "not a guid"}');
    const good = join(dir, 'good.bin');
    writeFileSync(good, value);
    const bad = await runLapsctl(['decrypt', '--blob-file', good, '--root-key-file', badKeys]);
    expect(bad.code).toBe(8);
    for (const args of [
      ['--blob-file', join(dir, 'missing.bin'), '--root-key-file', exported],
      ['--blob-file', good, '--root-key-file', join(dir, 'missing.json')],
      ['--blob-file', good],
    ]) {
      const result = await runLapsctl(['decrypt', ...args, '--json']);
      expect(result.code).toBe(2);
      expect(errorOf(result).code).toBe('usage');
    }
  });

  it('get --decrypt-with root-key decrypts the current password and its history, newest first', async () => {
    const computer = pick(withHistory, 'lab-encrypted computer with history');
    const result = await getRootKey(computer.name, '--history');
    expect(result.stderr).toBe('');
    const body = jsonOf<GetJson>(result);
    expect(body).toMatchObject({
      source: 'windows-laps-encrypted',
      ...computer.encrypted?.current,
      expires: computer.encrypted?.expires,
    });
    expect(body.history).toEqual(computer.encrypted?.history);
    expect(body.history).toHaveLength(computer.encrypted?.historyCount ?? -1);
  });

  it("get --dsrm returns the DC's DSRM password and history", async () => {
    const dc = lab.domainController;
    const result = await getRootKey(dc.name, '--dsrm', '--history');
    expect(result.stderr).toBe('');
    const body = jsonOf<GetJson>(result);
    expect(body).toMatchObject({ dsrm: true, ...dc.dsrm.current });
    expect(body.history).toEqual(dc.dsrm.history);
    const plain = await runLapsctl(['get', dc.name, '--json', ...admin]);
    expect(plain.code).toBe(6);
    expect(errorOf(plain).message).toContain('--dsrm');
    const notDc = await runLapsctl(['get', pick(withHistory, 'x').name, '--dsrm', ...admin]);
    expect(notDc.code).toBe(6);
  });

  it('--decrypt-with root-key without the right to read root keys is access denied (exit 4)', async () => {
    const computer = pick(withHistory, 'lab-encrypted computer');
    const result = await runLapsctl([
      'get',
      computer.name,
      '--decrypt-with',
      'root-key',
      '--json',
      ...signInAs(lab, 'lapsadmin'),
    ]);
    expect(result.code).toBe(4);
    expect(errorOf(result).message).toMatch(/KDS root key.*Domain Admins/);
  });

  it('records every decrypt and the export in the audit log, never a password', async () => {
    const show = await runLapsctl(['audit', 'show', '--limit', '100', '--json']);
    const records = jsonOf<{ action: string; detail: string | null }[]>(show);
    const actions = new Set(records.map((r) => r.action));
    expect(actions).toContain('decrypt');
    expect(actions).toContain('export');
    const computer = pick(withHistory, 'x');
    expect(show.stdout).not.toContain(computer.encrypted?.current?.password);
  });
});
