// The lab's Administrator over plain ldapts: how tests read and restore what the seed wrote,
// independently of the code under test.
import { readFileSync } from 'node:fs';
import { Attribute, Change, Client } from 'ldapts';
import type { LabComputer, LabEnv } from './lab-env.js';

export const EXPIRATION_ATTRIBUTE = {
  windowsLaps: 'msLAPS-PasswordExpirationTime',
  legacy: 'ms-Mcs-AdmPwdExpirationTime',
} as const;

/** An ISO time as the Integer8 FILETIME text AD stores (written here, not taken from core). */
export function fileTimeText(iso: string): string {
  return (BigInt(Date.parse(iso)) * 10_000n + 116_444_736_000_000_000n).toString();
}

export async function withLabAdmin<T>(
  lab: LabEnv,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ url: lab.ldapsUrl, tlsOptions: { ca: readFileSync(lab.caFile) } });
  await client.bind(
    lab.users.administrator.upn,
    readFileSync(lab.users.administrator.passwordFile, 'utf8'),
  );
  try {
    return await work(client);
  } finally {
    await client.unbind();
  }
}

/** Puts back the expirations the seed wrote on these computers. */
export function restoreSeededExpirations(
  lab: LabEnv,
  computers: Iterable<LabComputer>,
): Promise<void> {
  const replace = (type: string, iso: string) =>
    new Change({
      operation: 'replace',
      modification: new Attribute({ type, values: [fileTimeText(iso)] }),
    });
  return withLabAdmin(lab, async (client) => {
    for (const computer of computers) {
      const changes: Change[] = [];
      const windowsExpires = computer.windowsLaps?.expires ?? computer.encrypted?.expires;
      if (windowsExpires) changes.push(replace(EXPIRATION_ATTRIBUTE.windowsLaps, windowsExpires));
      if (computer.legacy)
        changes.push(replace(EXPIRATION_ATTRIBUTE.legacy, computer.legacy.expires));
      if (changes.length > 0) await client.modify(computer.dn, changes);
    }
  });
}
