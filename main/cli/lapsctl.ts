// The `lapsctl` program: everything it does is in run.ts, which tests import directly.
import { main } from './run.js';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.exitCode = await main(
  process.argv.slice(2),
  process.env,
  { stdout: process.stdout, stderr: process.stderr, now: new Date() },
  controller.signal,
);
