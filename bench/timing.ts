// Timing subjects: one A/B(/C) comparison runs its subjects in turn, rotating the order each round
// so that none always runs right after another (caches, CPU frequency, the DC's own state).
import { spawn } from 'node:child_process';

export interface Subject {
  readonly label: string;
  /** One timed run, in milliseconds; throws if the run did not do what it should. */
  readonly run: () => Promise<number>;
}

/**
 * A subject whose output is checked after the clock stops, so the check costs nothing and a
 * failure is never timed as if it were a result.
 */
export function subject<T>(
  label: string,
  run: () => Promise<T>,
  check: (output: T) => string | undefined,
): Subject {
  return {
    label,
    async run() {
      const started = performance.now();
      const output = await run();
      const elapsed = performance.now() - started;
      const problem = check(output);
      if (problem !== undefined) throw new Error(`${label}: ${problem}`);
      return elapsed;
    },
  };
}

/** Warm-up runs (discarded), then `rounds` rounds of every subject once; samples per subject. */
export async function interleave(
  subjects: readonly Subject[],
  warmups: number,
  rounds: number,
): Promise<number[][]> {
  const samples = subjects.map((): number[] => []);
  for (let round = -warmups; round < rounds; round++) {
    for (let k = 0; k < subjects.length; k++) {
      const index = (((round + k) % subjects.length) + subjects.length) % subjects.length;
      const elapsed = await (subjects[index] as Subject).run();
      if (round >= 0) samples[index]?.push(elapsed);
    }
  }
  return samples;
}

export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its exit, output collected; the caller times it. */
export function runProcess(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
  });
}

/** A subject that spawns a fresh process each run, checked by exit code and output. */
export function processSubject(
  label: string,
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  check: (result: ProcessResult) => string | undefined = () => undefined,
): Subject {
  return subject(
    label,
    () => runProcess(command, args, env),
    (result) =>
      result.code !== 0
        ? `exit ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`
        : check(result),
  );
}
