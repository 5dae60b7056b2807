import type { Request } from 'express'
import { shownDocNumber, type DocNumberViewer } from '../../domain/idNumber'
import type { Services } from '../../services'
import type { CertificationFormData } from '../applications/formData'
import { certificationDetail } from './detail'
import * as m from './messages'
import type { ApplicationRow } from './repository'
import { printedForm, storedImage } from '../applications/printedForms'
import { mandarinIssuer } from '../info/repository'
import { str } from '../../web/values'
import { pointWithSlot } from '../booking/service'

// 教师资格认定申请表: an application as the printed form takes it (labels, not codes), with the photo,
// the cropped 个人承诺书 and the CV rows. Rendered from the row, so the form is there the instant the
// application is submitted or changed; stored once printed, while nothing it prints changes
// (applications/storedForms.ts).

export const FORM_TEMPLATE = 'certification-form'

async function certificationFormData(
  req: Request,
  services: Services,
  row: ApplicationRow,
  viewer: DocNumberViewer,
): Promise<CertificationFormData> {
  const detail = await certificationDetail(req, services, row)
  const value = new Map(detail.sections.flatMap((s) => s.rows.map((r) => [r.name, r.value] as const)))
  const v = (name: string) => value.get(name) ?? ''
  const data = row.data
  // 普通话: "二级甲等（证书编号 …）" as chosen, the issuer from the applicant's info centre item.
  const mandarin = /^(.+?)（证书编号 (.+)）$/.exec(str(data.mandarinText || data.mandarin))
  const issuer = mandarin ? await mandarinIssuer(services.db, row.applicant_id, mandarin[2]) : ''
  return {
    number: row.number,
    verifyCode: row.verify_code,
    name: detail.identity.name,
    docType: detail.identity.docType,
    docNumber: shownDocNumber(detail.identity.docNumber, viewer),
    examCertificateNumber: row.exam_pass_number ?? m.EXAM_ROUTES.non_national,
    qualificationType: detail.typeText,
    subject: row.subject,
    authority: detail.authorityName,
    point: await pointWithSlot(services.db, 'certification', Number(row.id), detail.pointName),
    sex: detail.identity.sex,
    birthDate: detail.identity.birthDate,
    ethnicity: v('ethnicity'),
    political: v('political'),
    mandarinLevel: mandarin ? mandarin[1] : str(data.mandarinText || data.mandarin),
    mandarinCertNumber: mandarin ? mandarin[2] : '',
    mandarinIssuer: str(issuer),
    isStudent: data.freshGraduate === 'yes' ? '是' : '否',
    graduatedOn: str(data.graduatedOn),
    education: str(data.educationLevel),
    degree: str(data.degreeText || data.degree),
    graduationSchool: str(data.school),
    major: str(data.major),
    majorCategory: v('majorCategory'),
    studyForm: v('studyForm'),
    employer: v('employer'),
    occupation: v('occupation'),
    professionalTitle: v('technicalTitle'),
    household: v('household'),
    birthplace: v('birthplace'),
    address: v('address'),
    postcode: v('postcode'),
    telephone: v('telephone'),
    mobile: v('mobile'),
    resume: detail.resume.map((r) => ({
      from: r.start,
      to: r.end,
      unit: r.unit,
      post: r.post,
      witness: r.referee,
    })),
    photo: await storedImage(services, row.photo_file_id),
    commitment: await storedImage(services, row.commitment_crop_file_id),
  }
}

/** 教师资格认定申请表 (views/pdf/certification-form.njk), one or many applications in one PDF. */
export const certificationForm = printedForm(
  'certification',
  FORM_TEMPLATE,
  '教师资格认定申请表',
  certificationFormData,
)
