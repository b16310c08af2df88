// Microsoft Graph reads through the project's Entra stack, beside a bare HTTPS GET of the same
// resource with the same token, against the Entra emulator (the cloud is out of reach here).
// What the ratio shows is our own cost per call: a token from MSAL's cache (acquireTokenSilent),
// the Graph SDK's middleware chain, the retry wrapper and the response checks; the emulator's
// answer and the TLS connection are the same on both sides. For information (no goal set).
import { request, type RequestOptions } from 'node:https';
import { resolveEndpoints } from '../main/core/entra/clouds.js';
import { CLIENT_NAME_HEADERS, createLapsGraphClient } from '../main/core/entra/graph-client.js';
import { BROWSE_SCOPES } from '../main/core/entra/scopes.js';
import { EntraSession } from '../main/core/entra/session.js';
import { startEntraEmulator } from '../test/fixtures/entra-emulator/index.js';
import { figure, summarize, type Figure } from './stats.js';
import { interleave, subject } from './timing.js';

const WARMUPS = 30;
const ROUNDS = 300;

export async function benchEntra(): Promise<Figure[]> {
  const emulator = await startEntraEmulator({
    autoApproveDeviceCodes: { user: 'helpdesk', consent: true },
  });
  try {
    const trust = { caPem: emulator.caPem };
    const session = new EntraSession({
      endpoints: resolveEndpoints({
        cloud: 'global',
        tenant: emulator.tenantId,
        authority: emulator.authority,
        graphUrl: emulator.graphUrl,
      }),
      clientId: emulator.clients.publicClientId,
      trust,
      openBrowser: () => Promise.reject(new Error('the bench signs in with a device code')),
    });
    const account = await session.signInWithDeviceCode({
      scopes: [...BROWSE_SCOPES],
      onPrompt: () => undefined,
    });
    const tokens = session.tokenSource(account.accountId, { interaction: 'never' });
    const graph = createLapsGraphClient({ graphUrl: emulator.graphUrl, tokens, trust });
    const device = emulator.seed.devices.find((candidate) => candidate.laps !== undefined);
    if (device === undefined) throw new Error('the emulator seed has no device with a backup');

    const token = await tokens.accessToken([...BROWSE_SCOPES]);
    const url = `${emulator.graphUrl}/v1.0/directory/deviceLocalCredentials/${device.deviceId}`;
    const options: RequestOptions = {
      ca: emulator.caPem,
      headers: { authorization: `Bearer ${token}`, ...CLIENT_NAME_HEADERS },
    };
    const bareGet = () =>
      new Promise<{ id?: unknown }>((resolve, reject) => {
        request(url, options, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: unknown });
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          });
          response.on('error', reject);
        })
          .on('error', reject)
          .end();
      });

    const isDevice = (id: unknown) =>
      id === device.deviceId ? undefined : `read ${String(id)}, not ${device.deviceId}`;
    const [ours, bare] = (
      await interleave(
        [
          subject(
            'readDevice',
            () => graph.readDevice(device.deviceId),
            (read) => isDevice(read.deviceId),
          ),
          subject('bare GET', bareGet, (read) => isDevice(read.id)),
        ],
        WARMUPS,
        ROUNDS,
      )
    ).map(summarize);
    if (!ours || !bare) throw new Error('missing samples');
    return [
      figure('Graph device read (Entra emulator)', ours, 'bare GET', bare),
      {
        text:
          '  bare GET = node:https with the same token and headers over the same kept-alive TLS; the difference\n' +
          "  is our per-call cost (MSAL's silent token from its cache, the Graph SDK's middleware, retry, checks),\n" +
          '  well under a millisecond beside the tens of milliseconds a call to the real Graph takes (info, no goal)',
        missed: undefined,
      },
    ];
  } finally {
    await emulator.close();
  }
}
