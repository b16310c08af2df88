// What every web contents and the app's session are allowed to do: nothing beyond showing the
// app. Only type imports from Electron, so unit tests can drive these with stand-ins.
import type { Session, WebContents } from 'electron';
import { isAllowedRequestUrl, RESPONSE_SECURITY_HEADERS } from './security-policy.js';

/** No navigation, no redirects, no new windows, no <webview>: the page is the app, only the app. */
export function hardenWebContents(
  contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>,
): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  // Any frame's navigation (the CSP allows no frame, so this is the second lock).
  contents.on('will-frame-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/**
 * Every permission (camera, notifications, clipboard-read, …) refused; every request that is not
 * for the app's own files cancelled (no remote content); the security headers on every response.
 */
export function applySessionPolicy(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> & {
    webRequest: Pick<Session['webRequest'], 'onBeforeRequest' | 'onHeadersReceived'>;
  },
): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) =>
    callback({ cancel: !isAllowedRequestUrl(details.url) }),
  );
  session.webRequest.onHeadersReceived((details, callback) =>
    callback({
      responseHeaders: { ...details.responseHeaders, ...headerLists(RESPONSE_SECURITY_HEADERS) },
    }),
  );
}

function headerLists(headers: Readonly<Record<string, string>>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]]));
}
