// A valid input for every channel of the IPC contract, and the hostile variants of each: shared
// by the contract's unit tests and the e2e tests that post them to the test host.
import type { Channel } from '../shared/ipc/channels.js';
import { without } from './without.js';

const CONNECTION_ID = '3f2c1a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60';
const DN = 'CN=PC0001,OU=Workstations,OU=Lab,DC=lab,DC=test';
const ACCOUNT_ID = '6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b.72f988bf-0000-4e2d-9a1b-1a2b3c4d5e6f';
const DEVICE_ID = '4a1b0001-1c2d-4e5f-8a9b-000000001001';
const FLOW_ID = '9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';
const ON_DEVICE = { accountId: ACCOUNT_ID, deviceId: DEVICE_ID };

export const VALID_INPUTS: Readonly<Record<Channel, Readonly<Record<string, unknown>>>> = {
  'profile.list': {},
  'profile.save': {
    name: 'corp',
    profile: {
      auth: 'simple',
      server: 'ldaps://dc1.corp.example.com:636',
      ca: '/etc/corp-ca.pem',
      base: 'DC=corp,DC=example,DC=com',
      user: 'helpdesk@corp.example.com',
      timeoutMs: 4000,
      gkdiEndpoint: 'dc1.corp.example.com:49735',
    },
    password: 'S3cret!pass',
  },
  'profile.delete': { name: 'corp' },
  'connection.test': { name: 'corp' },
  'connection.open': { name: 'corp' },
  'connection.close': { connectionId: CONNECTION_ID },
  'computer.search': { connectionId: CONNECTION_ID, text: 'PC00', limit: 50 },
  'computer.read': { connectionId: CONNECTION_ID, dn: DN },
  'computer.reveal': { connectionId: CONNECTION_ID, dn: DN, source: 'windows-laps' },
  'computer.copy': { connectionId: CONNECTION_ID, dn: DN },
  'computer.history': { connectionId: CONNECTION_ID, dn: DN, target: 'password' },
  'computer.setExpiration': {
    connectionId: CONNECTION_ID,
    dn: DN,
    at: '2026-12-01T18:00:00+01:00',
  },
  'settings.get': {},
  'settings.set': { clipboardClearSeconds: 45 },
  'audit.list': { limit: 50 },
  'audit.verify': {},
  'entra.status': {},
  'entra.configure': {
    clientId: '0c1e7d4a-5b6f-4a8e-9c2d-3e4f5a6b7c01',
    tenant: 'contoso.onmicrosoft.com',
    cloud: 'global',
    authority: 'https://login.microsoftonline.com/contoso.onmicrosoft.com',
    graphUrl: 'https://graph.microsoft.com',
    ca: '/etc/proxy-ca.pem',
  },
  'entra.beginSignIn': { method: 'browser' },
  'entra.completeSignIn': { flowId: FLOW_ID },
  'entra.cancelSignIn': { flowId: FLOW_ID },
  'entra.copyDeviceCode': { flowId: FLOW_ID },
  'entra.signOut': { accountId: ACCOUNT_ID },
  'entra.search': { accountId: ACCOUNT_ID, text: 'DESKTOP-', exact: false, limit: 50 },
  'entra.read': ON_DEVICE,
  'entra.reveal': ON_DEVICE,
  'entra.copy': { ...ON_DEVICE, backupDateTime: '2026-11-20T08:00:00Z' },
  'entra.history': ON_DEVICE,
  'entra.rotate': ON_DEVICE,
  'entra.rotationStatus': { ...ON_DEVICE, after: '2026-11-20T08:00:00Z' },
  'entra.activity': {},
};

/** The top-level fields each channel cannot do without. */
export const REQUIRED_FIELDS: Readonly<Record<Channel, readonly string[]>> = {
  'profile.list': [],
  'profile.save': ['name', 'profile'],
  'profile.delete': ['name'],
  'connection.test': ['name'],
  'connection.open': ['name'],
  'connection.close': ['connectionId'],
  'computer.search': ['connectionId', 'text'],
  'computer.read': ['connectionId', 'dn'],
  'computer.reveal': ['connectionId', 'dn'],
  'computer.copy': ['connectionId', 'dn'],
  'computer.history': ['connectionId', 'dn', 'target'],
  'computer.setExpiration': ['connectionId', 'dn', 'at'],
  'settings.get': [],
  'settings.set': ['clipboardClearSeconds'],
  'audit.list': [],
  'audit.verify': [],
  'entra.status': [],
  'entra.configure': ['clientId', 'tenant', 'cloud'],
  'entra.beginSignIn': ['method'],
  'entra.completeSignIn': ['flowId'],
  'entra.cancelSignIn': ['flowId'],
  'entra.copyDeviceCode': ['flowId'],
  'entra.signOut': ['accountId'],
  'entra.search': ['accountId', 'text'],
  'entra.read': ['accountId', 'deviceId'],
  'entra.reveal': ['accountId', 'deviceId'],
  'entra.copy': ['accountId', 'deviceId'],
  'entra.history': ['accountId', 'deviceId'],
  'entra.rotate': ['accountId', 'deviceId'],
  'entra.rotationStatus': ['accountId', 'deviceId', 'after'],
  'entra.activity': [],
};

/** Values that are wrong for a field whatever its type. */
const NOT_A_VALUE: readonly unknown[] = [{}, [], true, { $gt: '' }];

/** Wrong values for a leaf, judged by the valid value's type. */
function wrongLeaves(valid: unknown): unknown[] {
  if (typeof valid === 'string')
    return [
      7,
      '',
      '   ',
      'x'.repeat(100_000),
      `${valid}\u0000`,
      `\u0000${valid}`,
      `${valid}\n`,
      '\uD800',
      ...NOT_A_VALUE,
    ];
  if (typeof valid === 'number')
    return [String(valid), -1, 0.5, 1e308, -0.000001, null, ...NOT_A_VALUE];
  if (valid === null) return [7, 'null', ...NOT_A_VALUE];
  return [null, 7, 'x'];
}

export interface HostileCase {
  readonly description: string;
  /** The request body as JSON text (so `__proto__` stays an own key). */
  readonly json: string;
}

/** Malformed and hostile versions of a valid input, each of which the contract must refuse. */
export function hostileInputs(channel: Channel): HostileCase[] {
  const valid = VALID_INPUTS[channel];
  const cases: HostileCase[] = [
    { description: 'null', json: 'null' },
    { description: 'a number', json: '42' },
    { description: 'a string', json: '"profile.list"' },
    { description: 'an array', json: '[]' },
    { description: 'the input in an array', json: JSON.stringify([valid]) },
    { description: 'an extra field', json: JSON.stringify({ ...valid, isAdmin: true }) },
    {
      description: 'a __proto__ key',
      json: `{"__proto__":{"polluted":true}${Object.keys(valid).length ? ',' : ''}${JSON.stringify(valid).slice(1)}`,
    },
    {
      description: 'a constructor.prototype key',
      json: JSON.stringify({ ...valid, constructor: { prototype: { polluted: true } } }),
    },
  ];
  for (const field of REQUIRED_FIELDS[channel]) {
    cases.push({ description: `no ${field}`, json: JSON.stringify(without(valid, field)) });
  }
  const visit = (value: Readonly<Record<string, unknown>>, path: readonly string[]): void => {
    for (const [key, leaf] of Object.entries(value)) {
      const at = [...path, key];
      if (typeof leaf === 'object' && leaf !== null && !Array.isArray(leaf)) {
        visit(leaf as Record<string, unknown>, at);
        cases.push({
          description: `an extra field in ${at.join('.')}`,
          json: JSON.stringify(setAt(valid, at, { ...leaf, extra: 1 })),
        });
        cases.push({
          description: `a __proto__ key in ${at.join('.')}`,
          json: JSON.stringify(setAt(valid, at, '\u0001PROTO\u0001')).replace(
            '"\\u0001PROTO\\u0001"',
            `{"__proto__":{"polluted":true},${JSON.stringify(leaf).slice(1)}`,
          ),
        });
        continue;
      }
      for (const wrong of wrongLeaves(leaf))
        cases.push({
          description: `${at.join('.')} = ${describe(wrong)}`,
          json: JSON.stringify(setAt(valid, at, wrong)),
        });
    }
  };
  visit(valid, []);
  for (const [path, values] of FORMAT_CASES[channel] ?? [])
    for (const wrong of values)
      cases.push({
        description: `${path.join('.')} = ${describe(wrong)}`,
        json: JSON.stringify(setAt(valid, path, wrong)),
      });
  return cases;
}

/** Values of the right type but the wrong form, per channel. */
const FORMAT_CASES: Partial<
  Record<Channel, readonly (readonly [readonly string[], readonly unknown[]])[]>
> = {
  'profile.save': [
    [['name'], ['__proto__', 'constructor', 'prototype', 'a'.repeat(129)]],
    [
      ['profile', 'server'],
      ['http://dc1.example.com', 'ldaps://user@dc1', 'ldaps://dc1/path', 'dc1'],
    ],
    [
      ['profile', 'auth'],
      ['ntlm', 'KERBEROS'],
    ],
    [
      ['profile', 'timeoutMs'],
      [0, 50, 600_001],
    ],
    [['profile', 'base'], ['not a dn']],
    [
      ['profile', 'gkdiEndpoint'],
      ['dc1', 'dc1:', ':135', 'dc1:99999', 'dc1:135/x', 'user@dc1:135', 'ncacn_ip_tcp:dc1[135]'],
    ],
  ],
  'connection.close': [
    [['connectionId'], ['abc', '../../etc/passwd', '3f2c1a9e8b7d4c6e9f0a1b2c3d4e5f60']],
  ],
  'computer.search': [[['limit'], [0, 10_001]]],
  'computer.read': [[['dn'], ['PC0001', 'CN=PC0001', '*', '(objectClass=*)']]],
  'computer.reveal': [[['source'], ['all', 'dsrm']]],
  'computer.history': [[['target'], ['all', 'legacy', 'DSRM', 'history']]],
  'computer.setExpiration': [
    [['at'], ['2026-12-01T18:00:00', '2026-13-45T00:00:00Z', 'tomorrow', '1700000000', 'now']],
  ],
  'settings.set': [[['clipboardClearSeconds'], [0, 4, 601]]],
  'audit.list': [[['limit'], [0, 1001, 2 ** 53, Number.MAX_SAFE_INTEGER]]],
  'entra.configure': [
    [['clientId'], ['contoso', '{0c1e7d4a-5b6f-4a8e-9c2d-3e4f5a6b7c01}']],
    [['tenant'], ['contoso/../common', 'a b', "x' or 1=1", 'https://login.microsoftonline.com']],
    [['cloud'], ['GLOBAL', 'germany', 'usgov']],
    [
      ['authority'],
      [
        'http://login.microsoftonline.com/contoso',
        'https://user:pw@login.microsoftonline.com/contoso',
        'https://login.microsoftonline.com/contoso?x=1',
        'https://login.microsoftonline.com/contoso#x',
        'javascript:alert(1)',
        'file:///etc/passwd',
        '//login.microsoftonline.com',
      ],
    ],
    [['graphUrl'], ['http://graph.microsoft.com', 'https://graph.microsoft.com/?$top=1']],
  ],
  'entra.beginSignIn': [[['method'], ['Browser', 'password', 'client-cert']]],
  'entra.completeSignIn': [[['flowId'], ['abc', '../flow', '9b8a7c6d5e4f4a3b9c2d1e0f9a8b7c6d']]],
  'entra.signOut': [[['accountId'], ['a', 'id/../other', 'id with space', 'id;drop', '<script>']]],
  'entra.search': [[['limit'], [0, 10_001]]],
  'entra.read': [[['deviceId'], ['DESKTOP-1', '*', "x' or 1 eq 1"]]],
  'entra.copy': [[['backupDateTime'], ['2026-11-20', 'yesterday', '2026-11-20T08:00:00']]],
  'entra.rotationStatus': [[['after'], ['2026-11-20', 'now', 0]]],
};

function setAt(
  value: Readonly<Record<string, unknown>>,
  path: readonly string[],
  leaf: unknown,
): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined) throw new Error('empty path');
  return {
    ...value,
    [head]: rest.length === 0 ? leaf : setAt(value[head] as Record<string, unknown>, rest, leaf),
  };
}

function describe(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 30)}… (${text.length} chars)` : text;
}
