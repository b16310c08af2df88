// Builds what runs outside Electron: the `lapsctl` bundle. One ESM file loads faster than a
// tree of modules, which is most of a CLI's start-up time.
import { build } from 'esbuild';
import { chmod } from 'node:fs/promises';

const outfile = 'dist/cli/lapsctl.js';
await build({
  entryPoints: ['main/cli/lapsctl.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  // Native (kerberos) stays a runtime import so a machine without it still runs every other command.
  external: ['kerberos'],
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  logLevel: 'warning',
});
await chmod(outfile, 0o755);
