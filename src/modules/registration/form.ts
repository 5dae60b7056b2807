import type { Request } from 'express'
import { shownDocNumber, type DocNumberViewer } from '../../domain/idNumber'
import type { Services } from '../../services'
import type { RegistrationFormData } from '../applications/formData'
import { codeName } from '../../services/reference'
import { registrationDetail } from './detail'
import { registryRegistrationCount, type RegistrationRow } from './repository'
import { printedForm, storedImage } from '../applications/printedForms'
import * as m from './messages'
import { pointWithSlot } from '../booking/service'

// 申请表: a registration as the printed form takes it (labels, not codes). Rendered on demand from
// the row, so the form is there the instant the application is submitted or changed; stored once
// printed, while nothing it prints changes (applications/storedForms.ts).

export const FORM_TEMPLATE = 'registration-form'

async function registrationFormData(
  req: Request,
  services: Services,
  row: RegistrationRow,
  viewer: DocNumberViewer,
): Promise<RegistrationFormData> {
  const detail = await registrationDetail(req, services, row)
  const value = new Map(detail.sections.flatMap((s) => s.rows.map((r) => [r.name, r.value] as const)))
  const v = (name: string) => value.get(name) ?? ''
  const identity = (row.data.identity ?? {}) as Record<string, unknown>
  const ethnicity = identity.ethnicity
    ? await codeName(services.db, 'ethnicity', String(identity.ethnicity))
    : ''
  const conditionNames = new Set(m.CONDITIONS.map((c) => String(c.name)))
  return {
    number: row.number,
    verifyCode: row.verify_code,
    // 第 N 次注册: the registrations the registry knows for this certificate, plus this one.
    registrationCount: (await registryRegistrationCount(services.db, row.cert_number)) + 1,
    docType: detail.identity.docType,
    docNumber: shownDocNumber(detail.identity.docNumber, viewer),
    certNumber: detail.cert.number,
    certIssuedOn: detail.cert.issuedOn,
    qualificationType: detail.cert.type,
    certSubject: detail.cert.subject,
    certAuthority: detail.cert.authority,
    name: detail.identity.name,
    sex: detail.identity.sex,
    birthDate: detail.identity.birthDate,
    ethnicity,
    political: v('political'),
    mobile: detail.identity.phone,
    household: v('household'),
    address: v('address'),
    postcode: v('postcode'),
    education: v('education'),
    degree: v('degree'),
    graduatedOn: v('graduatedOn'),
    graduationSchool: v('graduationSchool'),
    studyForm: v('studyForm'),
    major: v('major'),
    majorCategory: v('majorCategory'),
    mandarin: v('mandarin'),
    currentSchool: v('currentSchool'),
    schoolLocation: v('schoolLocation'),
    schoolNature: v('schoolNature'),
    postNature: v('postNature'),
    stage: v('stage'),
    subject: v('subject'),
    title: v('title'),
    workStartedOn: v('workStartedOn'),
    employedFrom: v('employedFrom'),
    conditions: detail.sections
      .flatMap((s) => s.rows)
      .filter((r) => conditionNames.has(r.name))
      .map((r) => ({ label: r.label, value: r.value })),
    authority: detail.authorityName,
    point: await pointWithSlot(services.db, 'registration', Number(row.id), detail.pointName),
    photo: await storedImage(services, row.photo_file_id),
  }
}

/** 教师资格定期注册申请表 (views/pdf/registration-form.njk), one or many registrations in one PDF. */
export const registrationForm = printedForm(
  'registration',
  FORM_TEMPLATE,
  '教师资格定期注册申请表',
  registrationFormData,
)
