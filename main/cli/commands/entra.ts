// `lapsctl entra …`: loaded by run.ts only when asked for, so other commands never pay for
// MSAL and the Graph SDK at start-up.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { osUserName } from '../../core/audit/audit-actor.js';
import { appendAuditRecord, type AuditLogPaths } from '../../core/audit/audit-log.js';
import { ENTRA_CLOUDS, isEntraCloudName, resolveEndpoints } from '../../core/entra/clouds.js';
import {
  createLapsGraphClient,
  type EntraDeviceCredentials,
  type EntraDeviceDetails,
  type LapsGraphClient,
} from '../../core/entra/graph-client.js';
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
import { writeBlock, writeJson, writeNote, type Output } from '../output.js';

export const ENTRA_USAGE = `Entra ID (devices that back up their LAPS password to Microsoft Entra ID):
  entra list [--filter TEXT] [--json]    devices with a LAPS backup whose name starts with TEXT
  entra get DEVICE [--history] [--json]  a device's LAPS password (by name or device id; recorded
                                         in the audit log); --history adds older backups
  entra rotate DEVICE [--json]           ask Intune to rotate the password (audit-logged); the
                                         device makes a new one at its next check-in
  Sign-in: --device-code (default: a code to enter at the verification page, printed on stderr)
           or --client-cert FILE (app-only: PEM certificate and unencrypted PEM key in FILE)
  --tenant ID|DOMAIN    the tenant (default: any work account's, "organizations")
  --client-id ID        the app registration to sign in with (or LAPS_CONSOLE_CLIENT_ID)
  --cloud global|us-gov|china
  --authority URL       full authority URL (tenant included), for another cloud or a test one
  --graph-url URL       Microsoft Graph's root URL
  --ca FILE             trust this PEM CA instead of the system store (sign-in and Graph)
  Tokens are kept in memory only: each run signs in again.`;

const ENTRA_OPTIONS = {
  json: { type: 'boolean' },
  history: { type: 'boolean' },
  filter: { type: 'string' },
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

export async function runEntra(
  args: readonly string[],
  output: Output,
  auditPaths: AuditLogPaths,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand === undefined || subcommand === '--help' || subcommand === '-h') {
    output.stdout.write(`${ENTRA_USAGE}\n`);
    return subcommand === undefined ? 2 : 0;
  }
  if (subcommand !== 'list' && subcommand !== 'get' && subcommand !== 'rotate')
    throw new UsageError(`Unknown entra subcommand "${subcommand}": use list, get or rotate.`);
  let values: ReturnType<typeof parse>['values'];
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
  if (subcommand !== 'get' && values.history)
    throw new UsageError(`entra ${subcommand} takes no --history.`);
  if (subcommand !== 'list' && values.filter !== undefined)
    throw new UsageError(`entra ${subcommand} takes no --filter: give the device name.`);
  if (subcommand === 'list' ? positionals.length > 0 : positionals.length !== 1)
    throw new UsageError(
      subcommand === 'list'
        ? `entra list takes no arguments (use --filter TEXT).`
        : `entra ${subcommand} takes exactly one device name or device id.`,
    );
  if (values['device-code'] && values['client-cert'] !== undefined)
    throw new UsageError('Give --device-code or --client-cert, not both.');
  const cloud = values.cloud ?? 'global';
  if (!isEntraCloudName(cloud))
    throw new UsageError(`--cloud takes global, us-gov or china, not "${cloud}".`);
  const clientId = values['client-id'] ?? env.LAPS_CONSOLE_CLIENT_ID;
  if (clientId === undefined || clientId === '')
    throw new UsageError('entra needs --client-id ID (the app registration to sign in with).');
  const endpoints = resolveEndpoints({
    cloud,
    ...(values.tenant !== undefined ? { tenant: values.tenant } : {}),
    ...(values.authority !== undefined ? { authority: values.authority } : {}),
    ...(values['graph-url'] !== undefined ? { graphUrl: values['graph-url'] } : {}),
  });
  const trust = values.ca !== undefined ? { caPem: await readCaFile(values.ca) } : {};
  // Permissions are named for the cloud's Graph resource, even when --graph-url points elsewhere.
  const resource = ENTRA_CLOUDS[cloud].graphUrl;
  const deviceCodeSignIn = async (): Promise<TokenSource> => {
    const session = new EntraSession({
      endpoints,
      clientId,
      trust,
      openBrowser: () => Promise.reject(new UsageError('No browser sign-in yet.')),
    });
    // One code for the whole command: get and rotate consent to what they need up front.
    const upfront =
      subcommand === 'list' ? [] : subcommand === 'get' ? READ_PASSWORD_SCOPES : ROTATE_SCOPES;
    const account = await session.signInWithDeviceCode({
      scopes: scopesForGraph([...BROWSE_SCOPES, ...upfront], resource),
      onPrompt: (prompt) => writeNote(output, prompt.message),
    });
    return session.tokenSource(account.accountId, { interaction: 'never' });
  };
  const tokens: TokenSource =
    values['client-cert'] !== undefined
      ? await certificateTokenSource({
          endpoints,
          clientId,
          trust,
          certFile: values['client-cert'],
          appOnlyScopes: scopesForGraph(APP_ONLY_SCOPES, resource),
        })
      : await deviceCodeSignIn();
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
    if (output.json)
      writeJson(output, {
        computer: rotation.device.deviceName,
        deviceId: rotation.device.deviceId,
        managedDeviceId: rotation.managedDeviceId,
        requested: true,
        lastBackup: rotation.device.lastBackupDateTime,
      });
    else
      output.stdout.write(
        `Intune accepted the rotation of ${rotation.device.deviceName}'s password. The device makes and backs up a new one at its next check-in (usually within hours; sooner if synced from Intune); until then \`lapsctl entra get\` shows the current one.\n`,
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
