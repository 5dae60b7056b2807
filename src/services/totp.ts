import crypto from 'node:crypto'
import { generateSecret, generateURI, verify } from 'otplib'
import type { Clock } from './clock'

// The administrators' second factor: RFC 6238 codes (6 digits, 30 seconds, SHA-1: what every
// authenticator app reads from an otpauth:// QR code), by otplib. Secrets are kept encrypted
// (AES-256-GCM under a key derived from TOTP_KEY), so a copy of the database or a backup alone does
// not give the codes away. Time comes from the injected clock.

const PERIOD_SECONDS = 30

export interface Totp {
  newSecret(): string
  /** The otpauth:// address an authenticator app takes from the QR code. */
  uri(account: string, secret: string): string
  encrypt(secret: string): string
  decrypt(sealed: string): string
  /**
   * The time step the code belongs to when it is right now (the step before and after allowed for a
   * phone's clock a little off) and later than `afterStep` (a code once taken is never taken again);
   * null otherwise.
   */
  check(secret: string, code: string, afterStep: number | null): Promise<number | null>
}

export function createTotp(key: string, clock: Clock, issuer: string): Totp {
  const aesKey = Buffer.from(crypto.hkdfSync('sha256', key, 'jszg', 'totp-secret', 32))
  const epoch = () => Math.floor(clock.now().getTime() / 1000)
  return {
    newSecret: () => generateSecret(),
    uri: (account, secret) => generateURI({ issuer, label: account, secret }),
    encrypt(secret) {
      const iv = crypto.randomBytes(12)
      const cipher = crypto.createCipheriv('aes-256-gcm', aesKey, iv)
      const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()])
      return ['v1', iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64'))).join('.')
    },
    decrypt(sealed) {
      const [version, iv, tag, body] = sealed.split('.')
      if (version !== 'v1' || !iv || !tag || !body) throw new Error('not a sealed TOTP secret')
      const decipher = crypto.createDecipheriv('aes-256-gcm', aesKey, Buffer.from(iv, 'base64'))
      decipher.setAuthTag(Buffer.from(tag, 'base64'))
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8')
    },
    async check(secret, code, afterStep) {
      if (!/^\d{6}$/.test(code)) return null
      const result = await verify({
        secret,
        token: code,
        epoch: epoch(),
        epochTolerance: PERIOD_SECONDS,
        ...(afterStep === null ? {} : { afterTimeStep: afterStep }),
      })
      return result.valid ? result.timeStep : null
    },
  }
}
