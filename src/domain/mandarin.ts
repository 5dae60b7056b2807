// 普通话水平测试等级 from the score (REFERENCE.md): 一级甲等 ≥ 97 · 一级乙等 92–96.99 · 二级甲等 87–91.99 ·
// 二级乙等 80–86.99 · 三级甲等 70–79.99 · 三级乙等 60–69.99; below 60 no grade is awarded.
// Scores are handled in tenths (one decimal, as printed on the certificate) so that no float rounding
// can move a score across a band boundary.

export const MANDARIN_GRADES = [
  '一级甲等',
  '一级乙等',
  '二级甲等',
  '二级乙等',
  '三级甲等',
  '三级乙等',
] as const
export type MandarinGrade = (typeof MANDARIN_GRADES)[number]

/** Lower bound of each grade, in tenths of a point, best first. */
const BANDS: readonly [number, MandarinGrade][] = [
  [970, '一级甲等'],
  [920, '一级乙等'],
  [870, '二级甲等'],
  [800, '二级乙等'],
  [700, '三级甲等'],
  [600, '三级乙等'],
]

export const MAX_SCORE_TENTHS = 1000

/** "86.9" → 869; anything that is not 0–100 with at most one decimal → null. */
export function parseScore(raw: unknown): number | null {
  const s = String(raw ?? '').trim()
  if (!/^\d{1,3}(\.\d)?$/.test(s)) return null
  const [whole, decimal = '0'] = s.split('.')
  const tenths = Number(whole) * 10 + Number(decimal)
  return tenths <= MAX_SCORE_TENTHS ? tenths : null
}

/** The grade for a score in tenths, or null below 60 (不入级). */
export function gradeForTenths(tenths: number): MandarinGrade | null {
  for (const [min, grade] of BANDS) if (tenths >= min) return grade
  return null
}

/** The grade for a typed score, or null when the score is not valid or too low for a grade. */
export function mandarinGrade(raw: unknown): MandarinGrade | null {
  const tenths = parseScore(raw)
  return tenths === null ? null : gradeForTenths(tenths)
}

/** 869 → "86.9", 870 → "87.0" (as stored in numeric(4,1)). */
export const formatScore = (tenths: number): string => `${Math.floor(tenths / 10)}.${tenths % 10}`
