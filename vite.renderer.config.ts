// The renderer's build: React + Fluent UI into dist/renderer, loaded by Electron from the
// laps-console:// scheme and by the test host over http. Every asset is a file of its own (no
// data: URLs) so that the CSP can stay 'self'.
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { META_CONTENT_SECURITY_POLICY } from './main/app/security-policy.js';

function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'laps-console-csp-meta',
    transformIndexHtml: (html) => html.replace('%LAPS_META_CSP%', META_CONTENT_SECURITY_POLICY),
  };
}

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), contentSecurityPolicyMeta()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    // Electron 45 ships Chromium 142; Debian's Chromium is newer.
    target: 'chrome130',
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    chunkSizeWarningLimit: 2048,
  },
  logLevel: 'warn',
});
