import { parseArgs } from 'node:util';
import { checkSearchLimit } from '../core/directory/computers.js';
import { LapsError, toLapsError, UsageError } from '../core/errors/laps-error.js';
import { runExpire } from './commands/expire.js';
import { runGet } from './commands/get.js';
import { runSearch } from './commands/search.js';
import { CONNECTION_HELP, CONNECTION_OPTIONS, profileFromFlags } from './connection-flags.js';
import { EXIT_CODES } from './exit-codes.js';
import { writeError, type Output } from './output.js';

const USAGE = `Usage: lapsctl <command> [options]

Commands:
  get COMPUTER [--json]                  show a computer's LAPS password
  search TEXT [--limit N] [--json]       find computers by name prefix or * pattern
  expire COMPUTER [--at ISO8601] [--json] make the device rotate its password (now, or at a time)

${CONNECTION_HELP}

Exit codes: 0 ok, 1 unexpected, 2 usage, 3 not found, 4 access denied, 5 cannot connect / TLS /
authentication, 6 no LAPS password, 7 not authorized to decrypt, 8 malformed data.`;

const COMMAND_OPTIONS = {
  ...CONNECTION_OPTIONS,
  json: { type: 'boolean' },
  limit: { type: 'string' },
  at: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const OPTIONS_BY_COMMAND: Readonly<Record<string, readonly string[]>> = {
  get: ['json'],
  search: ['json', 'limit'],
  expire: ['json', 'at'],
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
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    output.stdout.write(`${USAGE}\n`);
    return command === undefined ? EXIT_CODES.usage : 0;
  }
  const allowed = OPTIONS_BY_COMMAND[command];
  if (!allowed) throw new UsageError(`Unknown command "${command}": use get, search or expire.`);
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
  for (const name of ['limit', 'at'] as const) {
    if (values[name] !== undefined && !allowed.includes(name))
      throw new UsageError(`${command} takes no --${name}.`);
  }
  if (positionals.length !== 1 || positionals[0] === undefined) {
    throw new UsageError(
      `${command} takes exactly one ${command === 'search' ? 'search text' : 'computer name'} (quote it if it has spaces).`,
    );
  }
  const target = positionals[0];
  const profile = await profileFromFlags(values, env);
  switch (command) {
    case 'get':
      await runGet(profile, target, output, signal);
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
      await runExpire(profile, target, values.at, output, signal);
      return 0;
  }
}

function parseLimit(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`--limit takes a whole number, not "${text}".`);
  return checkSearchLimit(Number(text));
}
