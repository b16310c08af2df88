/// <reference lib="dom" />
// The console's security boundary, end to end: the window's webPreferences and the CSP as data;
// the built renderer in Debian's Chromium under the very CSP Electron serves, trying what an
// injected script would try against another origin; every IPC channel fed malformed and hostile
// payloads through the test host. A fake directory stands behind the host: no lab needed.
// Electron-only guards (will-navigate, setWindowOpenHandler, permissions, the IPC sender check)
// cannot run in a plain browser: test/unit/app/hardening.test.ts and ipc.test.ts drive the very
// functions main/app installs, and the last block here checks that main.ts installs them.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  mainWindowWebPreferences,
  META_CONTENT_SECURITY_POLICY,
} from '../../main/app/security-policy.js';
import { CHANNELS } from '../../shared/ipc/channels.js';
import { startTestHost, type TestHost } from '../fixtures/test-host/host.js';
import { hostileInputs, VALID_INPUTS } from '../ipc-samples.js';
import { FakeDirectory } from '../unit/core/console/fake-directory.js';
import { launchChromium, requireChromium } from './browser.js';

const ROOT = join(import.meta.dirname, '..', '..');
const RENDERER_INDEX = join(ROOT, 'dist', 'renderer', 'index.html');

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

describe('the window’s configuration', () => {
  it('isolates and sandboxes the renderer: no Node, web security on, no experiments or <webview>', () => {
    for (const isDevToolsAllowed of [false, true]) {
      const preferences = mainWindowWebPreferences('/app/preload/index.cjs', { isDevToolsAllowed });
      expect(preferences).toMatchObject({
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        experimentalFeatures: false,
        webviewTag: false,
        disableBlinkFeatures: 'Auxclick',
      });
      expect(preferences).not.toHaveProperty('enableBlinkFeatures');
      expect(preferences).not.toHaveProperty('additionalArguments');
    }
  });

  it('serves a CSP with no unsafe script, self by default, no plugins, no framing', () => {
    const policy = directives(CONTENT_SECURITY_POLICY);
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    for (const [name, values] of policy) {
      expect(values, name).not.toContain("'unsafe-eval'");
      expect(values, name).not.toContain("'unsafe-inline'");
      expect(values, name).not.toContain("'unsafe-hashes'");
      expect(values, name).not.toContain("'wasm-unsafe-eval'");
      expect(
        values.some((value) => value === '*' || /^(https?|data|blob):?$/.test(value)),
        name,
      ).toBe(false);
    }
  });

  it('has main.ts install the guards the unit tests drive', async () => {
    const main = await readFile(join(ROOT, 'main', 'app', 'main.ts'), 'utf8');
    expect(main).toMatch(/app\.on\('web-contents-created',[^)]*\)\s*=>\s*hardenWebContents\(/);
    expect(main).toMatch(/applySessionPolicy\(session\.defaultSession\)/);
    expect(main).toMatch(/app\.enableSandbox\(\)/);
    expect(main).toMatch(/webPreferences: \{\s*\.\.\.mainWindowWebPreferences\(/);
    // What main.ts spells out beside the spread must agree with the policy, never weaken it.
    const spelled = /webPreferences: \{([\s\S]*?)\n\s*\},\n/.exec(main)?.[1] ?? '';
    for (const line of spelled.split('\n').filter((text) => /^\s*\w+:/.test(text)))
      expect(line.trim()).toMatch(
        /^(contextIsolation: true|sandbox: true|nodeIntegration: false|webSecurity: true|disableBlinkFeatures: 'Auxclick'),$/,
      );
    expect(main).toMatch(
      /bindContract\(ipcMain, service, \(contents\) => contents === mainWindow\?\.webContents\)/,
    );
    expect(main).not.toMatch(/loadURL\(\s*['"`]https?:/);
  });
});

const chromiumPath = requireChromium();

describe.skipIf(!chromiumPath)('the renderer in Chromium, under the app’s CSP', () => {
  if (!chromiumPath) return;
  let configDir: string;
  let host!: TestHost;
  let browser!: Browser;
  /** Another origin on this machine, that records every request it gets. */
  let other!: Server;
  let otherOrigin = '';
  const otherHits: string[] = [];

  beforeAll(async () => {
    if (!existsSync(RENDERER_INDEX))
      throw new Error(`${RENDERER_INDEX} is missing: run 'npm run build' first.`);
    configDir = await mkdtemp(join(tmpdir(), 'laps-console-security-'));
    await writeFile(
      join(configDir, 'profiles.json'),
      JSON.stringify({ profiles: { lab: { server: 'ldaps://127.0.0.1:636', auth: 'kerberos' } } }),
    );
    host = await startTestHost({ configDir, directory: new FakeDirectory() });
    other = createServer((request, response) => {
      otherHits.push(`${request.method ?? ''} ${request.url ?? ''}`);
      // A page of the other origin that tries to frame the console.
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end(`<iframe id="app" src="${host.url}"></iframe>`);
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    browser = await launchChromium(chromiumPath);
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close();
    await (host as TestHost | undefined)?.close();
    (other as Server | undefined)?.closeAllConnections();
    await new Promise((resolve) => (other as Server | undefined)?.close(resolve) ?? resolve(null));
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  async function openConsole(): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(host.url);
    await page.waitForFunction(() => document.querySelector('#root')?.childElementCount);
    // Collect what the CSP refuses, as the page sees it.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (event) =>
        seen.push(event.effectiveDirective),
      );
    });
    return page;
  }

  const violations = (page: Page) =>
    page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);

  it('serves the page with the header CSP and the meta CSP Electron uses', async () => {
    const response = await fetch(host.url);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const page = await openConsole();
    const meta = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    expect(meta).toBe(META_CONTENT_SECURITY_POLICY);
    await page.close();
  });

  it('refuses injected inline script and eval', async () => {
    const page = await openConsole();
    const outcome = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.body.append(script);
      // A string timer is compiled by the page itself, so the CSP's missing 'unsafe-eval' applies
      // (Playwright's own evaluate is exempt, so `eval` here would prove nothing).
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      setTimeout('window.evaluated = true', 0);
      return new Promise((resolve) =>
        setTimeout(() => {
          const page = window as unknown as { injected?: boolean; evaluated?: boolean };
          resolve({ injected: page.injected, evaluated: page.evaluated });
        }, 50),
      );
    });
    expect(outcome).toEqual({ injected: undefined, evaluated: undefined });
    await expect
      .poll(() => violations(page))
      .toEqual(expect.arrayContaining(['script-src-elem', 'script-src']));
    await page.close();
  });

  it('reaches no other origin: no fetch, frame, form post, image or plugin', async () => {
    otherHits.length = 0;
    const page = await openConsole();
    const fetchOutcome = await page.evaluate(async (url) => {
      try {
        await fetch(`${url}/fetch`, { method: 'POST', body: 'stolen' });
        return 'sent';
      } catch {
        return 'refused';
      }
    }, otherOrigin);
    expect(fetchOutcome).toBe('refused');
    await page.evaluate((url) => {
      const frame = document.createElement('iframe');
      frame.src = `${url}/frame`;
      document.body.append(frame);
      const image = document.createElement('img');
      image.src = `${url}/image.png`;
      document.body.append(image);
      const plugin = document.createElement('object');
      plugin.data = `${url}/plugin`;
      document.body.append(plugin);
      const form = document.createElement('form');
      form.method = 'POST';
      form.action = `${url}/form`;
      document.body.append(form);
      form.submit();
    }, otherOrigin);
    await expect
      .poll(() => violations(page))
      .toEqual(
        expect.arrayContaining([
          'connect-src',
          'frame-src',
          'img-src',
          'object-src',
          'form-action',
        ]),
      );
    expect(page.url()).toBe(host.url);
    expect(otherHits).toEqual([]);
    await page.close();
  });

  it('cannot be framed by another origin', async () => {
    const page = await browser.newPage();
    await page.goto(`${otherOrigin}/framer`);
    const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
    // frame-ancestors 'none': Chromium shows its error page instead of the console.
    await expect
      .poll(async () => frame?.evaluate(() => document.querySelector('#root')).catch(() => null))
      .toBeNull();
    expect(await frame?.evaluate(() => 'laps' in window).catch(() => false)).toBe(false);
    await page.close();
  });

  it('cuts a window it opens to another origin off from itself (COOP), and the host refuses that origin', async () => {
    const page = await openConsole();
    await page.evaluate((url) => window.open(`${url}/popup`), otherOrigin);
    await expect.poll(() => page.context().pages().length).toBe(2);
    const popup = page
      .context()
      .pages()
      .find((candidate) => candidate !== page);
    expect(popup?.url()).toMatch(/\/popup$/);
    if (popup) {
      expect(await popup.evaluate(() => window.opener as unknown)).toBeNull();
      const status = await popup.evaluate(async (ipc) => {
        try {
          return (await fetch(ipc, { method: 'POST', body: '{}' })).status;
        } catch {
          return 'refused';
        }
      }, `${host.origin}/ipc/profile.list`);
      expect(status).not.toBe(200);
    }
    await page.close();
  });

  describe('the host endpoint', () => {
    const post = (channel: string, body: string) =>
      fetch(`${host.origin}/ipc/${channel}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: host.origin },
        body,
      });

    it.each(CHANNELS)(
      'refuses every malformed and hostile payload on %s, and keeps serving',
      async (channel) => {
        const cases = hostileInputs(channel);
        expect(cases.length).toBeGreaterThan(5);
        for (const hostile of cases) {
          const response = await post(channel, hostile.json);
          expect(response.status, hostile.description).toBe(200);
          expect(await response.json(), hostile.description).toMatchObject({
            ok: false,
            error: { code: 'invalid-request' },
          });
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        const list = await post('audit.list', JSON.stringify(VALID_INPUTS['audit.list']));
        expect(await list.json()).toMatchObject({ ok: true, value: { records: [] } });
      },
    );

    it('answers audit.verify on an empty log', async () => {
      const response = await post('audit.verify', '{}');
      expect(await response.json()).toMatchObject({ ok: true, value: { ok: true, records: 0 } });
    });
  });
});
