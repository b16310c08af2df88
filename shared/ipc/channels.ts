// The names of every request the renderer may make, as `area.verb`. This file holds no validator
// so that preload and the test bridge can build `window.laps` without bundling one.
export const CHANNELS = [
  'profile.list',
  'profile.save',
  'profile.delete',
  'connection.test',
  'connection.open',
  'connection.close',
  'computer.search',
  'computer.read',
  'computer.reveal',
  'computer.copy',
  'computer.history',
  'computer.setExpiration',
  'settings.get',
  'settings.set',
  'audit.list',
  'audit.verify',
  'entra.status',
  'entra.configure',
  'entra.beginSignIn',
  'entra.completeSignIn',
  'entra.cancelSignIn',
  'entra.copyDeviceCode',
  'entra.signOut',
  'entra.search',
  'entra.read',
  'entra.reveal',
  'entra.copy',
  'entra.history',
  'entra.rotate',
  'entra.rotationStatus',
  'entra.activity',
] as const;

export type Channel = (typeof CHANNELS)[number];
export type ChannelArea = Channel extends `${infer Area}.${string}` ? Area : never;
export type ChannelVerb<C extends Channel> = C extends `${string}.${infer Verb}` ? Verb : never;

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

/** "computer.search" → ["computer", "search"]. */
export function splitChannel(channel: Channel): readonly [ChannelArea, string] {
  const [area, verb] = channel.split('.') as [ChannelArea, string];
  return [area, verb];
}
