import { describe, expect, it } from 'vitest';
import {
  EMPTY_ENTRA_DRAFT,
  draftFromSettings,
  entraDraftProblems,
  settingsFromDraft,
} from '../../../renderer/src/entra/settings-draft.js';

const CLIENT_ID = '0c1e7d4a-5b6f-4a8e-9c2d-3e4f5a6b7c01';

describe('the Entra settings form', () => {
  it('asks for a client id and accepts "organizations" as the tenant', () => {
    expect(Object.keys(entraDraftProblems(EMPTY_ENTRA_DRAFT))).toEqual(['clientId']);
    expect(entraDraftProblems({ ...EMPTY_ENTRA_DRAFT, clientId: CLIENT_ID })).toEqual({});
  });

  it('refuses a tenant with spaces and an authority or Graph URL that is not https', () => {
    const problems = entraDraftProblems({
      ...EMPTY_ENTRA_DRAFT,
      clientId: CLIENT_ID,
      tenant: 'contoso com',
      authority: 'http://login.example/t',
      graphUrl: 'https://graph.example/?x=1',
    });
    expect(Object.keys(problems).sort()).toEqual(['authority', 'graphUrl', 'tenant']);
  });

  it('leaves blank advanced fields out, so the cloud defaults apply, and trims the rest', () => {
    expect(
      settingsFromDraft({ ...EMPTY_ENTRA_DRAFT, clientId: ` ${CLIENT_ID} `, cloud: 'us-gov' }),
    ).toEqual({ clientId: CLIENT_ID, tenant: 'organizations', cloud: 'us-gov' });
  });

  it('round-trips saved settings through the form', () => {
    const settings = {
      clientId: CLIENT_ID,
      tenant: 'contoso.com',
      cloud: 'global',
      authority: 'https://127.0.0.1:8443/tid',
      graphUrl: 'https://127.0.0.1:8443/graph',
      ca: '/tmp/ca.pem',
    } as const;
    expect(settingsFromDraft(draftFromSettings(settings))).toEqual(settings);
    expect(draftFromSettings(null)).toEqual(EMPTY_ENTRA_DRAFT);
  });
});
