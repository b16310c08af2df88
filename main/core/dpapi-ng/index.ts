// DPAPI-NG (MS-GKDI protected secrets) for Windows LAPS: pure parse and derive functions.
export { parseDpapiNgBlob, type DpapiNgBlob } from './blob.js';
export {
  decryptWithGroupKey,
  decryptWithGroupKeyDetailed,
  decryptWithRootKey,
  decryptWithRootKeyDetailed,
  type DpapiNgDecryption,
  type KdsRootKey,
} from './decrypt.js';
export {
  parseGroupKeyEnvelope,
  parseKeyIdentifier,
  type GroupKeyEnvelope,
  type KeyIdentifier,
} from './gkdi.js';
export { parseLapsPlaintext, splitLapsEncryptedValue } from './laps.js';
