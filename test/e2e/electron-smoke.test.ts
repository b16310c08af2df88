// The real Electron shell, where an Electron binary exists (ELECTRON_OVERRIDE_DIST_PATH). None
// can be downloaded on these machines: this is the one test allowed to skip, in CI too.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL } from '../../main/app/security-policy.js';
import type { LapsApi } from '../../shared/ipc/api.js';
import { CHANNELS } from '../../shared/ipc/channels.js';

const distPath = process.env.ELECTRON_OVERRIDE_DIST_PATH;
if (!distPath)
  console.log(
    '[e2e] Electron smoke test skipped: there is no Electron binary here; set ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron to run it.',
  );

describe.skipIf(!distPath)('the Electron app', () => {
  it('opens one hardened window whose page has window.laps and nothing of Node', async () => {
    const configDir = await mkdtemp(join(tmpdir(), 'laps-console-electron-'));
    const app = await _electron.launch({
      executablePath: join(
        distPath ?? '',
        process.platform === 'win32' ? 'electron.exe' : 'electron',
      ),
      args: ['.', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
      cwd: join(import.meta.dirname, '..', '..'),
      env: { ...process.env, LAPS_CONSOLE_CONFIG_DIR: configDir },
    });
    try {
      const window = await app.firstWindow();
      await window.waitForLoadState('domcontentloaded');
      expect(await window.title()).toBe('LAPS Console');
      expect(window.url()).toBe(APP_ENTRY_URL);

      const page = await window.evaluate(async () => {
        const scope = globalThis as unknown as Record<string, unknown> & { laps: LapsApi };
        return {
          methods: Object.entries(scope.laps).flatMap(([area, group]) =>
            Object.keys(group as object).map((verb) => `${area}.${verb}`),
          ),
          hasRequire: 'require' in scope,
          hasProcess: 'process' in scope,
          list: await scope.laps.profile.list({}),
          popup: (scope.open as (url: string) => unknown)('https://example.com/') === null,
        };
      });
      expect(page.methods.sort()).toEqual([...CHANNELS].sort());
      expect(page.hasRequire).toBe(false);
      expect(page.hasProcess).toBe(false);
      expect(page.list).toEqual({ ok: true, value: { profiles: [] } });
      expect(page.popup).toBe(true);

      await window.evaluate(() => {
        (globalThis as unknown as { location: { href: string } }).location.href =
          'https://example.com/';
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(window.url()).toBe(APP_ENTRY_URL);

      const main = await app.evaluate(({ app: electronApp, BrowserWindow }) => ({
        name: electronApp.getName(),
        urls: BrowserWindow.getAllWindows().map((w) => w.webContents.getURL()),
      }));
      expect(main).toEqual({ name: 'laps-console', urls: [APP_ENTRY_URL] });
      expect(app.windows().length).toBe(1);
    } finally {
      await app.close();
      await rm(configDir, { recursive: true, force: true });
    }
  });
});
