import fc from 'fast-check'
import { TestClock } from '../helpers/clock'
import { base32, createTotp } from '../../src/services/totp'

// RFC 6238 appendix B: the SHA-1 secret is the ASCII of "12345678901234567890"; at T = 59 s the
// 8-digit code is 94287082, so the 6-digit one is 287082.
const RFC_SECRET = base32.encode(Buffer.from('12345678901234567890', 'ascii'))

describe('TOTP service', () => {
  it('writes secrets in RFC 4648 Base32 as authenticator apps read them', () => {
    expect(RFC_SECRET).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ')
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(Buffer.from(base32.decode(base32.encode(bytes)))).toEqual(Buffer.from(bytes))
      }),
    )
  })

  it('accepts the RFC test vector’s code at its time and the step either side, naming its step', async () => {
    const clock = new TestClock(new Date(59_000))
    const totp = createTotp('k'.repeat(32), clock, 'test')
    expect(await totp.check(RFC_SECRET, '287082')).toBe(1)
    clock.set(new Date(59_000 + 30_000))
    expect(await totp.check(RFC_SECRET, '287082')).toBe(1)
    clock.set(new Date(59_000 + 90_000))
    expect(await totp.check(RFC_SECRET, '287082')).toBeNull()
    expect(await totp.check(RFC_SECRET, '28708')).toBeNull()
  })

  it('keeps secrets encrypted: a different key or a changed byte cannot open them', () => {
    const clock = new TestClock()
    const totp = createTotp('k'.repeat(32), clock, 'test')
    const secret = totp.newSecret()
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)
    const sealed = totp.encrypt(secret)
    expect(sealed).not.toContain(secret)
    expect(totp.decrypt(sealed)).toBe(secret)
    expect(() => createTotp('x'.repeat(32), clock, 'test').decrypt(sealed)).toThrow()
    const [v, iv, tag, body] = sealed.split('.')
    const flipped = Buffer.from(body, 'base64')
    flipped[0] ^= 1
    expect(() => totp.decrypt([v, iv, tag, flipped.toString('base64')].join('.'))).toThrow()
    expect(totp.uri('admin', secret)).toBe(`otpauth://totp/test:admin?secret=${secret}&issuer=test`)
  })
})
