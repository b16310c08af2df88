import { describe, expect, it } from 'vitest';
import { resolveEndpoints } from '../../../../main/core/entra/clouds.js';
import { UsageError } from '../../../../main/core/errors/laps-error.js';

describe('resolveEndpoints', () => {
  it('uses the global cloud and any work account by default', () => {
    expect(resolveEndpoints({})).toEqual({
      authority: 'https://login.microsoftonline.com/organizations',
      graphUrl: 'https://graph.microsoft.com',
    });
  });

  it('knows the US Government and China clouds', () => {
    expect(resolveEndpoints({ cloud: 'us-gov', tenant: 't1' })).toEqual({
      authority: 'https://login.microsoftonline.us/t1',
      graphUrl: 'https://graph.microsoft.us',
    });
    expect(resolveEndpoints({ cloud: 'china', tenant: 't1' })).toEqual({
      authority: 'https://login.chinacloudapi.cn/t1',
      graphUrl: 'https://microsoftgraph.chinacloudapi.cn',
    });
  });

  it('lets --authority and --graph-url win over the cloud', () => {
    expect(
      resolveEndpoints({
        tenant: 'ignored',
        authority: 'https://127.0.0.1:8443/t1/',
        graphUrl: 'https://127.0.0.1:8443/graph/',
      }),
    ).toEqual({ authority: 'https://127.0.0.1:8443/t1', graphUrl: 'https://127.0.0.1:8443/graph' });
  });

  it('refuses a URL that is not https', () => {
    expect(() => resolveEndpoints({ graphUrl: 'http://graph.example' })).toThrow(UsageError);
  });
});
