import { describe, expect, it } from 'vitest';
import {
  MalformedDataError,
  NotAuthorizedToDecryptError,
  UsageError,
} from '../../../../main/core/errors/laps-error.js';
import {
  decodeGetKeyResponse,
  encodeGetKeyRequest,
  getKeyError,
  parseEndpoint,
} from '../../../../main/core/rpc/gkdi.js';

const request = {
  targetSd: Buffer.from('abcde'),
  rootKeyId: '01020304-0506-0708-090a-0b0c0d0e0f10',
  l0: 361,
  l1: 2,
  l2: 31,
};

describe('GetKey NDR', () => {
  it('encodes the SD as a conformant array, the GUID behind a unique pointer, then L0-L2', () => {
    expect(encodeGetKeyRequest(request).toString('hex')).toBe(
      '05000000' +
        '05000000' +
        '6162636465000000' +
        '00000200' +
        '04030201060508070' +
        '90a0b0c0d0e0f10' +
        '69010000' +
        '02000000' +
        '1f000000',
    );
    expect(encodeGetKeyRequest({ ...request, rootKeyId: null }).toString('hex')).toBe(
      '05000000050000006162636465000000' + '00000000' + '69010000020000001f000000',
    );
  });

  it('decodes the envelope and the HRESULT, refusing sizes that disagree', () => {
    const ok = Buffer.from('03000000' + '00000200' + '03000000' + 'aabbcc00' + '00000000', 'hex');
    expect(decodeGetKeyResponse(ok)).toEqual({
      envelope: Buffer.from('aabbcc', 'hex'),
      hresult: 0,
    });
    const failed = Buffer.from('00000000' + '00000000' + '57000780', 'hex');
    expect(decodeGetKeyResponse(failed)).toEqual({ envelope: null, hresult: 0x80070057 });
    const lying = Buffer.from(
      '04000000' + '00000200' + '03000000' + 'aabbcc00' + '00000000',
      'hex',
    );
    expect(() => decodeGetKeyResponse(lying)).toThrow(MalformedDataError);
    const huge = Buffer.from('ffffff7f' + '00000200' + 'ffffff7f' + '00000000', 'hex');
    expect(() => decodeGetKeyResponse(huge)).toThrow(MalformedDataError);
  });

  it('maps HRESULTs to errors that say what to do', () => {
    const unknownRoot = getKeyError(0x80090016, request, 'dc1:49735');
    expect(unknownRoot).toBeInstanceOf(NotAuthorizedToDecryptError);
    expect(unknownRoot.message).toContain(request.rootKeyId);
    expect(getKeyError(0x80070005, request, 'dc1:49735')).toBeInstanceOf(
      NotAuthorizedToDecryptError,
    );
    expect(getKeyError(0x8000ffff, request, 'dc1:49735').code).toBe('unexpected');
  });

  it('parses host:port endpoints', () => {
    expect(parseEndpoint('127.0.0.1:49735')).toEqual({ host: '127.0.0.1', port: 49735 });
    expect(parseEndpoint('[::1]:135')).toEqual({ host: '::1', port: 135 });
    for (const bad of ['dc1', 'dc1:0', 'dc1:70000', ':135', 'a:b:1'])
      expect(() => parseEndpoint(bad)).toThrow(UsageError);
  });
});
