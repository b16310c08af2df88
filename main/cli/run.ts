import { parseArgs } from 'node:util';
import { auditLogPaths } from '../core/audit/audit-log.js';
import { checkSearchLimit } from '../core/directory/computers.js';
import { LapsError, toLapsError, UsageError } from '../core/errors/laps-error.js';
import { configDirectory } from '../core/profiles/profile-store.js';
import { DEFAULT_SHOW_LIMIT, runAuditShow, runAuditVerify } from './commands/audit.js';
import { parseEndpoint } from '../core/rpc/gkdi.js';
import { runDecrypt } from './commands/decrypt.js';
import { runExpire } from './commands/expire.js';
import { runKdsExport } from './commands/kds-export.js';
import { runGet } from './commands/get.js';
import { runSearch } from './commands/search.js';
import { CONNECTION_HELP, CONNECTION_OPTIONS, profileFromFlags } from './connection-flags.js';
import { EXIT_CODES } from './exit-codes.js';
import { writeError, type Output } from './output.js';

const USAGE = `Usage: lapsctl <command> [options]

Commands:
  get COMPUTER [--json]                  show a computer's LAPS password (recorded in the audit log);
                                         an encrypted one is decrypted
      --history                          add the password history, newest first
      --dsrm                             a domain controller's DSRM password instead
      --decrypt-with gkdi|root-key       group keys from the key service (default); root-key: when
                                         no key service answers, derive them from the KDS root
                                         keys (Domain Admins; explicit opt-in)
      --gkdi-endpoint HOST:PORT          the key service (MS-GKDI) to ask, instead of the DC's
                                         endpoint mapper (a Samba DC has none)
  search TEXT [--limit N] [--json]       find computers by name prefix or * pattern
  expire COMPUTER [--at ISO8601] [--json] make the device rotate its password (now, or at a time)
  decrypt --blob-file FILE --root-key-file FILE [--json]
                                         decrypt an encrypted LAPS value offline with KDS root keys
                                         (the value with or without its 16-byte header)
  kds-export --out FILE [--json]         write the forest's KDS root keys to a new file (mode 0600)
                                         for offline recovery; Domain Admins only
  audit verify [--json]                  check that no line of the audit log was edited or removed
  audit show [--limit N] [--json]        the last N audit records (default ${DEFAULT_SHOW_LIMIT}), newest last
  entra list|get|rotate ...              LAPS passwords backed up to Microsoft Entra ID
                                         (lapsctl entra --help)

${CONNECTION_HELP}

Encrypted passwords are decrypted through the key service with NTLM as the --user of a simple
bind; profiles may hold "gkdiEndpoint": "host:port". With Kerberos, Windows decrypts as the
signed-in user; elsewhere Kerberos for the key service is not built yet (use a simple bind).

The audit log (audit.jsonl in the config folder) records every password shown or decrypted,
every root key export and every expiration changed, never a password. If it cannot be
written, get and decrypt show no password, kds-export writes no key, and expire stops before
the change.

Exit codes: 0 ok, 1 unexpected or audit log not writable, 2 usage, 3 not found, 4 access denied,
5 cannot connect / TLS / authentication / no key service, 6 no LAPS password, 7 not authorized
to decrypt (not in the group the password is encrypted to, or an unknown root key), 8 malformed
data (in the directory, a blob or key file, or a damaged audit log).`;

const COMMAND_OPTIONS = {
  ...CONNECTION_OPTIONS,
  json: { type: 'boolean' },
  limit: { type: 'string' },
  at: { type: 'string' },
  history: { type: 'boolean' },
  dsrm: { type: 'boolean' },
  'decrypt-with': { type: 'string' },
  'gkdi-endpoint': { type: 'string' },
  'blob-file': { type: 'string' },
  'root-key-file': { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type CommandOption = Exclude<keyof typeof COMMAND_OPTIONS, 'help'>;

interface CommandSpec {
  /** Options besides the connection flags. */
  readonly options: readonly CommandOption[];
  /** Takes the connection flags: it talks to a DC. */
  readonly connects: boolean;
  /** What its one argument is; audit commands have none besides their subcommand. */
  readonly argument: string | null;
}

const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  get: {
    options: ['json', 'history', 'dsrm', 'decrypt-with', 'gkdi-endpoint'],
    connects: true,
    argument: 'computer name',
  },
  search: { options: ['json', 'limit'], connects: true, argument: 'search text' },
  expire: { options: ['json', 'at'], connects: true, argument: 'computer name' },
  decrypt: { options: ['json', 'blob-file', 'root-key-file'], connects: false, argument: null },
  'kds-export': { options: ['json', 'out'], connects: true, argument: null },
  'audit verify': { options: ['json'], connects: false, argument: null },
  'audit show': { options: ['json', 'limit'], connects: false, argument: null },
};

export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  output: Omit<Output, 'json'>,
  signal: AbortSignal,
): Promise<number> {
  const wantsJson = argv.includes('--json');
  try {
    return await dispatch(argv, env, { ...output, json: wantsJson }, signal);
  } catch (error) {
    const lapsError = error instanceof LapsError ? error : toLapsError(error);
    writeError({ ...output, json: wantsJson }, lapsError.toInfo());
    if (lapsError.code === 'usage' && !wantsJson)
      output.stderr.write('Run `lapsctl --help` for usage.\n');
    return EXIT_CODES[lapsError.code];
  }
}

async function dispatch(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  output: Output,
  signal: AbortSignal,
): Promise<number> {
  const [first, ...afterFirst] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    output.stdout.write(`${USAGE}\n`);
    return first === undefined ? EXIT_CODES.usage : 0;
  }
  if (first === 'entra') {
    // Loaded only for entra: MSAL and the Graph SDK are not parsed by every other command.
    const { runEntra } = await import('./commands/entra.js');
    return runEntra(afterFirst, output, auditLogPaths(configDirectory(env)), env, signal);
  }
  let command = first;
  let rest = afterFirst;
  // `audit` takes its subcommand as the next word: `lapsctl audit verify`.
  if (first === 'audit') {
    const [subcommand, ...afterSubcommand] = afterFirst;
    if (subcommand === '--help' || subcommand === '-h') {
      output.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (subcommand === undefined || subcommand.startsWith('-'))
      throw new UsageError('audit takes a subcommand: audit verify, or audit show.');
    command = `audit ${subcommand}`;
    rest = afterSubcommand;
  }
  const spec = COMMANDS[command];
  if (!spec) {
    throw new UsageError(
      first === 'audit'
        ? `Unknown audit subcommand "${command.slice('audit '.length)}": use verify or show.`
        : `Unknown command "${first}": use get, search, expire, decrypt, kds-export, audit or entra.`,
    );
  }
  if (rest.some((arg) => arg === '--password' || arg.startsWith('--password='))) {
    throw new UsageError(
      'A password is never taken on the command line (other users can see it): use --password-file FILE or --password-env VAR.',
    );
  }
  let parsed: ReturnType<
    typeof parseArgs<{
      args: string[];
      options: typeof COMMAND_OPTIONS;
      allowPositionals: true;
      strict: true;
    }>
  >;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: COMMAND_OPTIONS,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\.$/, '')}.`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    output.stdout.write(`${USAGE}\n`);
    return 0;
  }
  for (const name of Object.keys(values) as (keyof typeof values)[]) {
    if (name === 'help' || values[name] === undefined || spec.options.includes(name)) continue;
    if (!(name in CONNECTION_OPTIONS) || !spec.connects) {
      throw new UsageError(
        `${command} takes no --${name}${spec.connects ? '' : ': it reads the local audit log only, with no connection'}.`,
      );
    }
  }
  const auditPaths = auditLogPaths(configDirectory(env));
  if (spec.argument === null) {
    if (positionals.length > 0)
      throw new UsageError(`${command} takes no arguments (got "${positionals.join(' ')}").`);
    if (command === 'decrypt') {
      await runDecrypt(values['blob-file'], values['root-key-file'], output, auditPaths, env);
      return 0;
    }
    if (command === 'kds-export') {
      await runKdsExport(
        await profileFromFlags(values, env),
        values.out,
        output,
        signal,
        auditPaths,
      );
      return 0;
    }
    const paths = auditPaths;
    if (command === 'audit verify') await runAuditVerify(paths, output);
    else
      await runAuditShow(
        paths,
        values.limit !== undefined ? parseLimit(values.limit) : DEFAULT_SHOW_LIMIT,
        output,
      );
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] === undefined) {
    throw new UsageError(
      `${command} takes exactly one ${spec.argument} (quote it if it has spaces).`,
    );
  }
  const target = positionals[0];
  const profile = await profileFromFlags(values, env);
  switch (command) {
    case 'get':
      await runGet(
        values['gkdi-endpoint'] !== undefined
          ? { ...profile, gkdiEndpoint: parseGkdiEndpoint(values['gkdi-endpoint']) }
          : profile,
        target,
        output,
        signal,
        auditPaths,
        {
          history: values.history === true,
          dsrm: values.dsrm === true,
          decryptWith: parseDecryptWith(values['decrypt-with']),
        },
        env,
      );
      return 0;
    case 'search':
      await runSearch(
        profile,
        target,
        values.limit !== undefined ? parseLimit(values.limit) : undefined,
        output,
        signal,
      );
      return 0;
    default:
      await runExpire(profile, target, values.at, output, signal, auditPaths);
      return 0;
  }
}

function parseDecryptWith(text: string | undefined): 'gkdi' | 'root-key' {
  if (text === undefined || text === 'gkdi' || text === 'root-key') return text ?? 'gkdi';
  throw new UsageError(`--decrypt-with takes gkdi or root-key, not "${text}".`);
}

/** Checked here, so a typo is a usage error before any connection. */
function parseGkdiEndpoint(text: string): string {
  parseEndpoint(text);
  return text;
}

function parseLimit(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`--limit takes a whole number, not "${text}".`);
  return checkSearchLimit(Number(text));
}
