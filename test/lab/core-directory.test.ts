import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchComputers } from '../../main/core/directory/computers.js';
import { connectWithProfile } from '../../main/core/directory/connect.js';
import { primaryPassword, readComputerLaps } from '../../main/core/directory/laps-password.js';
import type { DirectorySession } from '../../main/core/directory/session.js';
import { CancelledError, UsageError } from '../../main/core/errors/laps-error.js';
import { requireLab } from './lab-env.js';

const lab = requireLab();

// The core as the console calls it: one warm session, many requests, input that argv cannot carry.
describe.skipIf(!lab)('directory core in-process against the lab DC', () => {
  if (!lab) return;
  const profile = {
    server: lab.ldapsUrl,
    ca: lab.caFile,
    auth: 'simple',
    user: lab.users.administrator.upn,
    passwordFile: lab.users.administrator.passwordFile,
  } as const;
  let session: DirectorySession;
  beforeAll(async () => {
    session = await connectWithProfile(profile);
  });
  afterAll(async () => {
    await session.close();
  });

  it('reads the naming contexts from the RootDSE', async () => {
    const rootDse = await session.rootDse();
    expect(rootDse.defaultNamingContext).toBe(lab.baseDn);
    expect(rootDse.configurationNamingContext).toBe(`CN=Configuration,${lab.baseDn}`);
  });

  it('refuses NUL anywhere in the search text, among filter syntax too, and stays usable', async () => {
    for (const text of ['pc\0', '\0', '*(\0)\\*', 'PC0001\0)(cn=*']) {
      await expect(searchComputers(session, text)).rejects.toThrow(UsageError);
    }
    expect((await searchComputers(session, 'PC000', { limit: 3 })).length).toBe(3);
  });

  it('serves many reads on one warm connection', async () => {
    const computers = lab.computers.filter((c) => c.windowsLaps !== null).slice(0, 25);
    const passwords = await Promise.all(
      computers.map(async (c) => primaryPassword(await readComputerLaps(session, c.dn)).password),
    );
    expect(passwords).toEqual(computers.map((c) => c.windowsLaps?.password));
  });

  it('cancels a search in flight, on its own connection', async () => {
    const own = await connectWithProfile(profile);
    const controller = new AbortController();
    const search = searchComputers(own, '*', { limit: 10_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 1);
    await expect(search).rejects.toThrow(CancelledError);
    await own.close();
  });

  it('does not start a search whose signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(connectWithProfile(profile, { signal: controller.signal })).rejects.toThrow(
      CancelledError,
    );
  });
});
