// The console's security policy as plain data, with no Electron import, so unit tests can assert
// it and the test host can serve the very same Content-Security-Policy.
import type { WebPreferences } from 'electron';

/** The renderer is served from this privileged scheme, never from file:// or the network. */
export const APP_SCHEME = 'laps-console';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * SHA-256 of the empty string. Fluent UI v9's CSS-in-JS engine (Griffel) appends EMPTY <style>
 * elements and fills them through the CSSOM (insertRule), which CSP does not govern; CSP does
 * check each <style> element's text, so an empty one needs this hash. It admits no style text
 * at all: an injected <style> with any content is still refused. No 'unsafe-inline'.
 */
export const EMPTY_STYLE_HASH = 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';

/**
 * Everything from the app's own origin, nothing else: no inline or eval'd script, no plugins,
 * no <base>, no form posts, no framing either way; styles from our files, plus empty <style>
 * elements for Griffel (above). The e2e tests fail on any CSP violation the UI causes.
 */
const DIRECTIVES: readonly (readonly [string, string])[] = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  ['style-src', `'self' '${EMPTY_STYLE_HASH}'`],
  ['img-src', "'self'"],
  ['font-src', "'self'"],
  ['connect-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-src', "'none'"],
  ['worker-src', "'none'"],
  ['frame-ancestors', "'none'"],
];

/** Sent as a response header on every renderer file (Electron and the test host alike). */
export const CONTENT_SECURITY_POLICY = DIRECTIVES.map(([name, value]) => `${name} ${value}`).join(
  '; ',
);

/** The same policy in index.html's <meta>; browsers ignore frame-ancestors there, so it is left out. */
export const META_CONTENT_SECURITY_POLICY = DIRECTIVES.filter(
  ([name]) => name !== 'frame-ancestors',
)
  .map(([name, value]) => `${name} ${value}`)
  .join('; ');

/** Headers every renderer response carries. */
export const RESPONSE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
};

/** The main window's webPreferences: the renderer is a sandboxed web page and nothing more. */
export function mainWindowWebPreferences(
  preloadPath: string,
  options: { readonly isDevToolsAllowed: boolean },
): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    // A middle click opens a link in a new window: off, beside the window-open handler.
    disableBlinkFeatures: 'Auxclick',
    devTools: options.isDevToolsAllowed,
  };
}

/** Is this URL the app's own origin (the only one that may call IPC or be loaded)? */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  // Non-special schemes have an opaque `origin` ("null") in the URL standard: compare parts.
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/** Requests the renderer's session may make: its own files, and DevTools when allowed. */
export function isAllowedRequestUrl(url: string): boolean {
  return isAppUrl(url) || url.startsWith('devtools://');
}
