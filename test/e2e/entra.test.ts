// The Entra ID tab as a helpdesk user drives it: the built renderer in Chromium, the test host's
// real handlers and msal-node, the Entra emulator standing in for the cloud (its test CA named in
// the settings, as a TLS-inspecting proxy's would be), and the Samba lab for the hybrid section.
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startEntraEmulator,
  type EntraEmulator,
  type SeedDevice,
  type UserName,
} from '../fixtures/entra-emulator/index.js';
import { defaultSeed } from '../fixtures/entra-emulator/seed.js';
import { requireLab, type LabComputer } from '../lab/lab-env.js';
import { requireChromium, screenshot } from './browser.js';
import { connect, labProfile, setUpConsole, type ColorScheme } from './console-page.js';

const lab = requireLab();
const chromiumPath = requireChromium();

const PASSWORD_LABEL = 'LAPS local admin account password';

/** A lab computer with no LAPS password in AD, seeded into Entra ID as hybrid joined. */
function hybridComputer(): LabComputer | undefined {
  return lab?.computers.find(
    (c) => c.flavours.length === 0 && !c.disabled && /^[A-Za-z0-9-]+$/.test(c.name),
  );
}

/** A lab computer with a Windows LAPS password in AD and no record in Entra ID. */
function adOnlyComputer(): LabComputer | undefined {
  return lab?.computers.find(
    (c) =>
      c.flavours.join() === 'windows-laps' &&
      c.tags.length === 0 &&
      !c.disabled &&
      /^[A-Za-z0-9-]+$/.test(c.name),
  );
}

describe.skipIf(!chromiumPath)('the Entra ID tab in Chromium, against the Entra emulator', () => {
  if (!chromiumPath) return;
  let emulator: EntraEmulator | undefined;
  const emu = (): EntraEmulator => {
    if (!emulator) throw new Error('the emulator is not started: use it in a test');
    return emulator;
  };
  /**
   * Who signs in at the next authorize page that names no account (login_hint names one); null:
   * the user leaves the browser alone.
   */
  let browserUser: UserName | null = 'helpdesk';
  const hybrid = hybridComputer();

  beforeAll(async () => {
    const seed = defaultSeed();
    // Hybrid: the lab computer's name, backed up to Entra ID (Windows LAPS backs up to one).
    const template = seed.devices[0];
    if (hybrid && template?.laps)
      seed.devices.push({
        ...template,
        deviceId: '4a1b0001-1c2d-4e5f-8a9b-00000000beef',
        objectId: '4a1b0002-1c2d-4e5f-8a9b-00000000beef',
        displayName: hybrid.name,
        trustType: 'ServerAd',
        laps: {
          refreshDateTime: template.laps.refreshDateTime,
          credentials: template.laps.credentials.map((credential) => ({
            ...credential,
            password: `Hybrid-${credential.password}`,
          })),
        },
      });
    emulator = await startEntraEmulator({ seed });
  });
  afterAll(async () => {
    await emulator?.close();
  });

  /** Plays the user at the system browser: signs in (and consents) as the hinted account. */
  const playBrowser = (url: string): Promise<void> => {
    const hint = new URL(url).searchParams.get('login_hint');
    const users = emu().users;
    const user =
      (Object.keys(users) as UserName[]).find((name) => users[name].username === hint) ??
      browserUser;
    // Not awaited: shell.openExternal returns once the browser has the page, not after sign-in.
    if (user !== null) void emu().signInInteractively(url, user);
    return Promise.resolve();
  };

  /** Seeded devices, read when asked: a rotation adds a backup to the emulator's seed. */
  const device = (predicate: (device: SeedDevice, index: number) => boolean): SeedDevice => {
    const found = emu().seed.devices.find(predicate);
    if (!found?.laps) throw new Error('the emulator seed has no such device with a backup');
    return found;
  };
  const newestPassword = (seeded: SeedDevice) => seeded.laps?.credentials[0]?.password ?? '';

  describe.each(['light', 'dark'] as const)('in the %s theme', (scheme: ColorScheme) => {
    const app = setUpConsole({
      chromiumPath,
      tempPrefix: `laps-console-e2e-entra-${scheme}-`,
      viewport: { width: 1280, height: 900 },
      profiles: () => (lab ? { 'lab-helpdesk': labProfile(lab, 'helpdesk') } : {}),
      settings: { clipboardClearSeconds: 30 },
      openExternal: playBrowser,
    });
    let page: Page;
    let problems: string[];
    const shot = (name: string) => screenshot(page, `entra-${name}-${scheme}`);
    const bodyText = () => page.locator('body').innerText();
    // Seeded devices this theme works on: plain names, several old backups, enrolled in Intune.
    const plain = (offset: number) =>
      device(
        (candidate, index) =>
          index >= 2 + offset * 6 &&
          index < 20 &&
          (candidate.laps?.credentials.length ?? 0) >= 3 &&
          candidate.managedDeviceId !== undefined,
      );

    beforeAll(async () => {
      ({ page, problems } = await app.openPage(scheme));
      // Every step answers within seconds: fail fast rather than at the test's own timeout.
      page.setDefaultTimeout(15_000);
    });
    afterAll(async () => {
      await page.context().close();
    });

    it('asks for the app registration first, and keeps the advanced fields folded', async () => {
      await page.getByRole('tab', { name: 'Entra ID' }).click();
      const form = page.getByRole('form', { name: 'Microsoft Entra ID settings' });
      await form.waitFor();
      await shot('settings');
      await form.getByRole('button', { name: 'Save' }).click();
      await form.getByText("Paste the app registration's Application (client) ID").waitFor();

      await form.getByLabel('Application (client) ID').fill(emu().clients.publicClientId);
      await form.getByLabel('Tenant').fill(emu().tenantId);
      await form.getByRole('button', { name: 'Advanced' }).click();
      await form.getByLabel('Authority URL').fill(emu().authority);
      await form.getByLabel('Microsoft Graph URL').fill(emu().graphUrl);
      await form.getByLabel('CA certificate file (PEM)').fill(emu().caFile);
      await shot('settings-filled');
      await form.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('heading', { name: 'Sign in to Microsoft Entra ID' }).waitFor();
      await shot('sign-in');
    });

    it('waits for the browser sign-in until the user cancels it', async () => {
      browserUser = null;
      await page.getByRole('button', { name: 'Sign in with browser' }).click();
      const cancel = page.getByRole('button', { name: 'Cancel' });
      await page.getByText('Finish signing in in your browser').waitFor();
      await expect(cancel.evaluate((node) => node === document.activeElement)).resolves.toBe(true);
      await shot('sign-in-waiting');
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'Sign in with browser' }).waitFor();
      await expect(page.getByText('Finish signing in in your browser').count()).resolves.toBe(0);
    });

    it('signs in with the system browser at the configured authority', async () => {
      // This time the "system browser" is Chromium itself: it opens the sign-in page, the user
      // picks the account, and the emulator's form_post carries the code to MSAL's loopback.
      browserUser = null;
      const opening = app.host.browser.nextUrl();
      await page.getByRole('button', { name: 'Sign in with browser' }).click();
      const opened = new URL(await opening);
      expect(opened.origin).toBe(emu().authorityHost);
      expect(opened.searchParams.get('response_mode')).toBe('form_post');
      expect(opened.searchParams.get('scope')).not.toContain('DeviceLocalCredential.Read.All');
      // The emulator's test CA is the console's to trust (entra.json "ca"), not this browser's.
      const system = await app.browser.newContext({ ignoreHTTPSErrors: true, colorScheme: scheme });
      try {
        const signInPage = await system.newPage();
        await signInPage.goto(opened.toString());
        await signInPage.getByRole('button', { name: emu().users.helpdesk.username }).click();
        await signInPage.getByText('Signed in to LAPS Console.').waitFor();
        await screenshot(signInPage, `entra-browser-signed-in-${scheme}`);
      } finally {
        await system.close();
      }
      browserUser = 'helpdesk';
      await page.getByRole('heading', { name: 'Find an Entra ID device' }).waitFor();
      const picker = page.getByRole('combobox', { name: 'Signed-in account' });
      await expect(picker.locator('option:checked').textContent()).resolves.toContain(
        emu().users.helpdesk.username,
      );
      await shot('signed-in');
    });

    it('finds devices with the keyboard, and shows hostile names as text', async () => {
      // From anywhere outside a text field, "/" goes to the search box.
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.keyboard.press('/');
      const box = page.getByRole('searchbox', { name: 'Device name' });
      await expect(box.evaluate((node) => node === document.activeElement)).resolves.toBe(true);
      await box.pressSequentially('PC-<b>');
      await page.getByRole('cell', { name: 'PC-<b>BOLD</b>', exact: true }).waitFor();
      expect(await page.locator('#entra-devices-found b').count()).toBe(0);
      await box.fill("O'BRIEN");
      await page.getByRole('cell', { name: "O'BRIEN-PC", exact: true }).waitFor();
      await box.fill('WS-');
      // The right-to-left override is shown, not obeyed: "WS-LTR" would be another device.
      await page.getByRole('cell', { name: 'WS-[U+202E]RTL', exact: true }).waitFor();
      await shot('search-hostile');

      // Graph throttles once: main waits out Retry-After while the search shows its spinner,
      // and the view says why it takes long.
      const throttled = /deviceLocalCredentials\?.*DESKTOP-/;
      emu().injectFailures(throttled, [429], 3);
      await box.fill('DESKTOP-');
      await page.getByText('Searching Entra ID…').waitFor();
      await page
        .getByText(
          /Microsoft Graph is throttling requests \(HTTP 429\): trying again in [1-3] s \(try 2 of 4\)/,
        )
        .waitFor();
      await shot('search-throttled');
      await page
        .getByRole('cell', { name: /^DESKTOP-/ })
        .first()
        .waitFor();
      expect(
        emu()
          .requests.filter((request) => throttled.test(request.path))
          .map((r) => r.status),
      ).toContain(429);
      await shot('search');
      await box.press('ArrowDown');
      const table = page.getByRole('table', { name: 'Devices found' });
      const active = table.locator('[role=row][aria-selected=true]');
      await expect(active.getAttribute('id')).resolves.toBe('entra-device-row-1');
      const name = (await active.locator('[role=cell]').first().textContent()) ?? '';
      await box.press('Enter');
      const dialog = page.getByRole('dialog', { name: `${name} (Entra ID)` });
      await dialog.getByText('Operating system').waitFor();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    });

    /** Searches for the device's exact name and opens it with Enter. */
    const openDevice = async (seeded: SeedDevice): Promise<Locator> => {
      const box = page.getByRole('searchbox', { name: 'Device name' });
      await page.keyboard.press('Control+f');
      // Enter before the results of the name came: the console searches at once and opens it.
      await box.fill(seeded.displayName);
      await box.press('Enter');
      const dialog = page.getByRole('dialog', { name: `${seeded.displayName} (Entra ID)` });
      await dialog.getByText(seeded.deviceId).waitFor();
      return dialog;
    };

    it('shows a device masked, reveals it after consent, copies it, and lists its history', async () => {
      const seeded = plain(0);
      const password = newestPassword(seeded);
      const urlsBefore = app.host.browser.urls.length;
      const dialog = await openDevice(seeded);
      await dialog
        .getByText(seeded.trustType === 'ServerAd' ? /hybrid joined/ : /joined/)
        .waitFor();
      expect(await bodyText()).not.toContain(password);
      await shot('device-masked');

      await page.keyboard.press('Alt+s');
      const shown = dialog.getByRole('textbox', { name: PASSWORD_LABEL, exact: true });
      await expect(shown.textContent()).resolves.toBe(password);
      await dialog.getByRole('list', { name: 'Phonetic spelling' }).waitFor();
      await dialog
        .getByText(seeded.laps?.credentials[0]?.accountName ?? '?')
        .first()
        .waitFor();
      // The first reveal asked for the password permission in the browser. (The emulator keeps
      // the consent, so the second theme's fresh sign-in gets the permission silently.)
      const consent = app.host.browser.urls.slice(urlsBefore);
      if (scheme === 'light')
        expect(consent.some((url) => url.includes('DeviceLocalCredential.Read.All'))).toBe(true);
      await dialog.getByRole('button', { name: 'Show QR code' }).click();
      await dialog.getByRole('img', { name: 'QR code of the password' }).waitFor();
      await shot('device-revealed');

      await page.keyboard.press('Alt+s');
      await dialog.getByRole('textbox', { name: /hidden/ }).waitFor();
      await page.keyboard.press('Control+Shift+C');
      await dialog.getByText(/Copied from Entra ID .* The clipboard is cleared at/).waitFor();
      expect(await app.clipboardText()).toBe(password);
      expect(await page.content()).not.toContain(password);

      await page.keyboard.press('Alt+h');
      const history = page.getByRole('dialog', {
        name: `Password history of ${seeded.displayName}`,
      });
      const rows = history.getByRole('table', { name: 'Old passwords, newest first' });
      await rows.waitFor();
      const credentials = seeded.laps?.credentials ?? [];
      expect(await rows.getByRole('row').count()).toBe(credentials.length + 1);
      // Keyboard first: the newest row's Show has the focus.
      await page.keyboard.press('Enter');
      await expect(
        history
          .getByRole('textbox', { name: /^Password of / })
          .first()
          .textContent(),
      ).resolves.toBe(password);
      const oldest = credentials[credentials.length - 1];
      await history
        .getByRole('button', { name: /^Copy the password of / })
        .last()
        .click();
      await history.getByText(/^Copied\. The clipboard is cleared at/).waitFor();
      expect(await app.clipboardText()).toBe(oldest?.password);
      await shot('history');
      await page.keyboard.press('Escape');
      await history.waitFor({ state: 'detached' });
      await dialog.getByRole('button', { name: 'Close' }).click();
      await dialog.waitFor({ state: 'detached' });
      for (const credential of credentials)
        expect(await page.content()).not.toContain(credential.password);
    });

    it('rotates after a confirmation, and says when the device backed up its new password', async () => {
      const seeded = plain(1);
      const dialog = await openDevice(seeded);
      await dialog.getByRole('button', { name: 'Rotate…' }).click();
      const confirm = page.getByRole('dialog', {
        name: `Rotate the password of ${seeded.displayName}?`,
      });
      await confirm.getByText(/at its\s+next check-in/).waitFor();
      await shot('rotate-confirm');
      await confirm.getByRole('button', { name: 'Rotate', exact: true }).click();
      await dialog
        .getByText(`Waiting for ${seeded.displayName} to back up a new password…`)
        .waitFor();
      await shot('rotate-waiting');

      const rotated = emu().checkIn(seeded.deviceId);
      expect(rotated).toBeDefined();
      await dialog.getByRole('button', { name: 'Check now' }).click();
      await dialog.getByText('New password backed up').waitFor();
      await shot('rotate-arrived');
      await dialog.getByRole('button', { name: 'Show password' }).click();
      await expect(
        dialog.getByRole('textbox', { name: PASSWORD_LABEL, exact: true }).textContent(),
      ).resolves.toBe(rotated);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'Dismiss' }).click();
    });

    it('adds a second account with a device code, and tells the reader which role is missing', async () => {
      await page.getByRole('button', { name: 'Add account' }).click();
      await page.getByRole('button', { name: 'Use a device code' }).click();
      const code = page.getByRole('textbox', { name: 'Device code' });
      await code.waitFor();
      await page.getByRole('button', { name: 'Copy code' }).click();
      await page.getByRole('status').getByText('Code copied.').waitFor();
      // main copied the flow's own code: what the page shows is what the clipboard holds.
      expect(await app.clipboardText()).toBe((await code.textContent()) ?? '?');
      await shot('device-code');
      emu().approveDeviceCode((await code.textContent()) ?? '', 'reader');
      await page.getByRole('heading', { name: 'Find an Entra ID device' }).waitFor();
      const picker = page.getByRole('combobox', { name: 'Signed-in account' });
      await expect(picker.locator('option:checked').textContent()).resolves.toContain(
        emu().users.reader.username,
      );
      expect(await picker.locator('option').count()).toBe(2);

      const seeded = plain(0);
      const dialog = await openDevice(seeded);
      await dialog.getByRole('button', { name: 'Show password' }).click();
      const refused = dialog.getByText(/needs the DeviceLocalCredential\.Read\.All permission/);
      await refused.waitFor();
      expect(await refused.textContent()).toMatch(/Cloud Device Administrator|role/);
      await dialog.getByText('access-denied').waitFor();
      expect(await page.content()).not.toContain(newestPassword(seeded));
      await shot('reader-denied');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    });

    it('signs the reader out and acts as the helpdesk account again', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      const picker = page.getByRole('combobox', { name: 'Signed-in account' });
      await expect.poll(() => picker.locator('option').count()).toBe(1);
      await expect(picker.locator('option:checked').textContent()).resolves.toContain(
        emu().users.helpdesk.username,
      );
    });

    it.skipIf(!lab || !hybrid)(
      'shows a hybrid computer’s Entra ID record and password in its AD properties',
      async () => {
        if (!lab || !hybrid) return;
        const adOnly = adOnlyComputer();
        const hybridPassword = `Hybrid-${emu().seed.devices[0]?.laps?.credentials[0]?.password ?? ''}`;
        await page.getByRole('tab', { name: 'Computers' }).click();
        await connect(page, 'lab-helpdesk');
        const box = page.getByRole('searchbox', { name: 'Computer name' });
        await box.fill(hybrid.name);
        await page.getByRole('cell', { name: hybrid.name, exact: true }).waitFor();
        await box.press('Enter');
        const properties = page.getByRole('dialog', { name: `${hybrid.name} Properties` });
        const section = properties.getByRole('region', { name: 'Entra ID', exact: true });
        await section.getByText('Microsoft Entra hybrid joined').waitFor();
        await section.scrollIntoViewIfNeeded();
        await shot('hybrid');
        // No password in AD: the shortcuts act on the Entra ID one.
        await page.keyboard.press('Alt+s');
        await expect(
          section
            .getByRole('textbox', { name: `${PASSWORD_LABEL} in Entra ID`, exact: true })
            .textContent(),
        ).resolves.toBe(hybridPassword);
        await page.keyboard.press('Escape');
        await properties.waitFor({ state: 'detached' });

        if (adOnly) {
          await box.fill(adOnly.name);
          await page.getByRole('cell', { name: adOnly.name, exact: true }).waitFor();
          await box.press('Enter');
          const other = page.getByRole('dialog', { name: `${adOnly.name} Properties` });
          await other.getByText(`Not in Entra ID: no device named ${adOnly.name}`).waitFor();
          await page.keyboard.press('Escape');
          await other.waitFor({ state: 'detached' });
        }
        expect(await page.content()).not.toContain(hybridPassword);
      },
    );

    it('lists the reveals, copies and the rotation in the audit log as Entra ID', async () => {
      await page.getByRole('tab', { name: 'Audit log' }).click();
      const table = page.getByRole('table', { name: 'Audit records, newest first' });
      await table.waitFor();
      for (const what of ['Showed the password', 'Copied the password', 'Rotated the password'])
        await table.getByText(`${what} (Entra ID)`).first().waitFor();
      await table.getByText(emu().users.helpdesk.username).first().waitFor();
      await shot('audit');
      const text = await bodyText();
      for (const seeded of emu().seed.devices)
        for (const credential of seeded.laps?.credentials ?? [])
          expect(text).not.toContain(credential.password);
      expect(problems).toEqual([]);
    });
  });
});
