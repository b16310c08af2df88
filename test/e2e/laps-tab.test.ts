// The LAPS tab as a helpdesk user drives it: the built renderer in Chromium, the test host's
// real core, the Samba lab. Every expiry this file changes is put back to the seeded value.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { restoreSeededExpirations } from '../lab/lab-admin.js';
import { requireLab, type LabComputer } from '../lab/lab-env.js';
import { requireChromium, screenshot } from './browser.js';
import { connect, labProfile, openComputer, setUpConsole } from './console-page.js';

const lab = requireLab();
const chromiumPath = requireChromium();

const CLIPBOARD_CLEAR_SECONDS = 5;

describe.skipIf(!lab || !chromiumPath)('the LAPS tab in Chromium, against the lab', () => {
  if (!lab || !chromiumPath) return;
  const touched = new Set<LabComputer>();

  const plain = (predicate: (computer: LabComputer) => boolean, what: string) => {
    const found = lab.computers.find(
      (c) => predicate(c) && c.tags.length === 0 && !c.disabled && /^[A-Za-z0-9-]+$/.test(c.name),
    );
    if (!found) throw new Error(`the lab seed has no plain ${what}`);
    return found;
  };
  const workstation = plain(
    (c) => c.ou === 'workstations' && c.flavours.join() === 'windows-laps',
    'Windows LAPS workstation',
  );
  const both = plain(
    (c) => c.ou === 'workstations' && c.flavours.join() === 'windows-laps,legacy',
    'workstation with Windows LAPS and legacy LAPS',
  );
  const server = plain(
    (c) => c.ou === 'servers' && c.flavours.join() === 'windows-laps',
    'Windows LAPS server',
  );
  const expiring = lab.computers.find(
    (c) =>
      c !== workstation &&
      c.ou === 'workstations' &&
      c.flavours.join() === 'windows-laps' &&
      c.tags.length === 0 &&
      /^[A-Za-z0-9-]+$/.test(c.name),
  );
  if (!expiring) throw new Error('the lab seed has no second Windows LAPS workstation');

  // Independent of the code under test: put the seeded expirations back with plain ldapts.
  const restoreExpirations = () => restoreSeededExpirations(lab, touched);

  const app = setUpConsole({
    chromiumPath,
    tempPrefix: 'laps-console-e2e-tab-',
    viewport: { width: 1280, height: 900 },
    profiles: () => ({
      lab: labProfile(lab, 'administrator'),
      'lab-helpdesk': labProfile(lab, 'helpdesk'),
    }),
    settings: { clipboardClearSeconds: CLIPBOARD_CLEAR_SECONDS },
  });
  const { openPage, clipboardText } = app;
  afterAll(restoreExpirations);

  const bodyText = (page: Page) => page.locator('body').innerText();

  describe.each(['light', 'dark'] as const)('in the %s theme', (scheme) => {
    it('opens a computer masked, shows, QR-codes and copies its password, and forgets it on close', async () => {
      const password = workstation.windowsLaps?.password ?? '';
      const { context, page, problems } = await openPage(scheme);
      await connect(page, 'lab');
      const dialog = await openComputer(page, workstation.name);
      await expect(dialog.textContent()).resolves.toContain(workstation.windowsLaps?.account);
      // Never fetched on open.
      expect(await bodyText(page)).not.toContain(password);
      await screenshot(page, `properties-masked-${scheme}`);

      await dialog.getByRole('button', { name: 'Show password' }).click();
      const shown = dialog.getByRole('textbox', {
        name: 'LAPS local admin account password',
        exact: true,
      });
      await expect(shown.textContent()).resolves.toBe(password);
      await dialog.getByRole('list', { name: 'Phonetic spelling' }).waitFor();
      await screenshot(page, `properties-revealed-${scheme}`);

      await dialog.getByRole('button', { name: 'Show QR code' }).click();
      await dialog.getByRole('img', { name: 'QR code of the password' }).waitFor();
      await screenshot(page, `properties-qr-${scheme}`);

      await dialog.getByRole('button', { name: 'Hide password' }).click();
      await dialog.getByRole('textbox', { name: /hidden/ }).waitFor();
      expect(await page.content()).not.toContain(password);

      await dialog.getByRole('button', { name: 'Copy password' }).click();
      await dialog.getByText(/The clipboard is cleared at/).waitFor();
      expect(await clipboardText()).toBe(password);
      expect(await page.content()).not.toContain(password);

      await dialog.getByRole('button', { name: 'Show password' }).click();
      await shown.waitFor();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(await page.content()).not.toContain(password);
      const stored = await page.evaluate(() => {
        type KeyedStorage = {
          length: number;
          key(index: number): string | null;
          getItem(key: string): string | null;
        };
        const storage = (globalThis as unknown as { localStorage: KeyedStorage }).localStorage;
        let everything = '';
        for (let index = 0; index < storage.length; index += 1) {
          const key = storage.key(index) ?? '';
          everything += `${key}=${storage.getItem(key) ?? ''}\n`;
        }
        return everything;
      });
      expect(stored).toContain(workstation.dn);
      expect(stored).not.toContain(password);

      // The recent computers show while the search box is empty.
      await page.getByRole('searchbox', { name: 'Computer name' }).fill('');
      await page.getByRole('button', { name: workstation.name, exact: true }).waitFor();
      await screenshot(page, `search-recent-${scheme}`);

      // main cleared the clipboard after the configured delay.
      await expect
        .poll(clipboardText, { timeout: (CLIPBOARD_CLEAR_SECONDS + 5) * 1000, interval: 250 })
        .toBe('');
      expect(problems).toEqual([]);
      await context.close();
    });
  });

  it.each(['light', 'dark'] as const)(
    'picks the legacy password when a computer has both flavours (%s theme)',
    async (scheme) => {
      const { context, page } = await openPage(scheme);
      await connect(page, 'lab');
      const dialog = await openComputer(page, both.name);
      await dialog.getByRole('radio', { name: 'Legacy LAPS' }).check();
      await dialog.getByRole('button', { name: 'Show password' }).click();
      const shown = dialog.getByRole('textbox', {
        name: 'LAPS local admin account password',
        exact: true,
      });
      await expect(shown.textContent()).resolves.toBe(both.legacy?.password);
      await dialog.getByRole('radio', { name: 'Windows LAPS' }).check();
      await dialog.getByRole('textbox', { name: /hidden/ }).waitFor();
      await screenshot(page, `properties-two-flavours-${scheme}`);
      await context.close();
    },
  );

  it.each(['light', 'dark'] as const)(
    'names the decryptor of an encrypted password, and says when there is none (%s theme)',
    async (scheme) => {
      const simplyNamed = (predicate: (computer: LabComputer) => boolean, what: string) => {
        const found = lab.computers.find(
          (c) => predicate(c) && !c.disabled && /^[A-Za-z0-9-]+$/.test(c.name),
        );
        if (!found) throw new Error(`the lab seed has no ${what}`);
        return found;
      };
      const encrypted = simplyNamed(
        (c) => c.flavours.join() === 'windows-laps-encrypted',
        'computer with only an encrypted password',
      );
      const none = simplyNamed((c) => c.flavours.length === 0, 'computer without LAPS');
      const { context, page } = await openPage(scheme);
      await connect(page, 'lab');
      let dialog = await openComputer(page, encrypted.name);
      // Decrypting is laps-encrypted.test.ts's; here: named as encrypted, and offered.
      await dialog.getByText(/^Encrypted — authorized decryptor: /).waitFor();
      expect(await dialog.getByRole('button', { name: 'Show password' }).isDisabled()).toBe(false);
      expect(await dialog.getByRole('button', { name: 'Copy password' }).isDisabled()).toBe(false);
      await screenshot(page, `properties-encrypted-${scheme}`);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      dialog = await openComputer(page, none.name);
      await dialog
        .getByText('No LAPS password: this computer has no LAPS attribute set.')
        .waitFor();
      expect(await dialog.getByRole('button', { name: 'Show password' }).isDisabled()).toBe(true);
      await screenshot(page, `properties-no-laps-${scheme}`);
      await context.close();
    },
  );

  describe.each(['light', 'dark'] as const)('in the %s theme', (scheme) => {
    it('sets a new expiration on Apply after confirming, and shows what the DC read back', async () => {
      touched.add(expiring);
      const { context, page } = await openPage(scheme);
      await connect(page, 'lab');
      const dialog = await openComputer(page, expiring.name);
      const apply = dialog.getByRole('button', { name: 'Apply' });
      expect(await apply.isDisabled()).toBe(true);
      await dialog.getByLabel('New expiration date').fill('2031-06-15');
      await dialog.getByLabel('New expiration time').fill('14:30');
      await apply.click();
      const confirm = page.getByRole('alertdialog', {
        name: 'Change the LAPS password expiration?',
      });
      await confirm.waitFor();
      await screenshot(page, `confirm-expiry-${scheme}`);
      await confirm.getByRole('button', { name: 'Set expiration' }).click();
      await dialog.getByText('Expiration set. The directory now holds:').waitFor();
      const expected = new Intl.DateTimeFormat(undefined, {
        dateStyle: 'medium',
        timeStyle: 'short',
      }).format(new Date(2031, 5, 15, 14, 30));
      await expect(dialog.textContent()).resolves.toContain(expected);

      // Expire now, then OK: confirmed, written, closed.
      await dialog.getByRole('button', { name: 'Expire now' }).click();
      await dialog.getByRole('button', { name: 'OK' }).click();
      await confirm.getByRole('button', { name: 'Set expiration' }).click();
      await dialog.waitFor({ state: 'detached' });
      await openComputer(page, expiring.name);
      await page.getByText('Expired: the device has not rotated it yet').waitFor();
      await screenshot(page, `properties-expired-${scheme}`);
      await context.close();
    });
  });

  describe.each(['light', 'dark'] as const)('in the %s theme', (scheme) => {
    it('shows a helpdesk user outside its OU which right is missing', async () => {
      const { context, page } = await openPage(scheme);
      await connect(page, 'lab-helpdesk');
      const dialog = await openComputer(page, server.name);
      await dialog.getByText('A LAPS password exists, but you may not read it').waitFor();
      await dialog.getByRole('button', { name: 'Show password' }).click();
      const permission = page.getByRole('dialog', { name: 'Permission needed' });
      await permission.waitFor();
      const text = (await permission.textContent()) ?? '';
      expect(text).toContain('msLAPS-Password');
      expect(text).toContain('Control access');
      await screenshot(page, `permission-${scheme}`);
      await permission.getByRole('button', { name: 'Close' }).click();
      await permission.waitFor({ state: 'detached' });
      await context.close();
    });
  });

  it('goes from search to a copied password with the keyboard alone', async () => {
    const password = workstation.windowsLaps?.password ?? '';
    await fetch(`${app.host.origin}/__test__/clipboard`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', Origin: app.host.origin },
      body: JSON.stringify({ text: '' }),
    });
    const { context, page } = await openPage('light');
    await connect(page, 'lab');
    // Focus is in the search box on arrival: type, arrow, Enter.
    await page.keyboard.type(workstation.name.slice(0, -1));
    await page.getByRole('cell', { name: workstation.name, exact: true }).waitFor();
    const names = await page.getByRole('row').allTextContents();
    const index = names.findIndex((row) => row.startsWith(workstation.name));
    expect(index).toBeGreaterThan(0);
    for (let step = 1; step < index; step += 1) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: `${workstation.name} Properties` });
    await dialog.getByText('Current LAPS password expiration').waitFor();
    await page.keyboard.press('Alt+S');
    const shown = dialog.getByRole('textbox', {
      name: 'LAPS local admin account password',
      exact: true,
    });
    await expect(shown.textContent()).resolves.toBe(password);
    await page.keyboard.press('Control+Shift+C');
    await expect.poll(clipboardText).toBe(password);
    await page.keyboard.press('Alt+S');
    await dialog.getByRole('textbox', { name: /hidden/ }).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // "/" and Ctrl+F come back to the search box.
    await page.keyboard.press('Tab');
    await page.keyboard.press('/');
    const focused = await page.evaluate(
      () =>
        (
          globalThis as unknown as {
            document: { activeElement: { getAttribute(name: string): string | null } | null };
          }
        ).document.activeElement?.getAttribute('aria-label') ?? null,
    );
    expect(focused).toBe('Computer name');
    await context.close();
  });

  describe.each(['light', 'dark'] as const)('in the %s theme', (scheme) => {
    it('creates a profile in the editor, tests it, saves it and connects with it', async () => {
      const name = `editor-${scheme}`;
      const { context, page, problems } = await openPage(scheme);
      await page.getByRole('button', { name: 'New profile' }).click();
      const editor = page.getByRole('group', { name: 'New connection profile' });
      await editor.getByRole('textbox', { name: 'Profile name' }).fill(name);
      await editor.getByRole('textbox', { name: 'Server' }).fill(lab.ldapsUrl);
      await editor.getByRole('textbox', { name: 'CA certificate file' }).fill(lab.caFile);
      await editor.getByRole('textbox', { name: 'Search base' }).fill(lab.baseDn);
      await editor.getByRole('radio', { name: 'Other credentials' }).check();
      await editor.getByRole('textbox', { name: 'User' }).fill(lab.users.helpdesk.upn);
      await editor
        .getByLabel('Password', { exact: true })
        .fill(readFileSync(lab.users.helpdesk.passwordFile, 'utf8'));
      await editor.getByRole('button', { name: 'Test connection' }).click();
      await editor.getByText('Connection works').waitFor();
      await screenshot(page, `profile-editor-${scheme}`);
      await editor.getByRole('button', { name: 'Save' }).click();
      const card = page.getByRole('listitem', { name, exact: true });
      await card.getByText('password saved (protected by the OS)').waitFor();
      await connect(page, name);
      await page.getByRole('button', { name: 'Disconnect' }).click();
      await card.getByRole('button', { name: 'Edit' }).click();
      await page.getByRole('button', { name: 'Delete profile' }).click();
      await card.waitFor({ state: 'detached' });
      expect(problems).toEqual([]);
      await context.close();
    });
  });

  describe.each(['light', 'dark'] as const)('in the %s theme', (scheme) => {
    it('shows the settings and the audit log with its chain verified', async () => {
      const { context, page } = await openPage(scheme);
      await page.getByRole('tab', { name: 'Settings' }).click();
      await page.getByRole('heading', { name: 'Settings' }).waitFor();
      const seconds = page.getByRole('spinbutton', { name: /Clear the clipboard after/ });
      await expect.poll(() => seconds.inputValue()).toBe(String(CLIPBOARD_CLEAR_SECONDS));
      await screenshot(page, `settings-${scheme}`);
      // Saved through settings.set, then put back for the other tests.
      for (const value of ['7', String(CLIPBOARD_CLEAR_SECONDS)]) {
        await seconds.fill(value);
        await seconds.press('Tab');
        await page.getByRole('button', { name: 'Save' }).click();
        await page.getByText(`Saved: the clipboard is cleared after ${value} s.`).waitFor();
      }
      await page.getByRole('tab', { name: 'Audit log' }).click();
      await page.getByText('The chain verifies').waitFor();
      await page.getByRole('table', { name: 'Audit records, newest first' }).waitFor();
      await screenshot(page, `audit-${scheme}`);
      await context.close();
    });
  });
});
