import { describe, expect, it } from 'vitest';
import {
  findCurrentDomain,
  findDomainControllers,
  orderByPriorityAndWeight,
} from '../../../../main/core/directory/discovery.js';
import { DcUnreachableError } from '../../../../main/core/errors/laps-error.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const srv = (name: string, priority: number, weight: number, port = 389) => ({
  name,
  priority,
  weight,
  port,
});

describe('DC order (RFC 2782)', () => {
  it('tries lower priority numbers first', () => {
    const ordered = orderByPriorityAndWeight([
      srv('b', 10, 100),
      srv('a', 0, 100),
      srv('c', 20, 0),
    ]);
    expect(ordered.map((record) => record.name)).toEqual(['a', 'b', 'c']);
  });

  it('within a priority, picks by weight', () => {
    const records = [srv('light', 0, 1), srv('heavy', 0, 99)];
    // A draw in the first 99% of the total weight lands on... whichever the cumulative sum reaches.
    expect(orderByPriorityAndWeight(records, () => 0.005)[0]?.name).toBe('light');
    expect(orderByPriorityAndWeight(records, () => 0.5)[0]?.name).toBe('heavy');
  });

  it('keeps every record even when all weights are 0', () => {
    expect(orderByPriorityAndWeight([srv('a', 0, 0), srv('b', 0, 0)], () => 0.3)).toHaveLength(2);
  });
});

describe('DC discovery', () => {
  it('turns SRV records into StartTLS targets on the given ports, trailing dot dropped', async () => {
    const resolver = {
      resolveSrv: () =>
        Promise.resolve([srv('dc2.lab.test.', 10, 100, 3389), srv('dc1.lab.test', 0, 100)]),
    };
    expect(await findDomainControllers('lab.test', resolver)).toEqual([
      { url: 'ldap://dc1.lab.test:389', host: 'dc1.lab.test', port: 389, isLdaps: false },
      { url: 'ldap://dc2.lab.test:3389', host: 'dc2.lab.test', port: 3389, isLdaps: false },
    ]);
  });

  it('says which DNS name it asked when there are no records', async () => {
    const resolver = {
      resolveSrv: () => Promise.reject(Object.assign(new Error('queryS'), { code: 'ENOTFOUND' })),
    };
    await expect(findDomainControllers('nowhere.test', resolver)).rejects.toThrow(
      DcUnreachableError,
    );
    await expect(findDomainControllers('nowhere.test', resolver)).rejects.toThrow(
      '_ldap._tcp.dc._msdcs.nowhere.test',
    );
  });

  it('takes the domain from the Kerberos default realm first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'krb5-'));
    writeFileSync(join(dir, 'krb5.conf'), '[libdefaults]\n    default_realm = LAB.TEST\n');
    expect(
      await findCurrentDomain({ KRB5_CONFIG: join(dir, 'krb5.conf'), USERDNSDOMAIN: 'OTHER.TEST' }),
    ).toBe('lab.test');
  });

  it('falls back to USERDNSDOMAIN', async () => {
    expect(
      await findCurrentDomain({
        KRB5_CONFIG: '/nonexistent/krb5.conf',
        USERDNSDOMAIN: 'CORP.EXAMPLE.COM',
      }),
    ).toBe('corp.example.com');
  });
});
