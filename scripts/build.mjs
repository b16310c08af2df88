// Builds what runs: the `lapsctl` bundle, and the console (Electron main, preload, renderer).
// `node scripts/build.mjs [cli] [app] [renderer]` builds only those; with none, all of them.
import { build } from 'esbuild';
import { chmod, rm } from 'node:fs/promises';
import process from 'node:process';

const requested = new Set(process.argv.slice(2));
const wants = (part) => requested.size === 0 || requested.has(part);
// Bundles that load CommonJS packages (ldapts's dependencies) in an ESM file need `require`.
const requireShim =
  "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

if (wants('cli')) {
  // One ESM file loads faster than a tree of modules, which is most of a CLI's start-up time.
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
    banner: { js: `#!/usr/bin/env node\n${requireShim}` },
    logLevel: 'warning',
  });
  await chmod(outfile, 0o755);
}

if (wants('app')) {
  await rm('dist/app', { recursive: true, force: true });
  await rm('dist/preload', { recursive: true, force: true });
  // Electron's main process: ESM (package.json "type": "module"), core bundled in.
  await build({
    entryPoints: ['main/app/main.ts'],
    outfile: 'dist/app/main.js',
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    sourcemap: 'linked',
    external: ['electron', 'kerberos'],
    banner: { js: requireShim },
    logLevel: 'warning',
  });
  // A sandboxed preload must be one CommonJS file that requires nothing but electron.
  await build({
    entryPoints: ['preload/index.ts'],
    outfile: 'dist/preload/index.cjs',
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['electron'],
    logLevel: 'warning',
  });
}

if (wants('renderer')) {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: 'vite.renderer.config.ts' });
}
