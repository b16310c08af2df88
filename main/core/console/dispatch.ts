// One request through the contract: the channel must exist, the input must pass its validator,
// the handler's reply must pass the output validator, and every failure becomes an ErrorInfo.
// main/app and the test host both call this, after their own sender check.
import type { z } from 'zod';
import { isChannel, type Channel } from '../../../shared/ipc/channels.js';
import { IPC_CONTRACT } from '../../../shared/ipc/contract.js';
import { fail, ok, type IpcErrorInfo, type Result } from '../../../shared/ipc/result.js';
import { toLapsError } from '../errors/laps-error.js';
import { ConsoleError } from './console-error.js';
import type { ConsoleHandlers } from './handlers.js';
import type { Caller } from './ports.js';

export async function dispatch(
  handlers: ConsoleHandlers,
  channel: unknown,
  input: unknown,
  caller: Caller,
): Promise<Result<unknown>> {
  if (!isChannel(channel))
    return fail('invalid-request', `There is no request named ${quote(channel)}.`);
  const contract = IPC_CONTRACT[channel];
  const parsed = contract.input.safeParse(input);
  if (!parsed.success) return fail('invalid-request', describeIssues(channel, parsed.error));
  let value: unknown;
  try {
    value = await (handlers[channel] as (input: unknown, caller: Caller) => Promise<unknown>)(
      parsed.data,
      caller,
    );
  } catch (error) {
    return { ok: false, error: toErrorInfo(error) };
  }
  const checked = contract.output.safeParse(value);
  if (!checked.success)
    return fail(
      'unexpected',
      `LAPS Console made a reply to ${channel} that breaks its own contract: please report it.`,
    );
  return ok(checked.data);
}

export function toErrorInfo(error: unknown): IpcErrorInfo {
  if (error instanceof ConsoleError) return { code: error.code, message: error.message };
  return toLapsError(error).toInfo();
}

/** "The request computer.search is malformed: text: Too big…" — bounded, controls replaced. */
function describeIssues(channel: Channel, error: z.ZodError): string {
  const issues = error.issues.slice(0, 3).map((issue) => {
    const path = issue.path.map((part) => String(part)).join('.');
    return clip(`${path === '' ? 'the request' : path}: ${issue.message}`, 160);
  });
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return `The request ${channel} is malformed: ${issues.join('; ')}${more}.`;
}

function quote(value: unknown): string {
  return typeof value === 'string' ? `"${clip(value, 60)}"` : typeof value;
}

function clip(text: string, max: number): string {
  const clean = text.replace(/[\p{Cc}\p{Cs}]/gu, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
