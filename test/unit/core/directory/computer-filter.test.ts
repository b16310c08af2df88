import { describe, expect, it } from 'vitest';
import {
  computerSearchFilter,
  exactComputerFilter,
} from '../../../../main/core/directory/computer-filter.js';
import { UsageError } from '../../../../main/core/errors/laps-error.js';

describe('computer search filter', () => {
  it('searches CN, account and DNS name by prefix', () => {
    expect(computerSearchFilter('pc00').toString()).toBe(
      '(&(objectCategory=computer)(|(cn=pc00*)(sAMAccountName=pc00*)(dNSHostName=pc00*)))',
    );
  });

  it('takes * as a wildcard anywhere', () => {
    expect(computerSearchFilter('*sales*01').toString()).toBe(
      '(&(objectCategory=computer)(|(cn=*sales*01)(sAMAccountName=*sales*01)(dNSHostName=*sales*01)))',
    );
    expect(computerSearchFilter('pc*').toString()).toBe(
      '(&(objectCategory=computer)(|(cn=pc*)(sAMAccountName=pc*)(dNSHostName=pc*)))',
    );
  });

  it('takes a lone * (or **) as every computer', () => {
    expect(computerSearchFilter('*').toString()).toBe('(objectCategory=computer)');
    expect(computerSearchFilter('**').toString()).toBe('(objectCategory=computer)');
  });

  it('escapes ( ) and \\ per RFC 4515 so they only match themselves', () => {
    expect(computerSearchFilter('KIOSK(7)\\x').toString()).toBe(
      '(&(objectCategory=computer)(|(cn=KIOSK\\287\\29\\5cx*)(sAMAccountName=KIOSK\\287\\29\\5cx*)(dNSHostName=KIOSK\\287\\29\\5cx*)))',
    );
  });

  it('cannot be broken out of by filter syntax in the input', () => {
    const filter = computerSearchFilter(')(objectClass=*))(|(cn=');
    expect(filter.toString()).toContain('(cn=\\29\\28objectClass=');
    // Still exactly one AND of computer and a three-way OR.
    expect(filter.toString().startsWith('(&(objectCategory=computer)(|(cn=')).toBe(true);
  });

  it('keeps unicode as UTF-8 text', () => {
    expect(computerSearchFilter('CAFÉ').toString()).toContain('(cn=CAFÉ*)');
  });

  it.each([
    ['a NUL', 'pc\0'],
    ['a newline', 'pc\n01'],
    ['only spaces', '   '],
    ['nothing', ''],
    ['a very long text', 'x'.repeat(300)],
  ])('refuses %s with a usage error', (_label, text) => {
    expect(() => computerSearchFilter(text)).toThrow(UsageError);
  });
});

describe('exact computer filter', () => {
  it('matches the CN, the account with $ added, or the DNS name', () => {
    expect(exactComputerFilter('PC0001').toString()).toBe(
      '(&(objectCategory=computer)(|(sAMAccountName=PC0001$)(dNSHostName=PC0001)(cn=PC0001)))',
    );
  });

  it('takes an account name with its $ as the account only', () => {
    expect(exactComputerFilter('PC0001$').toString()).toBe(
      '(&(objectCategory=computer)(|(sAMAccountName=PC0001$)(dNSHostName=PC0001$)))',
    );
  });

  it('matches a DNS host name', () => {
    expect(exactComputerFilter('pc0001.lab.test').toString()).toContain(
      '(dNSHostName=pc0001.lab.test)',
    );
  });

  it('escapes parentheses and backslashes', () => {
    expect(exactComputerFilter('KIOSK(7)').toString()).toContain('(cn=KIOSK\\287\\29)');
  });

  it('refuses * (a pattern belongs in search) and NUL', () => {
    expect(() => exactComputerFilter('pc*')).toThrow(UsageError);
    expect(() => exactComputerFilter('pc\0')).toThrow(UsageError);
  });
});
