import crypto from 'node:crypto'
import { NodeCryptoPlugin } from '@otplib/plugin-crypto-node'
import { verify } from '@otplib/totp'
import { generateTOTP as totpUri } from '@otplib/uri'
import type { Clock } from './clock'

// The administrators' second factor: RFC 6238 codes (6 digits, 30 seconds, SHA-1: what every
// authenticator app reads from an otpauth:// QR code), by otplib. Secrets are kept encrypted
// (AES-256-GCM under a key derived from TOTP_KEY), so a copy of the database or a backup alone does
// not give the codes away. Time comes from the injected clock.

const PERIOD_SECONDS = 30
/** RFC 4226's recommended length (160 bits). */
const SECRET_BYTES = 20

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/**
 * RFC 4648 Base32 without padding, as authenticator apps write secrets. otplib's own Base32 plugin
 * is an ES module only, which jest cannot load; this is the whole of what it would do here.
 */
export const base32 = {
  name: 'rfc4648',
  encode(data: Uint8Array): string {
    let out = ''
    let bits = 0
    let value = 0
    for (const byte of data) {
      value = (value << 8) | byte
      bits += 8
      while (bits >= 5) {
        out += ALPHABET[(value >>> (bits - 5)) & 31]
        bits -= 5
      }
    }
    if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31]
    return out
  },
  decode(text: string): Uint8Array {
    const clean = text.replace(/[\s=]/g, '').toUpperCase()
    const out: number[] = []
    let bits = 0
    let value = 0
    for (const c of clean) {
      const i = ALPHABET.indexOf(c)
      if (i < 0) throw new Error('not Base32')
      value = (value << 5) | i
      bits += 5
      if (bits >= 8) {
        out.push((value >>> (bits - 8)) & 255)
        bits -= 8
      }
    }
    return Uint8Array.from(out)
  },
}

const plugins = { crypto: new NodeCryptoPlugin(), base32 }

export interface Totp {
  newSecret(): string
  /** The otpauth:// address an authenticator app takes from the QR code. */
  uri(account: string, secret: string): string
  encrypt(secret: string): string
  decrypt(sealed: string): string
  /**
   * The time step of the code when it is right now (the step before and after allowed for a phone's
   * clock a little off), else null. Whether the step was taken before is the caller's to check.
   */
  check(secret: string, code: string): Promise<number | null>
}

export function createTotp(key: string, clock: Clock, issuer: string): Totp {
  const aesKey = Buffer.from(crypto.hkdfSync('sha256', key, 'jszg', 'totp-secret', 32))
  return {
    newSecret: () => base32.encode(crypto.randomBytes(SECRET_BYTES)),
    uri: (account, secret) => totpUri({ issuer, label: account, secret }),
    encrypt(secret) {
      const iv = crypto.randomBytes(12)
      const cipher = crypto.createCipheriv('aes-256-gcm', aesKey, iv)
      const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()])
      return ['v1', ...[iv, cipher.getAuthTag(), body].map((b) => b.toString('base64'))].join('.')
    },
    decrypt(sealed) {
      const [version, iv, tag, body] = sealed.split('.')
      if (version !== 'v1' || !iv || !tag || !body) throw new Error('not a sealed TOTP secret')
      const decipher = crypto.createDecipheriv('aes-256-gcm', aesKey, Buffer.from(iv, 'base64'))
      decipher.setAuthTag(Buffer.from(tag, 'base64'))
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8')
    },
    async check(secret, code) {
      if (!/^\d{6}$/.test(code)) return null
      const result = await verify({
        ...plugins,
        secret,
        token: code,
        epoch: Math.floor(clock.now().getTime() / 1000),
        epochTolerance: PERIOD_SECONDS,
      })
      return result.valid ? Number(result.timeStep) : null
    },
  }
}
