import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWhen } from '../../../main/cli/commands/expire.js';
import { profileFromFlags } from '../../../main/cli/connection-flags.js';
import { runInProcess } from './run-in-process.js';
import { UsageError } from '../../../main/core/errors/laps-error.js';

const run = runInProcess;

function configWith(profiles: unknown): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'lapsctl-config-'));
  writeFileSync(join(dir, 'profiles.json'), JSON.stringify({ profiles }));
  return { LAPS_CONSOLE_CONFIG_DIR: dir };
}

describe('lapsctl arguments', () => {
  it('refuses a password on the command line, before any connection', async () => {
    for (const flag of [['--password', 'x'], ['--password=x']]) {
      const result = await run(['get', 'PC01', '--user', 'a@b', ...flag]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--password-file');
    }
  });

  it('prints usage errors as one JSON object with --json', async () => {
    const result = await run(['get', '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stderr)).toEqual({
      error: { code: 'usage', message: expect.stringContaining('exactly one') as unknown },
    });
  });

  it.each([
    [['frobnicate', 'x'], 'Unknown command'],
    [['get', 'a', 'b'], 'exactly one'],
    [['get', 'a', '--limit', '3'], 'takes no --limit'],
    [['search', 'a', '--limit', 'ten'], 'whole number'],
    [['search', 'a', '--limit', '0', '--server', 'ldaps://127.0.0.1:9'], '1 to 10000'],
    [['get', 'a', '--bogus'], 'Unknown option'],
    [['get', 'a', '--auth', 'ntlm'], '--auth must be'],
    [['expire', 'a', '--at', 'tomorrow'], 'ISO 8601'],
    [['get', 'a', '--profile', 'missing'], 'no profile "missing"'],
    [['get', 'a', '--decrypt-with', 'magic'], 'gkdi or root-key'],
    [['get', 'a', '--gkdi-endpoint', 'dc1'], 'host:port'],
    [['search', 'a', '--history'], 'takes no --history'],
    [['expire', 'a', '--dsrm'], 'takes no --dsrm'],
    [['decrypt'], '--blob-file FILE and --root-key-file FILE'],
    [['decrypt', '--blob-file', 'x'], '--root-key-file'],
    [['decrypt', 'x'], 'takes no arguments'],
    [['decrypt', '--server', 'ldaps://dc1'], 'takes no --server'],
    [
      ['decrypt', '--blob-file', '/nonexistent/blob', '--root-key-file', '/nonexistent/k'],
      'Cannot read the blob file',
    ],
    [
      ['kds-export', '--server', 'ldaps://127.0.0.1:9', '--user', 'a@b', '--password-env', 'P'],
      'needs --out FILE',
    ],
  ])('exits 2 for %j', async (argv, message) => {
    const result = await run(argv, configWith({}));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('prints help with exit 0', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('lapsctl <command>');
    for (const words of [
      'decrypt --blob-file',
      'kds-export --out',
      '--history',
      '--dsrm',
      '--decrypt-with',
      '--gkdi-endpoint',
      '7 not authorized',
    ])
      expect(result.stdout).toContain(words);
  });

  it('takes gkdiEndpoint from a profile, and checks it is text', async () => {
    expect(
      await profileFromFlags(
        { profile: 'lab' },
        configWith({ lab: { user: 'a@lab.test', gkdiEndpoint: '127.0.0.1:49735' } }),
      ),
    ).toMatchObject({ gkdiEndpoint: '127.0.0.1:49735' });
    await expect(
      profileFromFlags({ profile: 'lab' }, configWith({ lab: { gkdiEndpoint: 49735 } })),
    ).rejects.toThrow(UsageError);
  });
});

describe('connection flags', () => {
  it('defaults to Kerberos and discovery when nothing is given', async () => {
    expect(await profileFromFlags({}, {})).toEqual({ auth: 'kerberos' });
  });

  it('takes a simple bind when a user is given', async () => {
    expect(await profileFromFlags({ user: 'a@lab.test', 'password-env': 'PW' }, {})).toEqual({
      auth: 'simple',
      user: 'a@lab.test',
      passwordEnv: 'PW',
    });
  });

  it('starts from a profile and lets flags override it', async () => {
    const env = configWith({
      lab: {
        server: 'ldaps://dc1:636',
        ca: '/ca.pem',
        auth: 'simple',
        user: 'admin@lab.test',
        passwordFile: '/pw',
      },
    });
    expect(
      await profileFromFlags(
        { profile: 'lab', user: 'helpdesk@lab.test', 'password-env': 'HPW' },
        env,
      ),
    ).toEqual({
      auth: 'simple',
      server: 'ldaps://dc1:636',
      ca: '/ca.pem',
      user: 'helpdesk@lab.test',
      passwordEnv: 'HPW',
    });
  });

  it('drops the profile password source when --auth kerberos is given', async () => {
    const env = configWith({
      lab: { server: 'ldaps://dc1:636', auth: 'simple', user: 'a', passwordFile: '/pw' },
    });
    expect(await profileFromFlags({ profile: 'lab', auth: 'kerberos' }, env)).toEqual({
      auth: 'kerberos',
      server: 'ldaps://dc1:636',
      user: 'a',
    });
  });

  it('rejects a malformed profiles.json with a usage error', async () => {
    await expect(
      profileFromFlags({ profile: 'x' }, configWith({ x: { auth: 'ntlm' } })),
    ).rejects.toThrow(UsageError);
  });
});

describe('expire --at', () => {
  const now = new Date('2026-11-23T12:00:00Z');
  it('means now when absent', () => {
    expect(parseWhen(undefined, now)).toBe(now);
  });
  it('takes ISO 8601 with a zone', () => {
    expect(parseWhen('2026-12-01T18:00:00+01:00', now).toISOString()).toBe(
      '2026-12-01T17:00:00.000Z',
    );
    expect(parseWhen('2026-12-01T18:00Z', now).toISOString()).toBe('2026-12-01T18:00:00.000Z');
  });
  it.each(['2026-12-01', '2026-12-01T18:00:00', 'next week', '2026-13-01T00:00:00Z'])(
    'refuses %j',
    (text) => {
      expect(() => parseWhen(text, now)).toThrow(UsageError);
    },
  );
});
