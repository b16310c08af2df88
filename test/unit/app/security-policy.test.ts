import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  CONTENT_SECURITY_POLICY,
  EMPTY_STYLE_HASH,
  isAllowedRequestUrl,
  isAppUrl,
  mainWindowWebPreferences,
  META_CONTENT_SECURITY_POLICY,
} from '../../../main/app/security-policy.js';
import { createHash } from 'node:crypto';

function directives(policy: string): Map<string, string> {
  return new Map(
    policy.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values.join(' ')];
    }),
  );
}

describe('the main window', () => {
  it('runs the renderer isolated and sandboxed, with no Node and web security on', () => {
    expect(
      mainWindowWebPreferences('/app/preload/index.cjs', { isDevToolsAllowed: false }),
    ).toEqual({
      preload: '/app/preload/index.cjs',
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
      disableBlinkFeatures: 'Auxclick',
      devTools: false,
    });
  });
});

describe('the Content-Security-Policy', () => {
  const header = directives(CONTENT_SECURITY_POLICY);

  it('allows the app’s own files and nothing else', () => {
    expect(header.get('default-src')).toBe("'self'");
    expect(header.get('script-src')).toBe("'self'");
    expect(header.get('object-src')).toBe("'none'");
    expect(header.get('base-uri')).toBe("'none'");
    expect(header.get('frame-ancestors')).toBe("'none'");
    expect(header.get('form-action')).toBe("'none'");
    expect(header.get('connect-src')).toBe("'self'");
    expect(header.get('img-src')).toBe("'self'");
  });

  it('allows no inline script, no eval, and no inline style text', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(
      /unsafe-(inline|eval|hashes)|wasm-unsafe-eval|\*|data:|blob:|https?:/,
    );
    expect(header.get('style-src')).toBe(`'self' '${EMPTY_STYLE_HASH}'`);
  });

  it('admits only EMPTY <style> elements beyond the app’s files (for Griffel)', () => {
    const emptyHash = `sha256-${createHash('sha256').update('').digest('base64')}`;
    expect(EMPTY_STYLE_HASH).toBe(emptyHash);
  });

  it('says the same in index.html’s meta tag, less frame-ancestors, which a meta cannot carry', () => {
    const meta = directives(META_CONTENT_SECURITY_POLICY);
    expect(meta.has('frame-ancestors')).toBe(false);
    header.forEach((value, name) => {
      if (name !== 'frame-ancestors') expect(meta.get(name)).toBe(value);
    });
  });
});

describe('the app’s origin', () => {
  it('is the laps-console://app scheme, exactly', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(isAppUrl('laps-console://app/assets/index.js')).toBe(true);
    for (const url of [
      'laps-console://evil/index.html',
      'laps-console://app.evil/index.html',
      'laps-console://user@app/index.html',
      'file:///app/index.html',
      'https://app/index.html',
      'http://127.0.0.1:5173/',
      'devtools://devtools/bundled/inspector.html',
      'not a url',
      '',
    ])
      expect(isAppUrl(url)).toBe(false);
  });

  it('is the only place the renderer may load from (DevTools aside)', () => {
    expect(isAllowedRequestUrl('laps-console://app/assets/index.css')).toBe(true);
    expect(isAllowedRequestUrl('devtools://devtools/bundled/inspector.html')).toBe(true);
    for (const url of [
      'https://example.com/x.js',
      'http://127.0.0.1/',
      'file:///etc/passwd',
      'data:text/html,x',
    ])
      expect(isAllowedRequestUrl(url)).toBe(false);
  });
});
