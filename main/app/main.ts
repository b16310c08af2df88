import { appendAuditRecord, auditLogPaths } from '../core/audit/audit-log.js';
// The Electron shell: one hardened window, the application menu, the renderer served from the
// app's own scheme, and the IPC contract bound to the console's handlers. The work is in core.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  nativeTheme,
  protocol,
  screen,
  session,
} from 'electron';
import { fileAuditLogReader } from '../core/console/audit-log-reader.js';
import { fileEntraSettingsStore } from '../core/console/entra-settings-file.js';
import { ConnectionRegistry } from '../core/console/connection-registry.js';
import { coreDirectory } from '../core/console/directory-link.js';
import { createConsoleService, type ConsoleService } from '../core/console/handlers.js';
import type { AuditRecorder } from '../core/console/ports.js';
import { consoleFile, fileProfileRepository } from '../core/console/profile-repository.js';
import { fileSecretStore } from '../core/console/secret-file.js';
import { fileSettingsStore } from '../core/console/settings-file.js';
import { fileTokenCache } from '../core/console/token-cache-file.js';
import { configDirectory } from '../core/profiles/profile-store.js';
import { safeStorageCipher, systemBrowser, systemClipboard } from './electron-ports.js';
import { applySessionPolicy, hardenWebContents } from './hardening.js';
import { bindContract, windowKeyOf } from './ipc.js';
import { applicationMenuTemplate } from './menu.js';
import { contentTypeOf, resolveRendererFile } from './renderer-files.js';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  isAppUrl,
  mainWindowWebPreferences,
  RESPONSE_SECURITY_HEADERS,
} from './security-policy.js';
import { initialBounds, loadWindowState, MIN_SIZE, saveWindowState } from './window-state.js';

const here = dirname(fileURLToPath(import.meta.url));
const RENDERER_DIR = join(here, '..', 'renderer');
const PRELOAD_PATH = join(here, '..', 'preload', 'index.cjs');
const isDevToolsAllowed = !app.isPackaged;

// The same folder as lapsctl's (profiles.json): userData is core's configDirectory().
app.setName('laps-console');
app.setPath('userData', configDirectory(process.env));
app.enableSandbox();

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true } },
]);

// The same hash-chained log lapsctl writes, in the same folder.
const auditPaths = auditLogPaths(configDirectory(process.env));
const audit: AuditRecorder = async (event) => {
  await appendAuditRecord(auditPaths, event);
};

let mainWindow: BrowserWindow | undefined;
let service: ConsoleService | undefined;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    // Clear our password from the clipboard and unbind from the DC before going: once.
    const quitting = service;
    if (!quitting) return;
    service = undefined;
    event.preventDefault();
    void Promise.race([quitting.dispose(), new Promise((resolve) => setTimeout(resolve, 2_000))])
      .catch(() => undefined)
      .finally(() => app.quit());
  });
  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  const env = process.env;
  applySessionPolicy(session.defaultSession);
  protocol.handle(APP_SCHEME, serveRendererFile);

  service = createConsoleService({
    profiles: fileProfileRepository(env),
    secrets: fileSecretStore(consoleFile(env, 'saved-passwords.json'), safeStorageCipher),
    clipboard: systemClipboard,
    settings: fileSettingsStore(consoleFile(env, 'settings.json')),
    connections: new ConnectionRegistry(),
    directory: coreDirectory(env),
    audit,
    auditLog: fileAuditLogReader(auditPaths),
    entra: {
      settings: fileEntraSettingsStore(consoleFile(env, 'entra.json')),
      tokenCache: fileTokenCache(consoleFile(env, 'entra-tokens.bin'), safeStorageCipher),
      browser: systemBrowser,
    },
  });
  bindContract(ipcMain, service, (contents) => contents === mainWindow?.webContents);

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      applicationMenuTemplate({ isMac: process.platform === 'darwin', isDevToolsAllowed }),
    ),
  );
  await openMainWindow(service);
}

async function openMainWindow(consoleService: ConsoleService): Promise<void> {
  const statePath = consoleFile(process.env, 'window-state.json');
  const saved = await loadWindowState(statePath);
  const window = new BrowserWindow({
    ...initialBounds(
      saved,
      screen.getAllDisplays().map((display) => display.workArea),
    ),
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: 'LAPS Console',
    show: false,
    // Fluent's neutral background 2 in each theme, so the window does not flash before paint.
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#1f1f1f' : '#fafafa',
    webPreferences: {
      ...mainWindowWebPreferences(PRELOAD_PATH, { isDevToolsAllowed }),
      // The same values as mainWindowWebPreferences, spelled out where reviewers and static
      // checkers (electronegativity, run by test/unit/app/electronegativity.test.ts) look.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  mainWindow = window;
  const windowKey = windowKeyOf(window.webContents);
  if (saved?.isMaximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  window.on('close', () => {
    void saveWindowState(statePath, {
      bounds: window.getNormalBounds(),
      isMaximized: window.isMaximized(),
    });
  });
  window.on('closed', () => {
    mainWindow = undefined;
    void consoleService.windowGone(windowKey);
  });
  // A reload or a crash starts a new page: the old page's connections go with it.
  window.webContents.on('did-start-navigation', (details) => {
    if (details.isMainFrame && !details.isSameDocument) void consoleService.windowGone(windowKey);
  });
  window.webContents.on('render-process-gone', () => void consoleService.windowGone(windowKey));
  await window.loadURL(APP_ENTRY_URL);
}

async function serveRendererFile(request: Request): Promise<Response> {
  if (!isAppUrl(request.url) || request.method !== 'GET')
    return new Response('Not found', { status: 404 });
  const file = resolveRendererFile(RENDERER_DIR, new URL(request.url).pathname);
  if (file === undefined) return new Response('Not found', { status: 404 });
  try {
    const body = await readFile(file);
    return new Response(body, {
      headers: {
        'Content-Type': contentTypeOf(file) ?? 'application/octet-stream',
        ...RESPONSE_SECURITY_HEADERS,
      },
    });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}
