// The built renderer in Debian's Chromium, window.laps bridged to the test host, the real core
// behind it and the Samba lab behind that.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecentAuditRecords } from '../../main/core/audit/audit-log.js';
import { verifyAuditLog } from '../../main/core/audit/audit-verify.js';
import { CONTENT_SECURITY_POLICY } from '../../main/app/security-policy.js';
import type { LapsApi } from '../../shared/ipc/api.js';
import { CHANNELS } from '../../shared/ipc/channels.js';
import { hostileInputs } from '../ipc-samples.js';
import { requireLab, readSecret } from '../lab/lab-env.js';
import { requireChromium, screenshot } from './browser.js';
import { labProfile, setUpConsole } from './console-page.js';

const lab = requireLab();
const chromiumPath = requireChromium();

describe.skipIf(!lab || !chromiumPath)('the console in Chromium, against the lab', () => {
  if (!lab || !chromiumPath) return;
  const expectedHits = lab.computers
    .filter((computer) =>
      [computer.name, computer.samAccountName, computer.dnsHostName].some((name) =>
        name.toLowerCase().startsWith('pc00'),
      ),
    )
    .map((computer) => computer.name);

  const app = setUpConsole({
    chromiumPath,
    tempPrefix: 'laps-console-e2e-',
    viewport: { width: 1280, height: 800 },
    configure: (configDir) =>
      writeFile(join(configDir, 'wrong-password'), 'not-the-password', { mode: 0o600 }),
    profiles: (configDir) => {
      const profile = labProfile(lab, 'administrator');
      const wrongPasswordFile = join(configDir, 'wrong-password');
      return {
        lab: profile,
        'lab-wrong-password': { ...profile, passwordFile: wrongPasswordFile },
      };
    },
  });
  const { openPage } = app;

  describe.each(['light', 'dark'] as const)('in the %s theme', (scheme) => {
    it('lists profiles, tests a connection, connects and finds computers', async () => {
      const { context, page, problems } = await openPage(scheme);
      await page.getByRole('heading', { name: 'Connect to a directory' }).waitFor();
      const labCard = page.getByRole('listitem', { name: 'lab', exact: true });
      const wrongCard = page.getByRole('listitem', { name: 'lab-wrong-password' });
      await labCard.waitFor();
      await expect(labCard.textContent()).resolves.toContain('Administrator@lab.test');
      await screenshot(page, `connect-${scheme}`);

      await labCard.getByRole('button', { name: 'Test connection' }).click();
      await labCard.getByText('Connection works').waitFor();
      await expect(labCard.textContent()).resolves.toContain(lab.baseDn);
      await wrongCard.getByRole('button', { name: 'Test connection' }).click();
      await wrongCard.getByText('The test failed').waitFor();
      const failure = (await wrongCard.textContent()) ?? '';
      expect(failure).toContain('the user name or password is wrong');
      expect(failure).toContain('auth-failed');
      await screenshot(page, `connect-tested-${scheme}`);

      await labCard.getByRole('button', { name: 'Connect', exact: true }).click();
      await page.getByRole('heading', { name: 'Find a computer' }).waitFor();
      await screenshot(page, `search-${scheme}`);

      await page.getByRole('searchbox', { name: 'Computer name' }).fill('PC00');
      await page.getByRole('cell', { name: 'PC0001', exact: true }).waitFor();
      // Virtualized: the status counts every hit; only the rows in view are in the DOM.
      const count = Math.min(expectedHits.length, 100);
      await page.getByRole('status').getByText(`${count} computers`).waitFor();
      const table = page.getByRole('table', { name: 'Computers found' });
      const names = (await table.getByRole('row').allTextContents()).slice(1);
      expect(names.length).toBeGreaterThan(5);
      expect(names.length).toBeLessThan(count + 1);
      expect(
        (await table.getByRole('cell').allTextContents())
          .filter((text) => /^PC\d+$/.test(text))
          .every((name) => expectedHits.includes(name)),
      ).toBe(true);
      expect(await table.getAttribute('aria-rowcount')).toBe(String(count + 1));
      await screenshot(page, `search-results-${scheme}`);

      await page.getByRole('button', { name: 'Disconnect' }).click();
      await page.getByRole('heading', { name: 'Connect to a directory' }).waitFor();
      expect(problems).toEqual([]);
      await context.close();
    });
  });

  it('saves a profile with a password through window.laps, and connects with it', async () => {
    const { context, page } = await openPage('light');
    const password = readSecret('helpdesk');
    const outcome = await page.evaluate(
      async ({ password, server, ca, base }) => {
        const { laps } = globalThis as unknown as { laps: LapsApi };
        const saved = await laps.profile.save({
          name: 'helpdesk-saved',
          profile: { auth: 'simple', server, ca, base, user: 'helpdesk@lab.test' },
          password,
        });
        const opened = await laps.connection.open({ name: 'helpdesk-saved' });
        const listed = await laps.profile.list({});
        return { saved, opened, listed };
      },
      { password, server: lab.ldapsUrl, ca: lab.caFile, base: lab.baseDn },
    );
    expect(outcome.saved).toMatchObject({ ok: true, value: { passwordSource: 'saved' } });
    expect(outcome.opened).toMatchObject({ ok: true, value: { profile: 'helpdesk-saved' } });
    expect(JSON.stringify(outcome.listed)).not.toContain(password);
    const file = await readFile(join(app.configDir, 'profiles.json'), 'utf8');
    expect(file).toContain('helpdesk-saved');
    expect(file).not.toContain(password);
    await context.close();
  });

  it('reads, reveals and copies through window.laps; the copy never reaches the page', async () => {
    const { context, page } = await openPage('light');
    const computer = lab.computers.find((c) => c.windowsLaps && c.ou === 'workstations');
    if (!computer?.windowsLaps) throw new Error('the lab has no Windows LAPS workstation');
    const outcome = await page.evaluate(async (dn) => {
      const { laps } = globalThis as unknown as { laps: LapsApi };
      const opened = await laps.connection.open({ name: 'lab' });
      if (!opened.ok) return { opened };
      const { connectionId } = opened.value;
      const read = await laps.computer.read({ connectionId, dn });
      const reveal = await laps.computer.reveal({ connectionId, dn });
      const copy = await laps.computer.copy({ connectionId, dn });
      return { opened, read, reveal, copy };
    }, computer.dn);
    expect(outcome.read).toMatchObject({
      ok: true,
      value: { computer: { name: computer.name }, hiddenSources: [] },
    });
    expect(JSON.stringify(outcome.read)).not.toContain(computer.windowsLaps.password);
    expect(outcome.reveal).toMatchObject({
      ok: true,
      value: { password: computer.windowsLaps.password, source: 'windows-laps' },
    });
    expect(outcome.copy).toMatchObject({ ok: true, value: { source: 'windows-laps' } });
    expect(JSON.stringify(outcome.copy)).not.toContain(computer.windowsLaps.password);
    expect(await app.clipboardText()).toBe(computer.windowsLaps.password);
    // Recorded in the real hash-chained log, which still verifies, and holds no password.
    const { records } = await readRecentAuditRecords(app.host.auditPaths, 100);
    expect(records.map((record) => [record.action, record.dn])).toEqual(
      expect.arrayContaining([
        ['reveal', computer.dn],
        ['copy', computer.dn],
      ]),
    );
    expect(await verifyAuditLog(app.host.auditPaths)).toMatchObject({ ok: true });
    expect(await readFile(app.host.auditPaths.log, 'utf8')).not.toContain(
      computer.windowsLaps.password,
    );
    await context.close();
  });

  it('cancels a page’s search in flight when it starts another (type-ahead)', async () => {
    const { context, page } = await openPage('light');
    const outcome = await page.evaluate(async () => {
      const { laps } = globalThis as unknown as { laps: LapsApi };
      const opened = await laps.connection.open({ name: 'lab' });
      if (!opened.ok) throw new Error(opened.error.message);
      const { connectionId } = opened.value;
      const everything = laps.computer.search({ connectionId, text: '*', limit: 10_000 });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const narrow = laps.computer.search({ connectionId, text: 'PC000' });
      return { everything: await everything, narrow: await narrow };
    });
    expect(outcome.everything).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(outcome.narrow).toMatchObject({ ok: true });
    await context.close();
  });

  describe('the host endpoint', () => {
    const post = (channel: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${app.host.origin}/ipc/${channel}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: app.host.origin, ...headers },
        body,
      });

    it('serves the renderer under the same Content-Security-Policy as Electron', async () => {
      const response = await fetch(app.host.url);
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it.each(CHANNELS)(
      'refuses every malformed and hostile payload on %s with a validation error',
      async (channel) => {
        for (const hostile of hostileInputs(channel)) {
          const response = await post(channel, hostile.json);
          expect(response.status, hostile.description).toBe(200);
          expect(await response.json(), hostile.description).toMatchObject({
            ok: false,
            error: { code: 'invalid-request' },
          });
        }
      },
    );

    it('refuses what is not a JSON request to a known channel, and keeps serving', async () => {
      const refusals = [
        await post('profile.list', '{not json'),
        await post('profile.list', JSON.stringify({ padding: 'x'.repeat(300_000) })),
        await post('profile.list', '{}', { 'Content-Type': 'text/plain' }),
        await post('computer.delete', '{}'),
        await post('__proto__', '{}'),
        await post('constructor', '{}'),
        await post('%00', '{}'),
        await fetch(`${app.host.origin}/ipc/profile.list`, {
          headers: { Origin: app.host.origin },
        }),
      ];
      for (const response of refusals)
        expect(await response.json()).toMatchObject({
          ok: false,
          error: { code: 'invalid-request' },
        });
      expect(refusals.map((response) => response.status)).toEqual([
        400, 413, 415, 200, 200, 200, 200, 405,
      ]);
      const list = await post('profile.list', '{}');
      expect(await list.json()).toMatchObject({ ok: true });
    });

    it('refuses a request from a foreign origin, or from none', async () => {
      for (const origin of ['http://evil.example', 'null', `${app.host.origin}.evil.example`]) {
        const response = await post('profile.list', '{}', { Origin: origin });
        expect(response.status).toBe(403);
        expect(await response.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      }
      const noOrigin = await fetch(`${app.host.origin}/ipc/profile.list`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(noOrigin.status).toBe(403);
    });

    it('refuses a foreign page’s request in a real browser too', async () => {
      const context = await app.browser.newContext();
      const page = await context.newPage();
      // Another origin: a data: page posting to the host, as a malicious site would.
      await page.goto('data:text/html,<title>elsewhere</title>');
      const status = await page.evaluate(async (url) => {
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'Content-Type': 'text/plain' },
            body: '{}',
          });
          return response.status;
        } catch {
          return 'blocked';
        }
      }, `${app.host.origin}/ipc/profile.list`);
      expect(status).not.toBe(200);
      await context.close();
    });
  });
});
