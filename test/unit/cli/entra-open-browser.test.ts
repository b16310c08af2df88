import { describe, expect, it } from 'vitest';
import { browserCommand, openInBrowser } from '../../../main/cli/open-browser.js';

const URL_WITH_AMPERSANDS =
  'https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize?client_id=a&scope=b%20c&state=d';

describe('the browser lapsctl opens for sign-in', () => {
  it('runs $BROWSER with the URL put where %s is, or added last', () => {
    expect(browserCommand(URL_WITH_AMPERSANDS, { BROWSER: 'firefox --new-window %s' })).toEqual({
      file: 'firefox',
      args: ['--new-window', URL_WITH_AMPERSANDS],
    });
    expect(browserCommand(URL_WITH_AMPERSANDS, { BROWSER: ' chromium ' })).toEqual({
      file: 'chromium',
      args: [URL_WITH_AMPERSANDS],
    });
  });

  it("uses the desktop's opener without $BROWSER, the URL one whole argument", () => {
    expect(browserCommand(URL_WITH_AMPERSANDS, {}, 'linux')).toEqual({
      file: 'xdg-open',
      args: [URL_WITH_AMPERSANDS],
    });
    expect(browserCommand(URL_WITH_AMPERSANDS, { BROWSER: '' }, 'darwin').file).toBe('open');
    expect(browserCommand(URL_WITH_AMPERSANDS, {}, 'win32')).toEqual({
      file: 'rundll32',
      args: ['url.dll,FileProtocolHandler', URL_WITH_AMPERSANDS],
    });
  });

  it('says why when the opener is missing or fails, and nothing when it worked', async () => {
    expect(await openInBrowser('https://example.test/', { BROWSER: 'true' })).toBeNull();
    expect(await openInBrowser('https://example.test/', { BROWSER: 'false' })).toBe(
      'false exited with 1',
    );
    expect(
      await openInBrowser('https://example.test/', { BROWSER: '/nonexistent/browser' }),
    ).toMatch(/^\/nonexistent\/browser: .*ENOENT/);
  });

  it('takes an opener still running after a moment for the browser itself', async () => {
    const started = Date.now();
    expect(
      await openInBrowser('https://example.test/', {
        BROWSER: `${process.execPath} -e setTimeout(()=>{},5000)`,
      }),
    ).toBeNull();
    expect(Date.now() - started).toBeLessThan(4500);
  });
});
