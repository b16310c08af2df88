// 10,000 search results in the built renderer: a directory in memory behind the test host (the
// lab has 500 computers), Chromium in front. Only the rows in view are in the DOM, and scrolling
// from the first row to the last stays smooth.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../fixtures/test-host/host.js';
import { FakeDirectory } from '../unit/core/console/fake-directory.js';
import { collectPageProblems, launchChromium, requireChromium, screenshot } from './browser.js';

const chromiumPath = requireChromium();
const COMPUTERS = 10_000;

describe.skipIf(!chromiumPath)('a search with 10,000 results', () => {
  if (!chromiumPath) return;
  let configDir: string;
  let host!: TestHost;
  let browser!: Browser;

  beforeAll(async () => {
    configDir = await mkdtemp(join(tmpdir(), 'laps-console-e2e-scale-'));
    await writeFile(
      join(configDir, 'profiles.json'),
      JSON.stringify({ profiles: { big: { server: 'ldaps://dc1.lab.test', auth: 'kerberos' } } }),
    );
    const directory = new FakeDirectory();
    directory.hits = Array.from({ length: COMPUTERS }, (_, index) => {
      const name = `WS${String(index).padStart(5, '0')}`;
      return {
        computer: name,
        dn: `CN=${name},OU=Workstations,DC=lab,DC=test`,
        dnsHostName: `${name.toLowerCase()}.lab.test`,
        source: 'windows-laps' as const,
        expires: new Date(Date.UTC(2030, 0, 1) + index * 60_000).toISOString(),
      };
    });
    host = await startTestHost({ configDir, directory });
    browser = await launchChromium(chromiumPath);
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close();
    await (host as TestHost | undefined)?.close();
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  it('renders only the visible rows and scrolls to the last one smoothly', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const problems = collectPageProblems(page);
    await page.goto(host.url);
    await page
      .getByRole('listitem', { name: 'big' })
      .getByRole('button', { name: 'Connect', exact: true })
      .click();
    await page.getByRole('searchbox', { name: 'Computer name' }).fill('WS');
    await page.getByRole('button', { name: /Show up to 10/ }).click();
    await page.getByRole('status').getByText('10,000 computers').waitFor();
    const table = page.getByRole('table', { name: 'Computers found' });
    expect(await table.getByRole('row').count()).toBeLessThan(80);

    // Scroll from top to bottom in 60 steps, one per animation frame, timing each frame.
    const frameMs = await page.evaluate(async () => {
      type Element = { scrollTop: number; scrollHeight: number; clientHeight: number };
      const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } })
        .document;
      const window = globalThis as unknown as {
        requestAnimationFrame(callback: (time: number) => void): void;
      };
      const raf = (callback: (time: number) => void) => window.requestAnimationFrame(callback);
      const table = doc.querySelector('[aria-label="Computers found"]') as {
        lastElementChild: Element;
      };
      const scroller = table.lastElementChild;
      const steps = 60;
      const durations: number[] = [];
      let last = await new Promise<number>((resolve) => raf(resolve));
      for (let step = 1; step <= steps; step += 1) {
        scroller.scrollTop = ((scroller.scrollHeight - scroller.clientHeight) * step) / steps;
        const now = await new Promise<number>((resolve) => raf(resolve));
        durations.push(now - last);
        last = now;
      }
      return durations;
    });
    const sorted = [...frameMs].sort((a, b) => a - b);
    const p95 = sorted[Math.floor(sorted.length * 0.95)] ?? 0;
    console.info(
      `[e2e] 10,000 rows: frame p50 ${sorted[30]?.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`,
    );
    await page.getByRole('cell', { name: 'WS09999', exact: true }).waitFor();
    expect(await table.getByRole('row').count()).toBeLessThan(80);
    await screenshot(page, 'search-10000-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'search-10000-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Home and End on the table move the active row and scroll it into view.
    await table.focus();
    await page.keyboard.press('Home');
    await page.getByRole('cell', { name: 'WS00000', exact: true }).waitFor();
    await page.keyboard.press('End');
    await page.getByRole('cell', { name: 'WS09999', exact: true }).waitFor();
    expect(await table.getAttribute('aria-activedescendant')).toBe(`computer-row-${COMPUTERS - 1}`);
    expect(problems).toEqual([]);
    await context.close();
  });
});
