import fc from 'fast-check'
import { formatScore, gradeForTenths, mandarinGrade, parseScore } from '../../src/domain/mandarin'

describe('普通话 grade from the score', () => {
  it.each([
    ['100', '一级甲等'],
    ['97', '一级甲等'],
    ['96.9', '一级乙等'],
    ['92', '一级乙等'],
    ['91.9', '二级甲等'],
    ['87', '二级甲等'],
    ['86.9', '二级乙等'],
    ['80', '二级乙等'],
    ['79.9', '三级甲等'],
    ['70.0', '三级甲等'],
    ['69.9', '三级乙等'],
    ['60', '三级乙等'],
    ['59.9', null],
    ['0', null],
  ])('gives %s points the grade %s', (score, grade) => {
    expect(mandarinGrade(score)).toBe(grade)
  })

  it.each(['101', '100.1', '85.55', '-1', '', 'abc', '８７', '87.', '.5', '1e2', '87,5'])(
    'refuses the score "%s"',
    (score) => {
      expect(parseScore(score)).toBeNull()
    },
  )

  it('reads one decimal exactly, without float rounding', () => {
    expect(parseScore('86.9')).toBe(869)
    expect(parseScore(' 87 ')).toBe(870)
  })

  it('never gives a worse grade to a higher score, and round-trips every valid score', () => {
    const order = ['一级甲等', '一级乙等', '二级甲等', '二级乙等', '三级甲等', '三级乙等', null]
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a]
        expect(order.indexOf(gradeForTenths(hi))).toBeLessThanOrEqual(order.indexOf(gradeForTenths(lo)))
        expect(parseScore(formatScore(a))).toBe(a)
        expect(mandarinGrade(formatScore(a))).toBe(gradeForTenths(a))
      }),
    )
  })
})
