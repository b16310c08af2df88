import type { Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { applySessionPolicy, hardenWebContents } from '../../../main/app/hardening.js';
import { CONTENT_SECURITY_POLICY } from '../../../main/app/security-policy.js';

type Listener = (...args: unknown[]) => unknown;

describe('every web contents', () => {
  const listeners = new Map<string, Listener>();
  let openHandler: Listener | undefined;
  hardenWebContents({
    on: (name: string, listener: Listener) => listeners.set(name, listener),
    setWindowOpenHandler: (handler: Listener) => (openHandler = handler),
  } as unknown as Pick<WebContents, 'on' | 'setWindowOpenHandler'>);

  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview'])(
    'refuses %s',
    (name) => {
      const listener = listeners.get(name);
      expect(listener, `a ${name} listener`).toBeDefined();
      // Another origin, and the app's own URL alike: the page never navigates.
      for (const url of ['https://evil.example/', 'laps-console://app/index.html']) {
        const event = { preventDefault: vi.fn(), url };
        listener?.(event, url);
        expect(event.preventDefault, url).toHaveBeenCalled();
      }
    },
  );

  it('opens no new window', () => {
    expect(openHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });
});

describe('the app’s session', () => {
  const handlers: Record<string, Listener> = {};
  applySessionPolicy({
    setPermissionRequestHandler: (handler: Listener) => (handlers.request = handler),
    setPermissionCheckHandler: (handler: Listener) => (handlers.check = handler),
    webRequest: {
      onBeforeRequest: (handler: Listener) => (handlers.beforeRequest = handler),
      onHeadersReceived: (handler: Listener) => (handlers.headers = handler),
    },
  } as unknown as Parameters<typeof applySessionPolicy>[0] & Partial<Session>);

  it('denies every permission request and check', () => {
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation']) {
      const callback = vi.fn();
      handlers.request?.({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
      expect(handlers.check?.({}, permission)).toBe(false);
    }
  });

  it('loads nothing but the app’s own files', () => {
    const decide = (url: string) => {
      const callback = vi.fn();
      handlers.beforeRequest?.({ url }, callback);
      return callback.mock.calls[0]?.[0] as { cancel: boolean };
    };
    expect(decide('laps-console://app/assets/index.js')).toEqual({ cancel: false });
    for (const url of ['https://cdn.example/x.js', 'http://127.0.0.1:8080/', 'file:///etc/passwd'])
      expect(decide(url)).toEqual({ cancel: true });
  });

  it('puts the Content-Security-Policy on every response', () => {
    const callback = vi.fn();
    handlers.headers?.({ responseHeaders: { 'X-Other': ['1'] } }, callback);
    expect(callback).toHaveBeenCalledWith({
      responseHeaders: expect.objectContaining({
        'X-Other': ['1'],
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      }) as unknown,
    });
  });
});
