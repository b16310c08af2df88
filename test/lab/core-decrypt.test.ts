/**
 * The decryption core as the console calls it, in-process against the lab: what an encrypted
 * password says without a key (its decryptor named, its history counted, a DC's DSRM), and
 * decryptComputerLaps with the key source createGroupKeySource builds from a profile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWithProfile } from '../../main/core/directory/connect.js';
import { decryptComputerLaps } from '../../main/core/directory/decrypt-computer.js';
import { readComputerLaps } from '../../main/core/directory/laps-password.js';
import type { DirectorySession } from '../../main/core/directory/session.js';
import { createGroupKeySource } from '../../main/core/dpapi-ng/key-source.js';
import { NotAuthorizedToDecryptError, UsageError } from '../../main/core/errors/laps-error.js';
import { fileTimeToIso } from '../../main/core/laps/filetime.js';
import type { LapsPasswordPayload } from '../../main/core/laps/password-json.js';
import type { ConnectionProfile } from '../../main/core/profiles/profile.js';
import { readSecret, requireLab, type LabPlainPassword, type LabUserKey } from './lab-env.js';

const lab = requireLab();

const plain = (payload: LapsPasswordPayload): LabPlainPassword => ({
  account: payload.account,
  password: payload.password,
  updated: fileTimeToIso(payload.updated) ?? '',
});

describe.skipIf(!lab)('decryption core in-process against the lab', () => {
  if (!lab) return;
  const profileOf = (user: LabUserKey): ConnectionProfile => ({
    server: lab.ldapsUrl,
    ca: lab.caFile,
    auth: 'simple',
    user: lab.users[user].upn,
    passwordFile: lab.users[user].passwordFile,
    gkdiEndpoint: lab.gkdiEndpoint,
  });
  const computer = lab.computers.find(
    (c) => c.encrypted?.origin === 'lab' && c.encrypted.historyCount >= 2,
  );
  let session: DirectorySession;
  beforeAll(async () => {
    session = await connectWithProfile(profileOf('lapsadmin'));
  });
  afterAll(async () => {
    await session.close();
  });

  it('names the authorized decryptor and counts the history without any key', async () => {
    if (!computer?.encrypted)
      throw new Error('the lab seed has no encrypted computer with history');
    const state = await readComputerLaps(session, computer.dn);
    const record = state.records.find((r) => r.source === 'windows-laps-encrypted');
    expect(record?.encryption).toEqual({
      authorizedSid: lab.lapsAdmins.sid,
      authorizedName: lab.lapsAdmins.name,
      historyCount: computer.encrypted.historyCount,
    });
    expect(state.isDomainController).toBe(false);
    expect(state.dsrm).toBeNull();
  });

  it("shows a DC as one, with its DSRM password's decryptor and history count", async () => {
    const state = await readComputerLaps(session, lab.domainController.dn);
    expect(state.isDomainController).toBe(true);
    expect(state.dsrm).toMatchObject({
      authorizedSid: lab.lapsAdmins.sid,
      authorizedName: lab.lapsAdmins.name,
      historyCount: lab.domainController.dsrm.historyCount,
    });
    expect(state.dsrm?.updated && fileTimeToIso(state.dsrm.updated)).toBe(
      lab.domainController.dsrm.updated,
    );
  });

  it('decrypts the password with history, and the DSRM password, through one key source', async () => {
    if (!computer?.encrypted)
      throw new Error('the lab seed has no encrypted computer with history');
    const keys = createGroupKeySource({
      profile: profileOf('lapsadmin'),
      password: readSecret('lapsadmin'),
      dcHost: session.target.host,
    });
    try {
      const password = await decryptComputerLaps(session, computer.dn, 'password', {
        history: true,
        keys,
      });
      expect(plain(password.current)).toEqual(computer.encrypted.current);
      expect(password.history.map(plain)).toEqual(computer.encrypted.history);
      const dsrm = await decryptComputerLaps(session, lab.domainController.dn, 'dsrm', {
        history: false,
        keys,
      });
      expect(plain(dsrm.current)).toEqual(lab.domainController.dsrm.current);
      expect(dsrm.history).toEqual([]);
    } finally {
      keys.close();
    }
  });

  it('--decrypt-with root-key: the key service while it answers, else the root keys', async () => {
    if (!computer?.encrypted) throw new Error('the lab seed has no encrypted computer');
    // lapsadmin may not read the root keys: this can only have come from the key service.
    const viaService = createGroupKeySource({
      profile: profileOf('lapsadmin'),
      password: readSecret('lapsadmin'),
      dcHost: session.target.host,
      mode: 'root-key',
      session,
    });
    const admin = await connectWithProfile(profileOf('administrator'));
    // No key service listens on port 9: Administrator's root keys do the work.
    const viaRootKeys = createGroupKeySource({
      profile: { ...profileOf('administrator'), gkdiEndpoint: '127.0.0.1:9' },
      password: readSecret('administrator'),
      dcHost: admin.target.host,
      mode: 'root-key',
      session: admin,
    });
    try {
      for (const [who, keys] of [
        [session, viaService],
        [admin, viaRootKeys],
      ] as const) {
        const { current } = await decryptComputerLaps(who, computer.dn, 'password', {
          history: false,
          keys,
        });
        expect(plain(current)).toEqual(computer.encrypted.current);
      }
    } finally {
      viaService.close();
      viaRootKeys.close();
      await admin.close();
    }
  });

  it('refuses a non-member with the group named, and a Kerberos profile with what to do', async () => {
    if (!computer) throw new Error('the lab seed has no encrypted computer');
    const helpdesk = await connectWithProfile(profileOf('helpdesk'));
    const keys = createGroupKeySource({
      profile: profileOf('helpdesk'),
      password: readSecret('helpdesk'),
      dcHost: helpdesk.target.host,
    });
    const kerberos = createGroupKeySource({
      profile: { auth: 'kerberos', gkdiEndpoint: lab.gkdiEndpoint },
      dcHost: helpdesk.target.host,
    });
    try {
      const inHelpdeskOu = lab.computers.find(
        (c) => c.encrypted?.origin === 'lab' && c.dn.endsWith(lab.helpdeskOu),
      );
      if (!inHelpdeskOu) throw new Error('no lab-encrypted computer in the helpdesk OU');
      const refused = decryptComputerLaps(helpdesk, inHelpdeskOu.dn, 'password', {
        history: false,
        keys,
      });
      await expect(refused).rejects.toThrow(NotAuthorizedToDecryptError);
      await expect(refused).rejects.toThrow(lab.lapsAdmins.name);
      const noKerberos = decryptComputerLaps(helpdesk, inHelpdeskOu.dn, 'password', {
        history: false,
        keys: kerberos,
      });
      await expect(noKerberos).rejects.toThrow(UsageError);
      await expect(noKerberos).rejects.toThrow(/Kerberos/);
    } finally {
      keys.close();
      kerberos.close();
      await helpdesk.close();
    }
  });
});
