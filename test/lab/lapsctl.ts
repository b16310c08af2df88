// Runs the built `lapsctl` as a user would: a separate process, real arguments, real exit code.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabEnv, LabUserKey } from './lab-env.js';

export const LAPSCTL = fileURLToPath(new URL('../../dist/cli/lapsctl.cjs', import.meta.url));

// Tests keep their audit records (and any profiles they write) out of the user's own folder.
const TEST_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'lapsctl-test-config-'));

export interface LapsctlResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
}

/**
 * `wrap` turns the node command line into another, e.g. to run it inside `unshare -m` with the
 * lab's resolv.conf mounted over /etc/resolv.conf.
 */
export function runLapsctl(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; wrap?: (argv: readonly string[]) => readonly string[] } = {},
): Promise<LapsctlResult> {
  if (!existsSync(LAPSCTL)) throw new Error(`${LAPSCTL} is missing: run \`npm run build\` first.`);
  // Run as a user runs it: the file itself, so its shebang (and its node flags) apply.
  const argv = [LAPSCTL, ...args];
  const [command = process.execPath, ...rest] = options.wrap ? options.wrap(argv) : argv;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, rest, {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        LAPS_CONSOLE_CONFIG_DIR: TEST_CONFIG_DIR,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout, stderr, elapsedMs: performance.now() - started }),
    );
  });
}

/** Parses --json output, failing with what the command printed when it is not JSON. */
export function jsonOf<T>(result: LapsctlResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(
      `lapsctl printed no JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`,
    );
  }
}

export function errorOf(result: LapsctlResult): { code: string; message: string } {
  return (JSON.parse(result.stderr) as { error: { code: string; message: string } }).error;
}

/** The flags that sign in to the lab DC as one of its users: LDAPS, the lab CA, a password file. */
export function signInAs(lab: LabEnv, user: LabUserKey): string[] {
  const { upn, passwordFile } = lab.users[user];
  return [
    '--server',
    lab.ldapsUrl,
    '--ca',
    lab.caFile,
    '--user',
    upn,
    '--password-file',
    passwordFile,
  ];
}
