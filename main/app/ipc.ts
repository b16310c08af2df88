// Binds the shared contract to ipcMain.handle. Before any handler runs, the sender must be the
// main frame of our own window, showing our own origin; the input is then validated by dispatch.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { CHANNELS } from '../../shared/ipc/channels.js';
import { fail } from '../../shared/ipc/result.js';
import { dispatch } from '../core/console/dispatch.js';
import type { ConsoleService } from '../core/console/handlers.js';
import { isAppUrl } from './security-policy.js';

export function windowKeyOf(contents: WebContents): string {
  return `webcontents-${contents.id}`;
}

export function bindContract(
  ipcMain: IpcMain,
  service: ConsoleService,
  isOurWindow: (contents: WebContents) => boolean,
): void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (event, ...args: unknown[]) => {
      if (!isTrustedSender(event, isOurWindow))
        return fail('forbidden', 'This request did not come from the LAPS Console window.');
      if (args.length !== 1)
        return fail('invalid-request', `The request ${channel} takes exactly one argument.`);
      return await dispatch(service.handlers, channel, args[0], {
        windowKey: windowKeyOf(event.sender),
      });
    });
  }
}

export function unbindContract(ipcMain: IpcMain): void {
  for (const channel of CHANNELS) ipcMain.removeHandler(channel);
}

function isTrustedSender(
  event: IpcMainInvokeEvent,
  isOurWindow: (contents: WebContents) => boolean,
): boolean {
  const frame = event.senderFrame;
  return (
    frame !== null &&
    frame === event.sender.mainFrame &&
    isOurWindow(event.sender) &&
    isAppUrl(frame.url)
  );
}
