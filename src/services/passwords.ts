import argon2 from 'argon2'
import type { Config } from '../config'

export interface Passwords {
  hash(plain: string): Promise<string>
  /** Verifies and says whether the stored hash should be replaced (parameters changed). */
  verify(hash: string, plain: string): Promise<{ ok: boolean; rehash: boolean }>
  /** Spends the same time as a real verify, for logins whose account does not exist. */
  verifyNothing(plain: string): Promise<void>
}

export function argon2Passwords(params: Config['argon2']): Passwords {
  const options = { type: argon2.argon2id as 2, ...params }
  let dummy: Promise<string> | undefined
  return {
    hash: (plain) => argon2.hash(plain, options),
    async verify(hash, plain) {
      let ok = false
      try {
        ok = await argon2.verify(hash, plain)
      } catch {
        ok = false
      }
      return { ok, rehash: ok && argon2.needsRehash(hash, options) }
    },
    async verifyNothing(plain) {
      dummy ??= argon2.hash('no-such-account-placeholder', options)
      await argon2.verify(await dummy, plain).catch(() => false)
    },
  }
}
