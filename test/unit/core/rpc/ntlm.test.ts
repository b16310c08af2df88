import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MalformedDataError } from '../../../../main/core/errors/laps-error.js';
import {
  computeNtlmV2Response,
  computeSignature,
  decodeChallenge,
  deriveSessionKeys,
  encodeAuthenticate,
  encodeAvPairs,
  encodeNegotiate,
  NtlmSecurityProvider,
  NtlmSessionSecurity,
  ntowfv2,
} from '../../../../main/core/rpc/ntlm.js';
import { Rc4, rc4 } from '../../../../main/core/rpc/rc4.js';

const vector = JSON.parse(
  readFileSync(new URL('./ms-nlmp-4.2.4.json', import.meta.url), 'utf8'),
) as Record<string, string>;
const hex = (name: string): Buffer => Buffer.from(vector[name] ?? '', 'hex');
const credentials = { user: 'User', domain: 'Domain', password: 'Password' };

describe('NTLMv2 against MS-NLMP 4.2.4', () => {
  const response = computeNtlmV2Response(
    ntowfv2(credentials),
    hex('serverChallenge'),
    hex('clientChallenge'),
    hex('time'),
    hex('serverName'),
  );

  it('derives NTOWFv2 from the password, user and domain', () => {
    expect(ntowfv2(credentials)).toEqual(hex('ntowfv2'));
  });
  it('computes the LMv2 response, NTProofStr and session base key', () => {
    expect(response.lmChallengeResponse).toEqual(hex('lmv2Response'));
    expect(response.ntProofStr).toEqual(hex('ntProofStr'));
    expect(response.sessionBaseKey).toEqual(hex('sessionBaseKey'));
  });
  it('encrypts the random session key with the key exchange key', () => {
    expect(rc4(response.sessionBaseKey, hex('randomSessionKey'))).toEqual(
      hex('encryptedSessionKey'),
    );
  });
  it('seals and signs "Plaintext" with sequence number 0', () => {
    const keys = deriveSessionKeys(hex('randomSessionKey'));
    const handle = new Rc4(keys.clientSealingKey);
    const sealed = handle.update(hex('plaintext'));
    const signature = computeSignature(keys.clientSigningKey, handle, 0, hex('plaintext'));
    expect(sealed).toEqual(hex('sealed'));
    expect(signature).toEqual(hex('signature'));
  });
});

describe('NTLM messages', () => {
  function challengeMessage(flags: number, targetInfo: Buffer): Buffer {
    const head = Buffer.alloc(56);
    head.write('NTLMSSP\0', 0, 'latin1');
    head.writeUInt32LE(2, 8);
    head.writeUInt32LE(56, 16);
    head.writeUInt32LE(flags, 20);
    hex('serverChallenge').copy(head, 24);
    head.writeUInt16LE(targetInfo.length, 40);
    head.writeUInt16LE(targetInfo.length, 42);
    head.writeUInt32LE(56, 44);
    return Buffer.concat([head, targetInfo]);
  }

  it('reads the server challenge and target info of a CHALLENGE message', () => {
    const info = encodeAvPairs([{ id: 2, value: Buffer.from('LAB', 'utf16le') }]);
    const challenge = decodeChallenge(challengeMessage(0xe28a8233, info));
    expect(challenge.serverChallenge).toEqual(hex('serverChallenge'));
    expect(challenge.targetInfo).toEqual([{ id: 2, value: Buffer.from('LAB', 'utf16le') }]);
  });

  it('rejects a CHALLENGE whose target info runs past the end', () => {
    const message = challengeMessage(0xe28a8233, Buffer.from([2, 0, 0xff, 0]));
    expect(() => decodeChallenge(message)).toThrow(MalformedDataError);
  });

  it('rejects bytes that are not a CHALLENGE message', () => {
    expect(() => decodeChallenge(encodeNegotiate())).toThrow(MalformedDataError);
    expect(() => decodeChallenge(Buffer.alloc(3))).toThrow(MalformedDataError);
  });

  it('builds an AUTHENTICATE whose NT response carries the NTProofStr and a MIC', () => {
    const info = encodeAvPairs([{ id: 7, value: Buffer.alloc(8) }]);
    const negotiate = encodeNegotiate();
    const challenge = decodeChallenge(challengeMessage(0xe28a8233, info));
    const { message } = encodeAuthenticate({
      credentials,
      negotiate,
      challenge,
      clientChallenge: hex('clientChallenge'),
      exportedSessionKey: hex('randomSessionKey'),
      timestamp: Buffer.alloc(8),
      workstation: '',
    });
    expect(message.subarray(0, 12)).toEqual(Buffer.from('NTLMSSP\0\x03\0\0\0', 'latin1'));
    expect(message.subarray(72, 88)).not.toEqual(Buffer.alloc(16));
    const ntLength = message.readUInt16LE(20);
    expect(ntLength).toBeGreaterThan(16);
  });
});

describe('NtlmSecurityProvider', () => {
  /** Plays the server: reads the AUTHENTICATE, recovers the exported session key, checks the MIC. */
  function establish(): {
    provider: NtlmSecurityProvider;
    serverKeys: ReturnType<typeof deriveSessionKeys>;
  } {
    const provider = new NtlmSecurityProvider(credentials);
    const negotiate = provider.initialToken();
    const info = encodeAvPairs([
      { id: 2, value: Buffer.from('Domain', 'utf16le') },
      { id: 7, value: Buffer.alloc(8, 1) },
    ]);
    const head = Buffer.alloc(56);
    head.write('NTLMSSP\0', 0, 'latin1');
    head.writeUInt32LE(2, 8);
    head.writeUInt32LE(56, 16);
    head.writeUInt32LE(0xe28a8235, 20);
    hex('serverChallenge').copy(head, 24);
    head.writeUInt16LE(info.length, 40);
    head.writeUInt16LE(info.length, 42);
    head.writeUInt32LE(56, 44);
    const challenge = Buffer.concat([head, info]);
    const authenticate = provider.nextToken(challenge);
    if (!authenticate) throw new Error('no AUTHENTICATE');
    const fieldAt = (at: number): Buffer =>
      authenticate.subarray(
        authenticate.readUInt32LE(at + 4),
        authenticate.readUInt32LE(at + 4) + authenticate.readUInt16LE(at),
      );
    const ntResponse = fieldAt(20);
    const responseKey = ntowfv2(credentials);
    const proof = createHmac('md5', responseKey)
      .update(hex('serverChallenge'))
      .update(ntResponse.subarray(16))
      .digest();
    expect(ntResponse.subarray(0, 16)).toEqual(proof);
    const sessionBaseKey = createHmac('md5', responseKey).update(proof).digest();
    const exportedSessionKey = rc4(sessionBaseKey, fieldAt(52));
    const zeroed = Buffer.from(authenticate);
    zeroed.fill(0, 72, 88);
    const mic = createHmac('md5', exportedSessionKey)
      .update(negotiate)
      .update(challenge)
      .update(zeroed)
      .digest();
    expect(authenticate.subarray(72, 88)).toEqual(mic);
    return { provider, serverKeys: deriveSessionKeys(exportedSessionKey) };
  }

  it('seals requests the server can open and opens what the server seals', () => {
    const { provider, serverKeys } = establish();
    const clientToServer = new Rc4(serverKeys.clientSealingKey);
    const serverToClient = new Rc4(serverKeys.serverSealingKey);
    for (let sequence = 0; sequence < 3; sequence++) {
      const message = Buffer.from(`request ${sequence}`);
      const { sealed, signature } = provider.seal(message, message);
      expect(clientToServer.update(sealed)).toEqual(message);
      expect(signature).toEqual(
        computeSignature(serverKeys.clientSigningKey, clientToServer, sequence, message),
      );

      const reply = Buffer.from(`response ${sequence}`);
      const sealedReply = serverToClient.update(reply);
      const replySignature = computeSignature(
        serverKeys.serverSigningKey,
        serverToClient,
        sequence,
        reply,
      );
      expect(provider.unseal(sealedReply, replySignature, (plain) => plain)).toEqual(reply);
    }
  });

  it('rejects a response whose signature does not match', () => {
    const { provider, serverKeys } = establish();
    const serverToClient = new Rc4(serverKeys.serverSealingKey);
    const reply = Buffer.from('response');
    const sealed = serverToClient.update(reply);
    const signature = computeSignature(serverKeys.serverSigningKey, serverToClient, 0, reply);
    sealed[0] = (sealed[0] ?? 0) ^ 1;
    expect(() => provider.unseal(sealed, signature, (plain) => plain)).toThrow(MalformedDataError);
  });
});

describe('NtlmSessionSecurity', () => {
  const pair = (): { client: NtlmSessionSecurity; server: NtlmSessionSecurity } => ({
    client: new NtlmSessionSecurity(hex('randomSessionKey'), 'client'),
    server: new NtlmSessionSecurity(hex('randomSessionKey'), 'server'),
  });

  it('seals with the MS-NLMP 4.2.4.4 client-to-server signature', () => {
    const { client } = pair();
    const { sealed, signature } = client.seal(hex('plaintext'), hex('plaintext'));
    const keys = deriveSessionKeys(hex('randomSessionKey'));
    const handle = new Rc4(keys.clientSealingKey);
    expect(handle.update(sealed)).toEqual(hex('plaintext'));
    expect(signature).toEqual(computeSignature(keys.clientSigningKey, handle, 0, hex('plaintext')));
  });

  it('a client and a server with the same exported session key talk both ways', () => {
    const { client, server } = pair();
    for (let sequence = 0; sequence < 3; sequence++) {
      const request = Buffer.from(`request ${sequence}`);
      const sent = client.seal(request, request);
      expect(sent.sealed).not.toEqual(request);
      expect(server.unseal(sent.sealed, sent.signature, (plain) => plain)).toEqual(request);

      const response = Buffer.from(`response ${sequence}`);
      const answered = server.seal(response, response);
      expect(answered.sealed).not.toEqual(response);
      expect(client.unseal(answered.sealed, answered.signature, (plain) => plain)).toEqual(
        response,
      );
    }
  });

  it('signs what toSign makes of the plaintext, not the plaintext alone', () => {
    const { client, server } = pair();
    const header = Buffer.from('header');
    const body = Buffer.from('body');
    const { sealed, signature } = client.seal(body, Buffer.concat([header, body]));
    expect(server.unseal(sealed, signature, (plain) => Buffer.concat([header, plain]))).toEqual(
      body,
    );
  });

  it('refuses a tampered signature in either direction', () => {
    const { client, server } = pair();
    const request = client.seal(Buffer.from('request'), Buffer.from('request'));
    request.signature[5] = (request.signature[5] ?? 0) ^ 1;
    expect(() => server.unseal(request.sealed, request.signature, (plain) => plain)).toThrow(
      /sealed RPC request failed its NTLM signature check/,
    );

    const { client: client2, server: server2 } = pair();
    const response = server2.seal(Buffer.from('response'), Buffer.from('response'));
    response.signature[5] = (response.signature[5] ?? 0) ^ 1;
    expect(() => client2.unseal(response.sealed, response.signature, (plain) => plain)).toThrow(
      MalformedDataError,
    );
  });

  it('refuses a message sealed in its own direction, and throws the error it was given', () => {
    const { client } = pair();
    const other = new NtlmSessionSecurity(hex('randomSessionKey'), 'client', () => new Error('no'));
    const { sealed, signature } = client.seal(Buffer.from('request'), Buffer.from('request'));
    expect(() => other.unseal(sealed, signature, (plain) => plain)).toThrow('no');
  });

  it('refuses a replay: the sequence number has moved on', () => {
    const { client, server } = pair();
    const first = client.seal(Buffer.from('one'), Buffer.from('one'));
    server.unseal(first.sealed, first.signature, (plain) => plain);
    expect(() => server.unseal(first.sealed, first.signature, (plain) => plain)).toThrow(
      MalformedDataError,
    );
  });
});
