// 核验码: what the QR code of a printed 申请表 carries to the public /verify page instead of the
// 报名号, which counts up and so could be walked. PostgreSQL gives every application its own
// (verify_code, migrations/20261207000200_gapless_numbers.ts): 26 letters of RFC 4648 base32 in
// lower case, 130 random bits. Printed in groups of four for typing; case, spaces and hyphens
// typed are ignored.

const STORED = /^[a-z2-7]{26}$/

/** The code as stored, from what was scanned or typed; null when it cannot be a 核验码. */
export function normaliseVerifyCode(raw: string): string | null {
  const code = raw.replace(/[\s-]+/g, '').toLowerCase()
  return STORED.test(code) ? code : null
}

/** As printed on the form: `abcd efgh … yz`. */
export const groupVerifyCode = (code: string): string => code.replace(/(.{4})(?=.)/g, '$1 ')
