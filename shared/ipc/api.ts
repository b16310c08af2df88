// window.laps: exactly one method per channel of the contract, grouped by area
// (`laps.computer.search(input)` calls `computer.search`). Built the same way by preload (over
// ipcRenderer.invoke) and by the test host's bridge (over fetch).
import { CHANNELS, splitChannel, type Channel, type ChannelArea } from './channels.js';
import type { ChannelInput, ChannelOutput } from './contract.js';
import type { Result } from './result.js';

export type LapsMethod<C extends Channel> = (
  input: ChannelInput<C>,
) => Promise<Result<ChannelOutput<C>>>;

export type LapsApi = {
  readonly [A in ChannelArea]: {
    readonly [C in Channel as C extends `${A}.${infer Verb}` ? Verb : never]: LapsMethod<C>;
  };
};

/** Sends one request; resolves to the Result main replied with. */
export type Invoke = (channel: Channel, input: unknown) => Promise<unknown>;

export function buildLapsApi(invoke: Invoke): LapsApi {
  const api: Record<string, Record<string, (input: unknown) => Promise<unknown>>> = {};
  for (const channel of CHANNELS) {
    const [area, verb] = splitChannel(channel);
    const methods = (api[area] ??= {});
    methods[verb] = (input: unknown) => invoke(channel, input);
  }
  for (const methods of Object.values(api)) Object.freeze(methods);
  return Object.freeze(api) as unknown as LapsApi;
}
