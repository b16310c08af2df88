import { describe, expect, it } from 'vitest';
import { applicationMenuTemplate } from '../../../main/app/menu.js';
import { DEFAULT_SIZE, initialBounds, parseWindowState } from '../../../main/app/window-state.js';

const SCREEN = { x: 0, y: 0, width: 1920, height: 1040 };

describe('the remembered window bounds', () => {
  it('opens at the default size the first time', () => {
    expect(initialBounds(undefined, [SCREEN])).toEqual(DEFAULT_SIZE);
  });

  it('reopens where it was', () => {
    const saved = { bounds: { x: 100, y: 80, width: 1200, height: 800 }, isMaximized: false };
    expect(initialBounds(saved, [SCREEN])).toEqual({ x: 100, y: 80, width: 1200, height: 800 });
  });

  it('centres a window whose screen is gone, and shrinks one larger than any screen', () => {
    const saved = { bounds: { x: 3000, y: 100, width: 5000, height: 3000 }, isMaximized: false };
    expect(initialBounds(saved, [SCREEN])).toEqual({ width: 1920, height: 1040 });
  });

  it('reads only well-formed state', () => {
    expect(
      parseWindowState({ bounds: { x: 1, y: 2, width: 800, height: 600 }, isMaximized: true }),
    ).toEqual({ bounds: { x: 1, y: 2, width: 800, height: 600 }, isMaximized: true });
    for (const raw of [
      null,
      {},
      { bounds: { x: '1', y: 2, width: 3, height: 4 } },
      { bounds: { x: 1e9, y: 0, width: 1, height: 1 } },
    ])
      expect(parseWindowState(raw)).toBeUndefined();
  });
});

describe('the application menu', () => {
  const roles = (template: ReturnType<typeof applicationMenuTemplate>): string[] =>
    template.flatMap((item) =>
      Array.isArray(item.submenu) ? item.submenu.map((sub) => String(sub.role ?? sub.type)) : [],
    );

  it('has the Edit roles that make copy and paste work in fields', () => {
    expect(roles(applicationMenuTemplate({ isMac: false, isDevToolsAllowed: false }))).toEqual(
      expect.arrayContaining(['cut', 'copy', 'paste', 'selectAll', 'undo', 'quit']),
    );
  });

  it('offers DevTools and reload only when they are allowed (not in a packaged app)', () => {
    expect(
      roles(applicationMenuTemplate({ isMac: false, isDevToolsAllowed: false })),
    ).not.toContain('toggleDevTools');
    expect(roles(applicationMenuTemplate({ isMac: true, isDevToolsAllowed: true }))).toContain(
      'toggleDevTools',
    );
  });
});
