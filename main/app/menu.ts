import type { MenuItemConstructorOptions } from 'electron';

/** The application menu: the standard roles (Edit's are what make Ctrl+C/V work in fields). */
export function applicationMenuTemplate(options: {
  readonly isMac: boolean;
  readonly isDevToolsAllowed: boolean;
}): MenuItemConstructorOptions[] {
  const template: MenuItemConstructorOptions[] = [];
  if (options.isMac) {
    template.push({
      label: 'LAPS Console',
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  template.push(
    { label: '&File', submenu: [options.isMac ? { role: 'close' } : { role: 'quit' }] },
    {
      label: '&Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: '&View',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(options.isDevToolsAllowed
          ? [
              { type: 'separator' } as const,
              { role: 'reload' } as const,
              { role: 'toggleDevTools' } as const,
            ]
          : []),
      ],
    },
    { label: '&Window', submenu: [{ role: 'minimize' }, { role: 'zoom' }] },
    { label: '&Help', role: 'help', submenu: [{ role: 'about' }] },
  );
  return template;
}
