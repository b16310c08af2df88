import { describe, expect, it } from 'vitest';
import {
  EMPTY_DRAFT,
  draftFromSummary,
  fieldsFromDraft,
} from '../../../renderer/src/connect/profile-draft.js';
import { profileFields } from '../../../shared/ipc/values.js';

describe('the profile editor draft', () => {
  it('sends a server, never the domain typed before switching to it', () => {
    const fields = fieldsFromDraft({
      ...EMPTY_DRAFT,
      target: 'server',
      server: ' ldaps://dc1.lab.test ',
      domain: 'lab.test',
    });
    expect(fields).toEqual({ auth: 'kerberos', server: 'ldaps://dc1.lab.test' });
    expect(profileFields.safeParse(fields).success).toBe(true);
  });

  it('gives Kerberos no user, and other credentials their user', () => {
    expect(fieldsFromDraft({ ...EMPTY_DRAFT, user: 'x@lab.test' })).toEqual({ auth: 'kerberos' });
    const simple = fieldsFromDraft({
      ...EMPTY_DRAFT,
      target: 'domain',
      domain: 'lab.test',
      auth: 'simple',
      user: 'helpdesk@lab.test',
      ca: '/etc/ca.pem',
    });
    expect(simple).toEqual({
      auth: 'simple',
      domain: 'lab.test',
      user: 'helpdesk@lab.test',
      ca: '/etc/ca.pem',
    });
    expect(profileFields.safeParse(simple).success).toBe(true);
  });

  it('edits a saved profile field by field', () => {
    const draft = draftFromSummary({
      name: 'lab',
      auth: 'simple',
      server: 'ldaps://dc1',
      user: 'a@b',
      passwordSource: 'saved',
    });
    expect(fieldsFromDraft(draft)).toEqual({ auth: 'simple', server: 'ldaps://dc1', user: 'a@b' });
  });

  it('names a key service only when one is given', () => {
    const draft = draftFromSummary({
      name: 'lab',
      auth: 'simple',
      server: 'ldaps://127.0.0.1',
      user: 'a@b',
      gkdiEndpoint: '127.0.0.1:49735',
      passwordSource: 'file',
    });
    const fields = fieldsFromDraft(draft);
    expect(fields.gkdiEndpoint).toBe('127.0.0.1:49735');
    expect(profileFields.safeParse(fields).success).toBe(true);
    expect(fieldsFromDraft({ ...draft, gkdiEndpoint: '  ' })).not.toHaveProperty('gkdiEndpoint');
    for (const wrong of ['dc1', 'dc1:70000', 'dc1:135 ; x'])
      expect(profileFields.safeParse({ ...fields, gkdiEndpoint: wrong }).success).toBe(false);
  });
});
