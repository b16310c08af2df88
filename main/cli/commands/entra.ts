// `lapsctl entra …`: loaded by run.ts only when asked for, so other commands never pay for
// MSAL and the Graph SDK at start-up.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { osUserName } from '../../core/audit/audit-actor.js';
import { appendAuditRecord, type AuditLogPaths } from '../../core/audit/audit-log.js';
import { waitForNewBackup } from '../../core/entra/backup-watch.js';
import {
  ENTRA_CLOUDS,
  isEntraCloudName,
  resolveEndpoints,
  type EntraEndpoints,
} from '../../core/entra/clouds.js';
import {
  createLapsGraphClient,
  type EntraDeviceCredentials,
  type EntraDeviceDetails,
  type LapsGraphClient,
} from '../../core/entra/graph-client.js';
import type { HttpsTrust } from '../../core/entra/https-transport.js';
import {
  APP_ONLY_SCOPES,
  BROWSE_SCOPES,
  READ_PASSWORD_SCOPES,
  ROTATE_SCOPES,
  scopesForGraph,
} from '../../core/entra/scopes.js';
import { EntraSession } from '../../core/entra/session.js';
import { certificateTokenSource, type TokenSource } from '../../core/entra/sign-in.js';
import { LapsError, NoLapsPasswordError, UsageError } from '../../core/errors/laps-error.js';
import { readEntraDefaults } from '../entra-defaults.js';
import { openInBrowser } from '../open-browser.js';
import { writeBlock, writeJson, writeNote, type Output } from '../output.js';

export const ENTRA_USAGE = `Entra ID (devices that back up their LAPS password to Microsoft Entra ID):
  entra list [--filter TEXT] [--json]    devices with a LAPS backup whose name starts with TEXT
  entra get DEVICE [--history] [--json]  a device's LAPS password (by name or device id; recorded
                                         in the audit log); --history adds older backups
  entra rotate DEVICE [--json]           ask Intune to rotate the password (audit-logged); the
                                         device makes a new one at its next check-in
      --wait [--timeout SECONDS]         then check every 10 s until the device backs up a new
                                         password (default: wait up to 900 s; exit 6 if none)
  Sign-in: in the browser (default; $BROWSER, else the desktop's), with a loopback redirect
           --device-code      a code to enter at the verification page, on any device
           --client-cert FILE app-only (automation): PEM certificate and unencrypted PEM key
  --tenant ID|DOMAIN    the tenant (default: any work account's, "organizations")
  --client-id ID        the app registration to sign in with (or LAPS_CONSOLE_CLIENT_ID)
  --cloud global|us-gov|china
  --authority URL       full authority URL (tenant included), for another cloud or a test one
  --graph-url URL       Microsoft Graph's root URL
  --ca FILE             trust this PEM CA instead of the system store (sign-in and Graph)
  Defaults come from the console's Entra ID settings (entra.json in the config folder); flags
  win. Tokens are kept in memory only: each run signs in again.`;

/** Between two reads of a device's last backup while waiting for a rotation. */
export const ROTATION_POLL_INTERVAL_MS = 10_000;
const DEFAULT_WAIT_SECONDS = 900;
/** A day: a device that has not checked in by then is not waited for by a script. */
const MAX_WAIT_SECONDS = 86_400;

const ENTRA_OPTIONS = {
  json: { type: 'boolean' },
  history: { type: 'boolean' },
  filter: { type: 'string' },
  wait: { type: 'boolean' },
  timeout: { type: 'string' },
  tenant: { type: 'string' },
  'client-id': { type: 'string' },
  'device-code': { type: 'boolean' },
  'client-cert': { type: 'string' },
  cloud: { type: 'string' },
  authority: { type: 'string' },
  'graph-url': { type: 'string' },
  ca: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type EntraValues = ReturnType<typeof parse>['values'];
type Subcommand = 'list' | 'get' | 'rotate';

/** What tests may change: how often `rotate --wait` reads the device. */
export interface EntraTiming {
  readonly pollIntervalMs?: number;
}

export async function runEntra(
  args: readonly string[],
  output: Output,
  auditPaths: AuditLogPaths,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
  timing: EntraTiming = {},
): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand === undefined || subcommand === '--help' || subcommand === '-h') {
    output.stdout.write(`${ENTRA_USAGE}\n`);
    return subcommand === undefined ? 2 : 0;
  }
  if (subcommand !== 'list' && subcommand !== 'get' && subcommand !== 'rotate')
    throw new UsageError(`Unknown entra subcommand "${subcommand}": use list, get or rotate.`);
  let values: EntraValues;
  let positionals: string[];
  try {
    ({ values, positionals } = parse(rest));
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\.$/, '')}.`);
  }
  if (values.help) {
    output.stdout.write(`${ENTRA_USAGE}\n`);
    return 0;
  }
  checkFlags(subcommand, values, positionals);
  const waitSeconds = values.wait ? parseWaitSeconds(values.timeout) : null;
  const { endpoints, tokens, graph } = await connect(subcommand, values, env, output, signal);
  if (subcommand === 'list') {
    await listDevices(graph, values.filter, output);
    return 0;
  }
  const device = positionals[0] ?? '';
  const actor = () => ({
    osUser: osUserName(env),
    identity: tokens.identity(),
    server: endpoints.graphUrl,
  });
  if (subcommand === 'rotate') {
    const rotation = await graph.requestRotation(device);
    // Recorded as soon as Intune accepted it; the device has not rotated yet.
    await appendAuditRecord(auditPaths, {
      action: 'rotate',
      computer: rotation.device.deviceName,
      dn: `entra:${rotation.device.deviceId}`,
      source: 'entra',
      detail: `entra, Intune managed device ${rotation.managedDeviceId}`,
      actor: actor(),
      app: 'lapsctl',
    });
    const result = {
      computer: rotation.device.deviceName,
      deviceId: rotation.device.deviceId,
      managedDeviceId: rotation.managedDeviceId,
      requested: true,
    };
    if (waitSeconds === null) {
      if (output.json)
        writeJson(output, { ...result, lastBackup: rotation.device.lastBackupDateTime });
      else
        output.stdout.write(
          `Intune accepted the rotation of ${rotation.device.deviceName}'s password. The device makes and backs up a new one at its next check-in (usually within hours; sooner if synced from Intune); until then \`lapsctl entra get\` shows the current one.\n`,
        );
      return 0;
    }
    const before = rotation.device.lastBackupDateTime;
    const intervalMs = timing.pollIntervalMs ?? ROTATION_POLL_INTERVAL_MS;
    writeNote(
      output,
      `Intune accepted the rotation of ${rotation.device.deviceName}'s password; waiting for the device to back up a new one at its next check-in (checking every ${Math.round(intervalMs / 1000)} s for up to ${waitSeconds} s; Ctrl+C stops waiting, the rotation stays requested).`,
    );
    const rotated = await waitForNewBackup(graph, rotation.device.deviceId, before, {
      intervalMs,
      timeoutMs: waitSeconds * 1000,
      ...(signal !== undefined ? { signal } : {}),
      onWaiting: ({ remainingMs }) =>
        writeNote(
          output,
          `No new backup of ${rotation.device.deviceName} yet (last: ${before ?? 'none'}); ${Math.ceil(remainingMs / 1000)} s left.`,
        ),
    });
    if (rotated === null)
      throw new LapsError(
        'no-laps-password',
        `${rotation.device.deviceName} has not backed up a new password within ${waitSeconds} s (last backup: ${before ?? 'none'}). The rotation stays requested and happens at the device's next check-in: run \`lapsctl entra get ${rotation.device.deviceName}\` later, or sync the device from Intune.`,
      );
    if (output.json)
      writeJson(output, {
        ...result,
        previousBackup: before,
        lastBackup: rotated.lastBackupDateTime,
      });
    else
      output.stdout.write(
        `${rotated.deviceName} backed up a new password at ${rotated.lastBackupDateTime ?? '?'}: \`lapsctl entra get ${rotated.deviceName}\` shows it.\n`,
      );
    return 0;
  }
  const found = await graph.readCredentials(device);
  // Details help to check it is the right device; without Device.Read.All, get still works.
  const details = output.json
    ? null
    : await graph.readDeviceDetails(found.deviceId).catch((error: unknown) => {
        if (error instanceof LapsError && error.code === 'access-denied') return null;
        throw error;
      });
  const newest = found.credentials[0];
  if (newest === undefined) throw new NoLapsPasswordError(found.deviceName);
  // Recorded before anything is printed; if it cannot be, nothing is (fail closed).
  await appendAuditRecord(auditPaths, {
    action: 'reveal',
    computer: found.deviceName,
    // Entra devices have no DN: the device id, marked as such, names the record instead.
    dn: `entra:${found.deviceId}`,
    source: 'entra',
    detail: values.history ? `entra, history (${found.credentials.length} entries)` : 'entra',
    actor: actor(),
    app: 'lapsctl',
  });
  printCredentials(output, found, details, values.history === true);
  return 0;
}

function checkFlags(subcommand: Subcommand, values: EntraValues, positionals: string[]): void {
  if (subcommand !== 'get' && values.history)
    throw new UsageError(`entra ${subcommand} takes no --history.`);
  if (subcommand !== 'list' && values.filter !== undefined)
    throw new UsageError(`entra ${subcommand} takes no --filter: give the device name.`);
  if (subcommand !== 'rotate' && values.wait)
    throw new UsageError(`entra ${subcommand} takes no --wait (only entra rotate does).`);
  if (!values.wait && values.timeout !== undefined)
    throw new UsageError('--timeout goes with entra rotate --wait.');
  if (subcommand === 'list' ? positionals.length > 0 : positionals.length !== 1)
    throw new UsageError(
      subcommand === 'list'
        ? `entra list takes no arguments (use --filter TEXT).`
        : `entra ${subcommand} takes exactly one device name or device id.`,
    );
  if (values['device-code'] && values['client-cert'] !== undefined)
    throw new UsageError('Give --device-code or --client-cert, not both.');
}

function parseWaitSeconds(text: string | undefined): number {
  if (text === undefined) return DEFAULT_WAIT_SECONDS;
  const seconds = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(seconds >= 1 && seconds <= MAX_WAIT_SECONDS))
    throw new UsageError(
      `--timeout takes whole seconds from 1 to ${MAX_WAIT_SECONDS}, not "${text}".`,
    );
  return seconds;
}

/**
 * Where to sign in and how, from the flags, then LAPS_CONSOLE_CLIENT_ID, then the console's
 * entra.json; signs in, and hands back a Graph client over the tokens.
 */
async function connect(
  subcommand: Subcommand,
  values: EntraValues,
  env: NodeJS.ProcessEnv,
  output: Output,
  signal: AbortSignal | undefined,
): Promise<{ endpoints: EntraEndpoints; tokens: TokenSource; graph: LapsGraphClient }> {
  const saved = await readEntraDefaults(env);
  // A cloud or tenant named on the command line is not overridden by a saved authority or Graph.
  const isEndpointFromFlags = values.cloud !== undefined || values.tenant !== undefined;
  const cloud = values.cloud ?? saved.cloud ?? 'global';
  if (!isEntraCloudName(cloud))
    throw new UsageError(`--cloud takes global, us-gov or china, not "${cloud}".`);
  const clientId =
    values['client-id'] ??
    (env.LAPS_CONSOLE_CLIENT_ID !== '' ? env.LAPS_CONSOLE_CLIENT_ID : undefined) ??
    saved.clientId;
  if (clientId === undefined || clientId === '')
    throw new UsageError(
      'entra needs --client-id ID (the app registration to sign in with), or the console set up for Entra ID.',
    );
  const tenant = values.tenant ?? saved.tenant;
  const authority = values.authority ?? (isEndpointFromFlags ? undefined : saved.authority);
  const graphUrl = values['graph-url'] ?? (values.cloud !== undefined ? undefined : saved.graphUrl);
  const endpoints = resolveEndpoints({
    cloud,
    ...(tenant !== undefined ? { tenant } : {}),
    ...(authority !== undefined ? { authority } : {}),
    ...(graphUrl !== undefined ? { graphUrl } : {}),
  });
  const caFile = values.ca ?? saved.ca;
  const trust: HttpsTrust = caFile !== undefined ? { caPem: await readCaFile(caFile) } : {};
  // Permissions are named for the cloud's Graph resource, even when --graph-url points elsewhere.
  const resource = ENTRA_CLOUDS[cloud].graphUrl;
  const tokens =
    values['client-cert'] !== undefined
      ? await certificateTokenSource({
          endpoints,
          clientId,
          trust,
          certFile: values['client-cert'],
          appOnlyScopes: scopesForGraph(APP_ONLY_SCOPES, resource),
        })
      : await signInUser({
          endpoints,
          clientId,
          trust,
          // One sign-in for the whole command: get and rotate consent to what they need up front.
          scopes: scopesForGraph(
            [
              ...BROWSE_SCOPES,
              ...(subcommand === 'get'
                ? READ_PASSWORD_SCOPES
                : subcommand === 'rotate'
                  ? ROTATE_SCOPES
                  : []),
            ],
            resource,
          ),
          isDeviceCode: values['device-code'] === true,
          env,
          output,
          signal,
        });
  const graph = createLapsGraphClient({
    graphUrl: endpoints.graphUrl,
    tokens,
    resource,
    trust,
    retry: {
      onRetry: ({ status, waitMs }) =>
        writeNote(
          output,
          `Microsoft Graph is busy (HTTP ${status}): trying again in ${Math.ceil(waitMs / 1000)} s.`,
        ),
    },
  });
  return { endpoints, tokens, graph };
}

/** Delegated sign-in for this run: the browser by default, a device code when asked for. */
async function signInUser(options: {
  readonly endpoints: EntraEndpoints;
  readonly clientId: string;
  readonly trust: HttpsTrust;
  readonly scopes: readonly string[];
  readonly isDeviceCode: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly output: Output;
  readonly signal: AbortSignal | undefined;
}): Promise<TokenSource> {
  const { output } = options;
  const session = new EntraSession({
    endpoints: options.endpoints,
    clientId: options.clientId,
    trust: options.trust,
    async openBrowser(url) {
      const failure = await openInBrowser(url, options.env);
      // The redirect comes back to this computer: a browser opened by hand here finishes it too.
      writeNote(
        output,
        failure === null
          ? 'Sign in to Entra ID in the browser that opened (waiting; Ctrl+C cancels).'
          : `Could not open a browser (${failure}). Open this address in a browser on this computer to sign in, or run again with --device-code:\n${url}`,
      );
    },
  });
  const signal = options.signal !== undefined ? { signal: options.signal } : {};
  const account = options.isDeviceCode
    ? await session.signInWithDeviceCode({
        scopes: options.scopes,
        onPrompt: (prompt) => writeNote(output, prompt.message),
        ...signal,
      })
    : await session.signInWithBrowser({ scopes: options.scopes, ...signal });
  return session.tokenSource(account.accountId, {
    // A device-code user may be on another device: no browser is opened for them later.
    interaction: options.isDeviceCode ? 'never' : 'browser',
    ...signal,
  });
}

async function readCaFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read --ca ${file}: ${(error as Error).message}.`);
  }
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    options: ENTRA_OPTIONS,
    allowPositionals: true,
    strict: true,
  });
}

async function listDevices(
  graph: LapsGraphClient,
  filter: string | undefined,
  output: Output,
): Promise<void> {
  const devices = await graph.listDevices(filter !== undefined ? { nameStartsWith: filter } : {});
  if (output.json) {
    writeJson(
      output,
      devices.map((d) => ({
        computer: d.deviceName,
        deviceId: d.deviceId,
        lastBackup: d.lastBackupDateTime,
        refreshed: d.refreshDateTime,
      })),
    );
    return;
  }
  if (devices.length === 0) {
    writeNote(output, 'No devices with a LAPS backup in Entra ID match.');
    return;
  }
  const width = Math.max(...devices.map((d) => d.deviceName.length));
  output.stdout.write(
    devices
      .map((d) => `${d.deviceName.padEnd(width)}  ${d.deviceId}  ${d.lastBackupDateTime ?? '—'}`)
      .join('\n') + '\n',
  );
}

const JOIN_TYPES: Readonly<Record<string, string>> = {
  AzureAd: 'Microsoft Entra joined',
  ServerAd: 'Microsoft Entra hybrid joined',
  Workplace: 'Microsoft Entra registered',
};

function printCredentials(
  output: Output,
  found: EntraDeviceCredentials,
  details: EntraDeviceDetails | null,
  withHistory: boolean,
): void {
  const [newest, ...older] = found.credentials;
  if (newest === undefined) return;
  const history = older.map((c) => ({
    account: c.accountName,
    password: c.password,
    updated: c.backupDateTime,
  }));
  if (output.json) {
    // The AD get shape, plus deviceId; Entra keeps no expiry, and no DN.
    writeJson(output, {
      computer: found.deviceName,
      dn: null,
      source: 'entra',
      account: newest.accountName,
      password: newest.password,
      updated: newest.backupDateTime,
      expires: null,
      deviceId: found.deviceId,
      ...(withHistory ? { history } : {}),
    });
    return;
  }
  writeBlock(output, [
    ['Computer', found.deviceName],
    ['Device ID', found.deviceId],
    ['Source', 'Microsoft Entra ID'],
    ...(details
      ? ([
          [
            'OS',
            [details.operatingSystem, details.operatingSystemVersion].filter(Boolean).join(' ') ||
              '—',
          ],
          ['Join type', JOIN_TYPES[details.trustType ?? ''] ?? details.trustType ?? '—'],
          ['Last sign-in', details.approximateLastSignInDateTime ?? '—'],
        ] as const)
      : []),
    ['Account', newest.accountName],
    ['Password', newest.password],
    ['Updated', newest.backupDateTime],
    ...(withHistory
      ? history.length === 0
        ? [['History', '(none)'] as const]
        : history.map(
            (entry, i) =>
              [
                i === 0 ? 'History' : '',
                `${entry.password}  (${entry.account}, ${entry.updated})`,
              ] as const,
          )
      : []),
  ]);
}
