// main/app's IPC binding with stand-ins for ipcMain and the sender: who may call, and with what.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { bindContract, unbindContract } from '../../../main/app/ipc.js';
import type { ConsoleService } from '../../../main/core/console/handlers.js';
import { CHANNELS } from '../../../shared/ipc/channels.js';

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  const ipcMain = {
    handle: (channel: string, handler: Handler) => handlers.set(channel, handler),
    removeHandler: (channel: string) => handlers.delete(channel),
  } as unknown as IpcMain;
  return { ipcMain, handlers };
}

function fakeSender(url: string) {
  const mainFrame = { url };
  const contents = { id: 7, mainFrame } as unknown as WebContents;
  return { contents, mainFrame };
}

const service = {
  handlers: { 'settings.get': () => Promise.resolve({ clipboardClearSeconds: 30 }) },
  windowGone: () => Promise.resolve(),
  dispose: () => Promise.resolve(),
} as unknown as ConsoleService;

function setUp() {
  const { ipcMain, handlers } = fakeIpcMain();
  const ours = fakeSender('laps-console://app/index.html');
  bindContract(ipcMain, service, (contents) => contents === ours.contents);
  const invoke = (event: Partial<IpcMainInvokeEvent>, ...args: unknown[]) =>
    handlers.get('settings.get')?.(event as IpcMainInvokeEvent, ...args);
  return { ipcMain, handlers, ours, invoke };
}

describe('binding the contract to ipcMain', () => {
  it('handles exactly the channels of the contract, and unbinds them all', () => {
    const { ipcMain, handlers } = setUp();
    expect([...handlers.keys()].sort()).toEqual([...CHANNELS].sort());
    unbindContract(ipcMain);
    expect(handlers.size).toBe(0);
  });

  it('answers the main frame of our window, on our origin', async () => {
    const { ours, invoke } = setUp();
    await expect(
      invoke({ sender: ours.contents, senderFrame: ours.mainFrame } as never, {}),
    ).resolves.toEqual({ ok: true, value: { clipboardClearSeconds: 30 } });
  });

  it('refuses a sub-frame, another window, another origin, and a frame that is gone', async () => {
    const { ours, invoke } = setUp();
    const otherWindow = fakeSender('laps-console://app/index.html');
    const subFrame = { url: 'laps-console://app/index.html' };
    const refused = [
      { sender: ours.contents, senderFrame: subFrame },
      { sender: otherWindow.contents, senderFrame: otherWindow.mainFrame },
      { sender: ours.contents, senderFrame: null },
    ];
    for (const event of refused)
      await expect(invoke(event as never, {})).resolves.toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    // Our window, navigated elsewhere somehow: its origin is checked too.
    ours.mainFrame.url = 'https://evil.example/';
    await expect(
      invoke({ sender: ours.contents, senderFrame: ours.mainFrame } as never, {}),
    ).resolves.toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('refuses extra arguments and malformed input before any handler runs', async () => {
    const { ours, invoke } = setUp();
    const event = { sender: ours.contents, senderFrame: ours.mainFrame } as never;
    await expect(invoke(event, {}, 'extra')).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    await expect(invoke(event)).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    await expect(invoke(event, { clipboardClearSeconds: 1 })).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
  });
});
