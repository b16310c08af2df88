// Encrypted passwords, their history and DSRM in the LAPS tab: the built renderer in Chromium,
// the test host's real core, the Samba lab and its GKDI key service. The oracle is the seed's
// expected.json; the audit log is the real one the host writes.
import { readFile } from 'node:fs/promises';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { fileAuditLogReader } from '../../main/core/console/audit-log-reader.js';
import { requireLab, type LabComputer, type LabPlainPassword } from '../lab/lab-env.js';
import { requireChromium, screenshot } from './browser.js';
import { connect, labProfile, openComputer, setUpConsole } from './console-page.js';

const lab = requireLab();
const chromiumPath = requireChromium();

describe.skipIf(!lab || !chromiumPath)('encrypted passwords, history and DSRM in Chromium', () => {
  if (!lab || !chromiumPath) return;
  const encryptedWith = (predicate: (computer: LabComputer) => boolean, what: string) => {
    const found = lab.computers.find(
      (c) =>
        c.encrypted?.origin === 'lab' &&
        c.flavours.join() === 'windows-laps-encrypted' &&
        !c.disabled &&
        /^[A-Za-z0-9-]+$/.test(c.name) &&
        predicate(c),
    );
    if (!found) throw new Error(`the lab seed has no ${what}`);
    return found;
  };
  // Two history entries at least, so that a row other than the first is copied.
  const workstation = encryptedWith(
    (c) => c.ou === 'workstations' && (c.encrypted?.history.length ?? 0) >= 2,
    'encrypted workstation with a history',
  );
  const encrypted = workstation.encrypted;
  const dc = lab.domainController;
  const decryptorText = `Encrypted — authorized decryptor: ${lab.lapsAdmins.name} (${lab.lapsAdmins.sid})`;
  const plain = (value: LabPlainPassword | null | undefined): LabPlainPassword => {
    if (!value) throw new Error('the oracle has no plaintext here');
    return value;
  };

  const app = setUpConsole({
    chromiumPath,
    tempPrefix: 'laps-console-e2e-encrypted-',
    viewport: { width: 1280, height: 1000 },
    profiles: () => {
      const profile = (user: 'lapsadmin' | 'helpdesk') => ({
        ...labProfile(lab, user),
        gkdiEndpoint: lab.gkdiEndpoint,
      });
      return { 'lab-lapsadmin': profile('lapsadmin'), 'lab-helpdesk': profile('helpdesk') };
    },
  });
  const { openPage, clipboardText } = app;

  const formatted = (iso: string) =>
    new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(
      new Date(iso),
    );
  /** Shows a history entry in the history view; returns its field once it holds the password. */
  const showEntry = async (view: Locator, entry: LabPlainPassword): Promise<Locator> => {
    const when = formatted(entry.updated);
    await view.getByRole('button', { name: `Show the password of ${when}` }).click();
    const shown = view.getByRole('textbox', { name: `Password of ${when}`, exact: true });
    await expect(shown.textContent()).resolves.toBe(entry.password);
    return shown;
  };

  describe.each(['light', 'dark'] as const)('in the %s theme', (scheme) => {
    it('decrypts an encrypted password as a LAPS Admins member, and lists its history', async () => {
      const current = plain(encrypted?.current);
      const history = encrypted?.history ?? [];
      const { context, page, problems } = await openPage(scheme);
      await connect(page, 'lab-lapsadmin');
      const dialog = await openComputer(page, workstation.name);
      await dialog.getByText(decryptorText).waitFor();
      const historyButton = dialog.getByRole('button', { name: `History (${history.length})` });
      await historyButton.waitFor();
      expect(await page.content()).not.toContain(current.password);
      await screenshot(page, `encrypted-masked-${scheme}`);

      await dialog.getByRole('button', { name: 'Show password' }).click();
      const shown = dialog.getByRole('textbox', {
        name: 'LAPS local admin account password',
        exact: true,
      });
      await expect(shown.textContent()).resolves.toBe(current.password);
      // The account is inside the encrypted value: named once it is decrypted.
      expect(await dialog.textContent()).not.toContain('Inside the encrypted password');
      expect(await dialog.textContent()).toContain(
        `LAPS local admin account name${current.account}`,
      );
      await screenshot(page, `encrypted-revealed-${scheme}`);
      await dialog.getByRole('button', { name: 'Hide password' }).click();
      await dialog.getByRole('button', { name: 'Copy password' }).click();
      await dialog.getByText(/The clipboard is cleared at/).waitFor();
      expect(await clipboardText()).toBe(current.password);

      await historyButton.click();
      const view = page.getByRole('dialog', {
        name: `Password history of ${workstation.name}`,
      });
      const table = view.getByRole('table', { name: 'Old passwords, newest first' });
      await table.waitFor();
      const rows = table.getByRole('row');
      // A header row, then one per entry, newest first, each masked.
      expect(await rows.count()).toBe(history.length + 1);
      for (const [index, entry] of history.entries()) {
        const row = rows.nth(index + 1);
        await expect(row.textContent()).resolves.toContain(formatted(entry.updated));
        await expect(row.textContent()).resolves.toContain(entry.account);
      }
      const [newest, second] = history;
      if (!newest || !second) throw new Error('unreachable: two entries at least');
      expect(await page.content()).not.toContain(newest.password);
      const newestField = await showEntry(view, newest);
      await screenshot(page, `encrypted-history-${scheme}`);
      // A 30-character password sits on one line in that cell, without scrolling.
      const fit = await newestField.evaluate((field) => {
        const long = field.cloneNode(false) as HTMLElement;
        long.textContent = 'W@m9'.repeat(7) + 'Wm';
        field.after(long);
        const one = { height: field.clientHeight, scrolls: long.scrollWidth > long.clientWidth };
        const result = { ...one, longHeight: long.clientHeight };
        long.remove();
        return result;
      });
      expect(fit).toEqual({ height: fit.height, scrolls: false, longHeight: fit.height });
      await view
        .getByRole('button', { name: `Copy the password of ${formatted(second.updated)}` })
        .click();
      await expect.poll(clipboardText).toBe(second.password);

      await page.keyboard.press('Escape');
      await view.waitFor({ state: 'detached' });
      const content = await page.content();
      for (const entry of history) expect(content).not.toContain(entry.password);
      expect(problems).toEqual([]);
      await context.close();
    });

    it('shows the DSRM password of the domain controller and its history', async () => {
      const dsrm = dc.dsrm;
      const current = plain(dsrm.current);
      const { context, page, problems } = await openPage(scheme);
      await connect(page, 'lab-lapsadmin');
      const dialog = await openComputer(page, dc.name);
      const section = dialog.getByRole('region', { name: 'Directory Services Restore Mode' });
      await section.getByText(decryptorText).waitFor();
      await section.getByRole('button', { name: 'Show password' }).click();
      await expect(
        section
          .getByRole('textbox', { name: 'DSRM administrator password', exact: true })
          .textContent(),
      ).resolves.toBe(current.password);
      await section.scrollIntoViewIfNeeded();
      await screenshot(page, `dsrm-revealed-${scheme}`);

      await section.getByRole('button', { name: `History (${dsrm.history.length})` }).click();
      const view = page.getByRole('dialog', { name: `DSRM password history of ${dc.name}` });
      const rows = view
        .getByRole('table', { name: 'Old passwords, newest first' })
        .getByRole('row');
      await rows.nth(1).waitFor();
      expect(await rows.count()).toBe(dsrm.history.length + 1);
      const [newest] = dsrm.history;
      if (!newest) throw new Error('the seed gave the DC no DSRM history');
      await showEntry(view, newest);
      await screenshot(page, `dsrm-history-${scheme}`);
      await view.getByRole('button', { name: 'Close' }).click();
      await view.waitFor({ state: 'detached' });
      expect(problems).toEqual([]);
      await context.close();
    });

    it('tells helpdesk it is not authorized to decrypt, naming the group', async () => {
      const helpdeskComputer = encryptedWith(
        (c) => c.ou === 'workstations',
        'encrypted workstation in the helpdesk OU',
      );
      const { context, page } = await openPage(scheme);
      await connect(page, 'lab-helpdesk');
      const dialog = await openComputer(page, helpdeskComputer.name);
      await dialog.getByText(decryptorText).waitFor();
      await dialog.getByRole('button', { name: 'Show password' }).click();
      const refusal = page.getByRole('dialog', { name: 'Not authorized to decrypt' });
      await refusal.waitFor();
      const text = (await refusal.textContent()) ?? '';
      expect(text).toContain(lab.lapsAdmins.name);
      expect(text).toContain(lab.lapsAdmins.sid);
      expect(text).not.toContain('Permission needed');
      await screenshot(page, `not-authorized-${scheme}`);
      await refusal.getByRole('button', { name: 'Close' }).click();
      await refusal.waitFor({ state: 'detached' });
      await context.close();
    });
  });

  it('says a password under another forest’s root key cannot be decrypted here', async () => {
    const foreign = lab.computers.find(
      (c) =>
        c.encrypted?.origin === 'foreign-vector' &&
        c.flavours.join() === 'windows-laps-encrypted' &&
        /^[A-Za-z0-9-]+$/.test(c.name),
    );
    if (!foreign) throw new Error('the lab seed has no foreign-vector computer');
    const { context, page } = await openPage('light');
    await connect(page, 'lab-lapsadmin');
    const dialog = await openComputer(page, foreign.name);
    await dialog.getByRole('button', { name: 'Show password' }).click();
    const refusal = page.getByRole('dialog', { name: 'Not authorized to decrypt' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('root key');
    await screenshot(page, 'not-decryptable-foreign-root-key-light');
    await context.close();
  });

  it('opens the history and copies from it with the keyboard alone', async () => {
    const history = encrypted?.history ?? [];
    const { context, page } = await openPage('light');
    await connect(page, 'lab-lapsadmin');
    await page.keyboard.type(workstation.name);
    await page.getByRole('cell', { name: workstation.name, exact: true }).waitFor();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: `${workstation.name} Properties` });
    await dialog.getByText(decryptorText).waitFor();
    await page.keyboard.press('Alt+S');
    await expect(
      dialog
        .getByRole('textbox', { name: 'LAPS local admin account password', exact: true })
        .textContent(),
    ).resolves.toBe(plain(encrypted?.current).password);
    await page.keyboard.press('Alt+H');
    const view = page.getByRole('dialog', { name: `Password history of ${workstation.name}` });
    const newest = formatted(history[0]?.updated ?? '');
    // The newest row's Show has the focus once the list arrives: Enter shows, Tab Enter copies.
    const show = view.getByRole('button', { name: `Show the password of ${newest}` });
    await expect
      .poll(() => show.evaluate((button) => button === button.ownerDocument.activeElement))
      .toBe(true);
    await page.keyboard.press('Enter');
    await expect(
      view.getByRole('textbox', { name: `Password of ${newest}`, exact: true }).textContent(),
    ).resolves.toBe(history[0]?.password);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(clipboardText).toBe(history[0]?.password);
    await page.keyboard.press('Escape');
    await view.waitFor({ state: 'detached' });
    await dialog.waitFor();
    await context.close();
  });

  it('wrote every decrypt to the audit log, with the attribute and without a password', async () => {
    const log = fileAuditLogReader(app.host.auditPaths);
    expect(await log.verify()).toMatchObject({ ok: true });
    const { records } = await log.recent(1000);
    const encryptedRecords = records.filter((record) => record.source === 'windows-laps-encrypted');
    const lines = encryptedRecords.map((record) => [record.action, record.dn, record.detail]);
    // A password shown after decryption is a "decrypt", as lapsctl get records it; a copy is a copy.
    expect(lines).toContainEqual(['decrypt', workstation.dn, 'msLAPS-EncryptedPassword']);
    expect(lines).toContainEqual(['copy', workstation.dn, 'msLAPS-EncryptedPassword']);
    expect(lines.map(([action]) => action)).not.toContain('reveal');
    expect(lines).toContainEqual([
      'decrypt',
      workstation.dn,
      `msLAPS-EncryptedPasswordHistory (${encrypted?.history.length ?? 0} entries)`,
    ]);
    expect(lines).toContainEqual(['decrypt', dc.dn, 'msLAPS-EncryptedDSRMPassword']);
    expect(lines).toContainEqual([
      'decrypt',
      dc.dn,
      `msLAPS-EncryptedDSRMPasswordHistory (${dc.dsrm.history.length} ${dc.dsrm.history.length === 1 ? 'entry' : 'entries'})`,
    ]);
    for (const record of encryptedRecords) {
      expect(record.app).toBe('console');
      expect(record.actor.identity).toBe(lab.users.lapsadmin.upn);
    }
    // The viewer shows what was decrypted.
    for (const scheme of ['light', 'dark'] as const) {
      const { context, page } = await openPage(scheme);
      await page.getByRole('tab', { name: 'Audit log' }).click();
      await page.getByText('The chain verifies').waitFor();
      await page.getByText('msLAPS-EncryptedDSRMPassword', { exact: true }).first().waitFor();
      await screenshot(page, `audit-decrypts-${scheme}`);
      await context.close();
    }
    const text = await readFile(app.host.auditPaths.log, 'utf8');
    for (const secret of [
      plain(encrypted?.current).password,
      ...(encrypted?.history ?? []).map((entry) => entry.password),
      plain(dc.dsrm.current).password,
    ])
      expect(text).not.toContain(secret);
  });
});
