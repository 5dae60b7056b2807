import { groupVerifyCode, normaliseVerifyCode } from '../../src/domain/verifyCode'

describe('核验码', () => {
  test('typed or scanned: case, spaces and hyphens ignored; anything else is not a code', () => {
    const code = 'k7qf2m5xw4hv3pazrt6nbydc5e'
    expect(normaliseVerifyCode(code)).toBe(code)
    expect(normaliseVerifyCode(' K7QF 2M5X-W4HV 3PAZ RT6N BYDC 5E ')).toBe(code)
    for (const bad of [
      '',
      '20260003000001',
      `${code}a`,
      code.slice(1),
      `${code.slice(0, -1)}1`,
      `${code.slice(0, -1)}é`,
    ])
      expect(normaliseVerifyCode(bad)).toBeNull()
  })

  test('printed in groups of four', () => {
    expect(groupVerifyCode('k7qf2m5xw4hv3pazrt6nbydc5e')).toBe('k7qf 2m5x w4hv 3paz rt6n bydc 5e')
  })
})
