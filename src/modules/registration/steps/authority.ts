import type { Request } from 'express'
import type { Services } from '../../../services'
import { certCoversStage } from '../../../domain/registration'
import type { FieldErrors } from '../../../web/formValidation'
import type { Values } from '../../../web/wizard/types'
import { str } from '../../../web/values'
import type { AuthorityInfo, PointInfo } from '../bureauPort'
import * as m from '../messages'
import { refOptions, regionOptions } from '../repository'
import { certificateType } from './certificate'

// 选择注册机构: 省 → 市 and 学段 find the open authorities (a sole one preselected), then its
// 确认点 (the one the 现任教学校 suggests preselected).

export async function authorityPage(s: Services, req: Request, values: Values, shown: Values) {
  const { db, clock } = s
  const bureau = s.bureau.registration
  const provinceCode = str(shown.provinceCode)
  const provinces = await regionOptions(db, null)
  const cities = provinces.some((p) => p.value === provinceCode) ? await regionOptions(db, provinceCode) : []
  const cityCode = cities.some((c) => c.value === str(shown.cityCode)) ? str(shown.cityCode) : ''
  const stages = await refOptions(db, 'teaching_stage')
  const stage = stages.some((st) => st.value === str(shown.stage)) ? str(shown.stage) : ''
  const authorities: AuthorityInfo[] =
    cityCode && stage ? await bureau.openAuthorities(db, { cityCode, stage, now: clock.now() }) : []
  let authorityId = str(shown.authorityId)
  if (!authorities.some((a) => String(a.id) === authorityId))
    authorityId = authorities.length === 1 ? String(authorities[0].id) : ''
  const points: PointInfo[] = authorityId ? await bureau.pointsFor(db, Number(authorityId)) : []
  const suggested = authorityId
    ? await bureau.suggestPoint(db, Number(authorityId), str(values.currentSchool))
    : undefined
  let pointId = str(shown.pointId)
  if (!points.some((p) => String(p.id) === pointId))
    pointId = suggested && points.some((p) => p.id === suggested.id) ? String(suggested.id) : ''
  const window = authorityId ? await bureau.windowFor(db, Number(authorityId)) : undefined
  return {
    provinces,
    cities,
    stages,
    subjects: await refOptions(db, 'subject'),
    authorities: authorities.map((a) => ({ value: String(a.id), text: a.name })),
    points,
    suggestedPointId: suggested ? String(suggested.id) : '',
    window,
    chosen: { provinceCode, cityCode, stage, authorityId, pointId },
    searched: !!(cityCode && stage),
    applicantName: req.applicant?.name,
  }
}

/**
 * The choice checked against what is open now and the certificate's 学段; the names are kept with
 * the answers for the review page and the record.
 */
export async function authorityErrors(s: Services, req: Request, value: Values, values: Values) {
  const { db, clock } = s
  const bureau = s.bureau.registration
  const errors: FieldErrors = {}
  const cities = await regionOptions(db, str(value.provinceCode))
  const city = cities.find((c) => c.value === value.cityCode)
  if (!city) errors.cityCode = '请选择市'
  const subjects = await refOptions(db, 'subject')
  if (!subjects.some((o) => o.value === value.subject)) errors.subject = '请选择现任教学科'
  const stages = await refOptions(db, 'teaching_stage')
  if (!stages.some((o) => o.value === value.stage)) errors.stage = '请选择现任教学段'
  if (Object.keys(errors).length) return errors
  const open = await bureau.openAuthorities(db, {
    cityCode: str(value.cityCode),
    stage: str(value.stage),
    now: clock.now(),
  })
  const authority = open.find((a) => a.id === Number(value.authorityId))
  if (!authority) return { authorityId: open.length ? m.WINDOW_CLOSED : m.NO_AUTHORITY }
  const points = await bureau.pointsFor(db, authority.id)
  if (!points.length) return { pointId: m.NO_POINT }
  const point = points.find((p) => p.id === Number(value.pointId))
  if (!point) return { pointId: '请选择确认点' }
  const certType = await certificateType(s, req, str(values.certNumber))
  if (certType && !certCoversStage(certType, str(value.stage))) return { stage: m.STAGE_CERT_MISMATCH }
  Object.assign(value, {
    provinceName: (await regionOptions(db, null)).find((p) => p.value === value.provinceCode)?.text ?? '',
    cityName: city!.text,
    authorityName: authority.name,
    pointName: point.name,
  })
  return errors
}
