/**
 * The authentication layer DCE/RPC calls through (MS-RPCE 2.2.1.1.7 auth types), so NTLM here
 * and Kerberos later plug into the same client.
 */
export interface RpcSecurityProvider {
  /** MS-RPCE 2.2.1.1.7: 10 = NTLMSSP (RPC_C_AUTHN_WINNT), 16 = Kerberos, 9 = SPNEGO. */
  readonly authType: number;
  /** The bytes of the signature (auth_value) each sealed PDU carries: 16 for NTLM. */
  readonly signatureSize: number;
  /** The token sent with bind. */
  initialToken(): Buffer;
  /**
   * The token answering the server's (from bind_ack or alter_context_resp), sent in auth3 or
   * alter_context; undefined when the exchange is complete and nothing more is sent.
   */
  nextToken(serverToken: Uint8Array): Buffer | undefined;
  /**
   * Packet privacy, sending: encrypts `plaintext` (stub and padding) and signs `toSign` (the
   * whole PDU with the plaintext stub and auth_value left out), in that order.
   */
  seal(
    plaintext: Uint8Array,
    toSign: Uint8Array,
  ): { readonly sealed: Buffer; readonly signature: Buffer };
  /**
   * Packet privacy, receiving: decrypts `sealed`, then checks `signature` over the PDU that
   * `toSign` builds from the plaintext. Throws when the signature does not match.
   */
  unseal(
    sealed: Uint8Array,
    signature: Uint8Array,
    toSign: (plaintext: Buffer) => Uint8Array,
  ): Buffer;
}
