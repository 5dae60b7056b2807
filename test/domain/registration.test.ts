import fc from 'fast-check'
import {
  INACTIVE_STATUSES,
  REGISTRATION_STATUSES,
  TRANSITIONS,
  addCertificateRefusal,
  canTransition,
  isActive,
  nextRegistrationAllowedOn,
  registrationCycle,
  registrationNumber,
  tooSoonAfterApproval,
  transitionsFrom,
  type RegistrationStatus,
} from '../../src/domain/registration'

const cert = (o: Partial<Parameters<typeof addCertificateRefusal>[0]> = {}) => ({
  certNumber: '20051100021000123',
  issuedOn: '2005-07-01',
  provinceCode: '110000',
  ...o,
})

describe('registration statuses', () => {
  it('counts every status but the refused end states as active', () => {
    expect(INACTIVE_STATUSES).toEqual(['not_eligible', 'deferred', 'rejected'])
    expect(isActive('approved')).toBe(true)
    expect(isActive('wrong_authority')).toBe(true)
    expect(isActive('deferred')).toBe(false)
  })

  it.each([
    ['pending_confirmation', 'confirm', 'point', 'confirmed'],
    ['pending_confirmation', 'fail_confirmation', 'point', 'confirmation_failed'],
    ['confirmation_failed', 'materials_complete', 'point', 'confirmed'],
    ['confirmed', 'approve', 'authority', 'approved'],
    ['confirmed', 'defer', 'authority', 'deferred'],
    ['confirmed', 'reject', 'authority', 'rejected'],
    ['pending_confirmation', 'wrong_authority', 'authority', 'wrong_authority'],
    ['confirmed', 'not_eligible', 'authority', 'not_eligible'],
    ['confirmed', 'return_for_correction', 'point', 'pending_confirmation'],
    ['wrong_authority', 'change_authority', 'applicant', 'pending_confirmation'],
  ] as const)('%s --%s by %s--> %s', (from, name, actor, to) => {
    expect(canTransition(from, name, actor)).toBe(to)
  })

  it.each([
    ['pending_confirmation', 'wrong_authority', 'point'],
    ['pending_confirmation', 'not_eligible', 'point'],
    ['pending_confirmation', 'approve', 'authority'],
    ['approved', 'reject', 'authority'],
    ['confirmed', 'confirm', 'applicant'],
  ] as const)('refuses %s --%s by %s', (from, name, actor) => {
    expect(canTransition(from, name, actor)).toBeNull()
  })

  it('lets nobody leave a final state', () => {
    for (const s of ['approved', 'deferred', 'rejected', 'not_eligible'] as RegistrationStatus[])
      for (const actor of ['applicant', 'point', 'authority'] as const)
        expect(transitionsFrom(s, actor)).toEqual([])
  })

  it('names only known statuses in the table', () => {
    for (const t of TRANSITIONS)
      for (const s of [...t.from, t.to]) expect(REGISTRATION_STATUSES[s]).toBeDefined()
  })
})

describe('cycles and the 54-month rule', () => {
  it('puts a submit in the Shanghai calendar year', () => {
    expect(registrationCycle(new Date('2026-12-31T16:30:00Z'))).toBe(2027)
    expect(registrationCycle(new Date('2026-12-31T15:30:00Z'))).toBe(2026)
  })

  it('allows a new registration 54 months after a 注册合格, clamping the day', () => {
    expect(nextRegistrationAllowedOn('2022-03-15')).toBe('2026-09-15')
    expect(nextRegistrationAllowedOn('2021-08-31')).toBe('2026-02-28')
    expect(tooSoonAfterApproval('2022-03-15', '2026-09-14')).toBe(true)
    expect(tooSoonAfterApproval('2022-03-15', '2026-09-15')).toBe(false)
  })

  it('is never allowed earlier than 4 years 5 months later (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2040-12-31'), noInvalidDate: true }),
        (d) => {
          const iso = d.toISOString().slice(0, 10)
          const next = nextRegistrationAllowedOn(iso)
          const months =
            (Number(next.slice(0, 4)) - Number(iso.slice(0, 4))) * 12 +
            Number(next.slice(5, 7)) -
            Number(iso.slice(5, 7))
          return months === 54 && next > iso
        },
      ),
    )
  })
})

describe('registration numbers', () => {
  it('is year + 4-digit authority + 6-digit sequence', () => {
    expect(registrationNumber(2026, 3, 42)).toBe('20260003000042')
    expect(() => registrationNumber(2026, 3, 1_000_000)).toThrow()
  })
})

describe('adding a certificate by hand', () => {
  it('accepts a pre-2008 certificate', () => {
    expect(addCertificateRefusal(cert(), false)).toBeNull()
    expect(addCertificateRefusal(cert({ certNumber: '971100210000123' }), false)).toBeNull()
  })

  it.each([
    ['a 2008 certificate', cert({ issuedOn: '2008-01-01' }), false, 'too_recent'],
    [
      'a 2010 Guangxi certificate is fine',
      cert({ issuedOn: '2010-01-01', provinceCode: '450000' }),
      false,
      null,
    ],
    [
      'a 2012 Guangxi certificate',
      cert({ issuedOn: '2012-05-01', provinceCode: '450000' }),
      false,
      'too_recent',
    ],
    ['16 digits', cert({ certNumber: '2005110002100012' }), false, 'bad_number'],
    ['letters', cert({ certNumber: '2005110002100012X' }), false, 'bad_number'],
    ['one in the registry', cert(), true, 'in_registry'],
  ] as const)('refuses %s', (_name, c, inRegistry, expected) => {
    expect(addCertificateRefusal(c, inRegistry)).toBe(expected)
  })
})
