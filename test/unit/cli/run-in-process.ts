// Runs lapsctl's main() in this process with captured output: for tests that need no DC.
import { PassThrough } from 'node:stream';
import { main } from '../../../main/cli/run.js';

export async function runInProcess(
  argv: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await main(
    argv,
    env,
    { stdout, stderr, now: new Date('2026-11-23T12:00:00Z') },
    new AbortController().signal,
  );
  return { code, stdout: out, stderr: err };
}
