// The `lapsctl` program: everything it does is in run.ts, which tests import directly.
import { main } from './run.js';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
// No top-level await: the bundle is CommonJS, which loads faster.
void main(
  process.argv.slice(2),
  process.env,
  { stdout: process.stdout, stderr: process.stderr, now: new Date() },
  controller.signal,
).then((code) => {
  process.exitCode = code;
});
