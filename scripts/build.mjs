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

// The Entra packages (MSAL, the Graph SDK) are a third of a megabyte: bundled into lapsctl.cjs
// they would be parsed at every start (~12 ms). Each becomes its own file beside it instead,
// required only when `lapsctl entra` runs (run.ts imports the entra command lazily).
const ENTRA_PACKAGES = {
  '@azure/msal-node': 'lapsctl-msal-node.cjs',
  '@microsoft/microsoft-graph-client': 'lapsctl-graph-client.cjs',
};
const entraPackagesApart = {
  name: 'entra-packages-apart',
  setup(pluginBuild) {
    pluginBuild.onResolve(
      { filter: /^(@azure\/msal-node|@microsoft\/microsoft-graph-client)$/ },
      (args) => ({
        path: `./${ENTRA_PACKAGES[args.path]}`,
        external: true,
      }),
    );
  },
};

if (wants('cli')) {
  // One CommonJS file: it loads faster than a tree of modules or an ESM bundle, and loading is
  // most of a CLI's start-up time.
  const outfile = 'dist/cli/lapsctl.cjs';
  // Less to read and parse at every start; names kept, as errors carry their class name.
  const cliFile = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    keepNames: true,
    logLevel: 'warning',
  };
  for (const [pkg, file] of Object.entries(ENTRA_PACKAGES)) {
    await build({
      ...cliFile,
      stdin: { contents: `module.exports = require(${JSON.stringify(pkg)});`, resolveDir: '.' },
      outfile: `dist/cli/${file}`,
    });
  }
  await build({
    ...cliFile,
    entryPoints: ['main/cli/lapsctl.ts'],
    outfile,
    sourcemap: 'linked',
    // Native packages stay runtime imports: a machine without kerberos still runs every other
    // command, and koffi (Windows-native decryption) is loaded only on Windows, only when used.
    external: ['kerberos', 'koffi'],
    plugins: [entraPackagesApart],
    // lapsctl always passes its own trust anchors (loadTrustAnchors), yet Node 20 still parses its
    // bundled root store for the first TLS context (~20 ms, nodejs/node#56301) unless told to use
    // OpenSSL's. npm's shims (cmd-shim) carry `env -S` arguments over to Windows.
    banner: { js: '#!/usr/bin/env -S node --use-openssl-ca' },
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
    external: ['electron', 'kerberos', 'koffi'],
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
