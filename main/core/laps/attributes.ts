// LDAP display names of the LAPS schema (Windows LAPS: MS-ADA2 ms-LAPS-*, legacy: ms-Mcs-AdmPwd*).
export const LAPS_ATTRIBUTES = {
  password: 'msLAPS-Password',
  expiration: 'msLAPS-PasswordExpirationTime',
  encryptedPassword: 'msLAPS-EncryptedPassword',
  encryptedPasswordHistory: 'msLAPS-EncryptedPasswordHistory',
  encryptedDsrmPassword: 'msLAPS-EncryptedDSRMPassword',
  encryptedDsrmPasswordHistory: 'msLAPS-EncryptedDSRMPasswordHistory',
  legacyPassword: 'ms-Mcs-AdmPwd',
  legacyExpiration: 'ms-Mcs-AdmPwdExpirationTime',
} as const;

/** Binary (octet string) attributes, which ldapts must hand back as bytes. */
export const LAPS_BINARY_ATTRIBUTES: readonly string[] = [
  LAPS_ATTRIBUTES.encryptedPassword,
  LAPS_ATTRIBUTES.encryptedPasswordHistory,
  LAPS_ATTRIBUTES.encryptedDsrmPassword,
  LAPS_ATTRIBUTES.encryptedDsrmPasswordHistory,
];

/** The attributes that say who a computer is. */
export const COMPUTER_IDENTITY_ATTRIBUTES: readonly string[] = [
  'cn',
  'sAMAccountName',
  'dNSHostName',
  'userAccountControl',
];
