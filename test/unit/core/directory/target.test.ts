import { describe, expect, it } from 'vitest';
import { parseServerUrl } from '../../../../main/core/directory/target.js';
import { UsageError } from '../../../../main/core/errors/laps-error.js';

describe('server URL', () => {
  it('reads ldaps:// with its default port 636', () => {
    expect(parseServerUrl('ldaps://dc1.lab.test')).toEqual({
      url: 'ldaps://dc1.lab.test:636',
      host: 'dc1.lab.test',
      port: 636,
      isLdaps: true,
    });
  });

  it('reads ldap:// (StartTLS) with its default port 389', () => {
    expect(parseServerUrl('ldap://dc1.lab.test')).toMatchObject({ port: 389, isLdaps: false });
  });

  it('keeps an explicit port and unwraps IPv6 brackets', () => {
    expect(parseServerUrl('ldaps://[::1]:1636')).toEqual({
      url: 'ldaps://[::1]:1636',
      host: '::1',
      port: 1636,
      isLdaps: true,
    });
  });

  it.each([
    'dc1.lab.test',
    'http://dc1',
    'ldaps://',
    'ldaps://dc1/DC=lab',
    'ldaps://u@dc1',
    'ldap://dc1?x',
  ])('refuses %j', (text) => {
    expect(() => parseServerUrl(text)).toThrow(UsageError);
  });
});
