import type { Services } from '../../../services'
import { isQualificationType, qualificationTypeLabel } from '../../../domain/certification'
import type { FieldErrors } from '../../../web/formValidation'
import type { Values } from '../../../web/wizard/types'
import { str } from '../../../web/values'
import * as m from '../messages'
import * as repo from '../repository'
import { authorityProblem } from '../service'

// 选择认定机构: 省 → 市 find the authorities for the chosen 资格种类 (a sole one preselected), whether
// their window is open, and their 确认点.

export async function authorityPage(s: Services, _req: unknown, values: Values, shown: Values) {
  const { db, clock, bureau } = s
  const now = clock.now()
  const type = str(values.qualificationType)
  const provinces = await repo.regionOptions(db, null)
  const provinceCode = provinces.some((p) => p.value === str(shown.provinceCode))
    ? str(shown.provinceCode)
    : ''
  const cities = provinceCode ? await repo.regionOptions(db, provinceCode) : []
  const cityCode = cities.some((c) => c.value === str(shown.cityCode)) ? str(shown.cityCode) : ''
  const all = cityCode
    ? await bureau.certification.authoritiesFor(db, { cityCode, qualificationType: type })
    : []
  const open = cityCode
    ? await bureau.certification.openAuthorities(db, { cityCode, qualificationType: type, at: now })
    : []
  let authorityId = str(shown.authorityId)
  if (!all.some((a) => String(a.id) === authorityId)) authorityId = all.length === 1 ? String(all[0].id) : ''
  const window = authorityId ? await bureau.certification.windowFor(db, Number(authorityId), now) : undefined
  const isOpen = open.some((a) => String(a.id) === authorityId)
  const points =
    authorityId && isOpen ? await bureau.certification.pointsFor(db, Number(authorityId), now) : []
  const pointId = points.some((p) => String(p.id) === str(shown.pointId))
    ? str(shown.pointId)
    : points.length === 1
      ? String(points[0].id)
      : ''
  const message = !authorityId
    ? ''
    : !window
      ? m.NO_PLAN
      : !isOpen
        ? m.WINDOW_CLOSED
        : !points.length
          ? m.NO_POINT
          : ''
  return {
    typeText: qualificationTypeLabel(type),
    provinces,
    cities,
    authorities: all.map((a) => ({ value: String(a.id), text: a.name })),
    points,
    window,
    message,
    chosen: { provinceCode, cityCode, authorityId, pointId },
    searched: !!cityCode,
    intro: m.AUTHORITY_INTRO,
    noAuthority: m.NO_AUTHORITY,
  }
}

/** The choice checked against what is open now; the names kept with the answers for the review page and the record. */
export async function authorityErrors(
  s: Services,
  _req: unknown,
  value: Values,
  values: Values,
): Promise<FieldErrors | null> {
  const { db, clock, bureau } = s
  const now = clock.now()
  const provinces = await repo.regionOptions(db, null)
  const province = provinces.find((p) => p.value === value.provinceCode)
  const city =
    province && (await repo.regionOptions(db, province.value)).find((c) => c.value === value.cityCode)
  if (!city) return { cityCode: '请选择认定所在地（市）' }
  const type = str(values.qualificationType)
  if (!isQualificationType(type)) return { authorityId: m.CONDITION_ERRORS.type }
  const authorityId = Number(value.authorityId)
  const here = await bureau.certification.authoritiesFor(db, { cityCode: city.value, qualificationType: '' })
  const authority = here.find((a) => a.id === authorityId)
  if (!authority) return { authorityId: m.NO_AUTHORITY }
  const problem = await authorityProblem(s, authorityId, type, now)
  if (problem) return { authorityId: problem }
  const points = await bureau.certification.pointsFor(db, authorityId, now)
  if (!points.length) return { pointId: m.NO_POINT }
  const point = points.find((p) => p.id === Number(value.pointId))
  if (!point) return { pointId: '请选择确认点' }
  Object.assign(value, {
    provinceName: province.text,
    cityName: city.text,
    authorityName: authority.name,
    pointName: point.name,
  })
  return null
}
