// The console in Chromium against the test host, as the browser tests drive it: one set-up (a
// temporary config directory, the test host, Chromium) and the steps every test takes (open a
// page, connect with a profile, open a computer's properties).
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startTestHost, type TestHost } from '../fixtures/test-host/host.js';
import type { LabEnv, LabUserKey } from '../lab/lab-env.js';
import { collectPageProblems, launchChromium } from './browser.js';

const RENDERER_INDEX = join(import.meta.dirname, '..', '..', 'dist', 'renderer', 'index.html');

export type ColorScheme = 'light' | 'dark';

export interface OpenedPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** CSP violations and uncaught errors the page reported (collectPageProblems). */
  readonly problems: string[];
}

export interface ConsoleSetUpOptions {
  readonly chromiumPath: string;
  /** The start of the temporary config directory's name. */
  readonly tempPrefix: string;
  /** Every page's viewport. */
  readonly viewport: { readonly width: number; readonly height: number };
  /** profiles.json's profiles, by name. */
  readonly profiles: (configDir: string) => Record<string, object>;
  /** settings.json, when the test needs other settings than the defaults. */
  readonly settings?: object;
  /** Writes whatever else the test needs into the fresh config directory, before profiles.json. */
  readonly configure?: (configDir: string) => Promise<void>;
  /** Plays the system browser for Entra sign-in and consent pages (the test host's option). */
  readonly openExternal?: (url: string) => Promise<void>;
}

export interface ConsoleSetUp {
  /** The config directory, the test host and Chromium: only inside tests and hooks. */
  readonly configDir: string;
  readonly host: TestHost;
  readonly browser: Browser;
  /** A new context with the colour scheme and the viewport, on the console's page. */
  readonly openPage: (scheme: ColorScheme) => Promise<OpenedPage>;
  /** What the console last wrote to the (test host's) clipboard. */
  readonly clipboardText: () => Promise<string>;
}

/**
 * Registers a beforeAll that writes a config directory, starts the test host on it and launches
 * Chromium, and an afterAll that closes and removes them again.
 */
export function setUpConsole(options: ConsoleSetUpOptions): ConsoleSetUp {
  let configDir: string | undefined;
  let host: TestHost | undefined;
  let browser: Browser | undefined;
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the ${what} is not set up: use it in a test`);
    return value;
  };

  beforeAll(async () => {
    if (!existsSync(RENDERER_INDEX))
      throw new Error(`${RENDERER_INDEX} is missing: run 'npm run build' first.`);
    configDir = await mkdtemp(join(tmpdir(), options.tempPrefix));
    await options.configure?.(configDir);
    await writeConfigFile(configDir, 'profiles.json', { profiles: options.profiles(configDir) });
    if (options.settings) await writeConfigFile(configDir, 'settings.json', options.settings);
    host = await startTestHost({
      configDir,
      ...(options.openExternal ? { openExternal: options.openExternal } : {}),
    });
    browser = await launchChromium(options.chromiumPath);
  });

  afterAll(async () => {
    // Any may be missing when beforeAll failed half-way.
    await browser?.close();
    await host?.close();
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  const setUp: ConsoleSetUp = {
    get configDir() {
      return ready(configDir, 'config directory');
    },
    get host() {
      return ready(host, 'test host');
    },
    get browser() {
      return ready(browser, 'browser');
    },
    openPage: async (scheme) => {
      const context = await setUp.browser.newContext({
        colorScheme: scheme,
        viewport: options.viewport,
      });
      const page = await context.newPage();
      const problems = collectPageProblems(page);
      await page.goto(setUp.host.url);
      return { context, page, problems };
    },
    clipboardText: async () => {
      const response = await fetch(`${setUp.host.origin}/__test__/clipboard`);
      return ((await response.json()) as { text: string }).text;
    },
  };
  return setUp;
}

function writeConfigFile(configDir: string, name: string, value: unknown): Promise<void> {
  return writeFile(join(configDir, name), JSON.stringify(value));
}

/** A profile that binds to the lab as one of its users with the password in its file. */
export function labProfile(lab: LabEnv, user: LabUserKey) {
  return {
    server: lab.ldapsUrl,
    ca: lab.caFile,
    base: lab.baseDn,
    auth: 'simple',
    user: lab.users[user].upn,
    passwordFile: lab.users[user].passwordFile,
  };
}

/** Connects with the profile named on the connect view, and waits for the search view. */
export async function connect(page: Page, profile: string): Promise<void> {
  const card = page.getByRole('listitem', { name: profile, exact: true });
  await card.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.getByRole('heading', { name: 'Find a computer' }).waitFor();
}

/** Finds the computer by name, opens its properties and returns the dialog once its LAPS tab shows. */
export async function openComputer(page: Page, name: string): Promise<Locator> {
  const box = page.getByRole('searchbox', { name: 'Computer name' });
  await box.fill(name);
  await page.getByRole('cell', { name, exact: true }).waitFor();
  await box.press('Enter');
  const dialog = page.getByRole('dialog', { name: `${name} Properties` });
  await dialog.getByText('Current LAPS password expiration').waitFor();
  return dialog;
}
