import Joi from 'joi'
import type { Services } from '../../services'
import type { Actor } from '../../services/audit'
import { checkDocNumber, DOC_TYPE_LABELS, normaliseDocNumber } from '../../domain/idNumber'
import { shanghaiDate } from '../../domain/time'
import type { Db } from '../../db/knex'
import { hasErrors, validate, type FieldErrors } from '../../web/formValidation'
import * as repo from './repository'

// 首次登录完善个人信息 (manual 000 §2.2.1): 民族 for everyone; HK/Macau/Taiwan documents add 性别,
// 出生日期 and the local ID number; a residence permit adds the local ID number and the matching pass
// number, its sex and birth date coming from the permit number itself.

export const SEX_OPTIONS = [
  { value: 'M', text: '男' },
  { value: 'F', text: '女' },
]

export type ProfileExtra = 'sexAndBirth' | 'localId' | 'passNumber'
type Extra = ProfileExtra
export const PROFILE_EXTRAS: Record<string, Extra[]> = {
  hk_macau_pass: ['sexAndBirth', 'localId'],
  taiwan_pass: ['sexAndBirth', 'localId'],
  residence_permit: ['localId', 'passNumber'],
}

/** The pass that goes with a residence permit: 81/82 (Hong Kong, Macau) or 83 (Taiwan). */
export function passTypeFor(permitNumber: string): 'hk_macau_pass' | 'taiwan_pass' {
  return permitNumber.startsWith('83') ? 'taiwan_pass' : 'hk_macau_pass'
}

export const passLabel = (type: 'hk_macau_pass' | 'taiwan_pass') =>
  type === 'taiwan_pass' ? '台湾居民来往大陆通行证号码' : '港澳居民来往内地通行证号码'

// Full-width characters, spaces and lower case mean the same number, as for the account itself.
const compact = (s: string) => normaliseDocNumber('hk_macau_pass', s)

const choose = (label: string) => ({ 'string.empty': `请选择${label}`, 'any.required': `请选择${label}` })

function schemaFor(extras: Extra[], passNumberLabel: string) {
  return Joi.object({
    ethnicity: Joi.string().trim().max(10).required().label('民族').messages(choose('民族')),
    ...(extras.includes('sexAndBirth')
      ? {
          sex: Joi.string().valid('M', 'F').required().label('性别').messages(choose('性别')),
          birthDate: Joi.string()
            .trim()
            .pattern(/^\d{4}-\d{2}-\d{2}$/)
            .required()
            .label('出生日期')
            .messages({ 'string.pattern.base': '出生日期应为“年-月-日”格式，例如1990-01-31' }),
        }
      : {}),
    ...(extras.includes('localId')
      ? {
          localIdNumber: Joi.string().trim().max(30).required().label('港澳或台湾当地有效身份证件号码'),
        }
      : {}),
    ...(extras.includes('passNumber')
      ? { passNumber: Joi.string().trim().max(20).required().label(passNumberLabel) }
      : {}),
  })
}

function isRealPastDate(iso: string, today: string): boolean {
  const d = new Date(`${iso}T00:00:00Z`)
  return (
    !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso && iso >= '1900-01-01' && iso < today
  )
}

export interface ProfileFields {
  value: Record<string, string>
  errors: FieldErrors
  /** the local ID number and pass number in their canonical form, when asked for and right */
  localId?: string
  passNumber?: string
}

/**
 * The personal fields of 完善个人信息 and 修改个人信息, checked the same way on both pages: 民族 from
 * the code list, and the `extras` this document type asks for.
 */
export async function checkProfileFields(
  db: Db,
  a: { doc_number: string },
  extras: Extra[],
  body: unknown,
  today: string,
): Promise<ProfileFields> {
  const { value, errors } = validate<Record<string, string>>(
    schemaFor(extras, passLabel(passTypeFor(a.doc_number))),
    body,
  )

  if (!errors.ethnicity && !(await repo.isEthnicity(db, value.ethnicity))) errors.ethnicity = '请选择民族'
  if (extras.includes('sexAndBirth') && !errors.birthDate && !isRealPastDate(value.birthDate, today))
    errors.birthDate = '出生日期不是有效的日期'
  const localId = value.localIdNumber ? compact(value.localIdNumber) : undefined
  if (extras.includes('localId') && !errors.localIdNumber && !/^[A-Z0-9()]{4,20}$/.test(localId ?? ''))
    errors.localIdNumber = '港澳或台湾当地有效身份证件号码只能包含字母、数字和括号'
  let passNumber: string | undefined
  if (extras.includes('passNumber') && !errors.passNumber) {
    const passType = passTypeFor(a.doc_number)
    const checked = checkDocNumber(passType, compact(value.passNumber), today)
    if (checked.ok) passNumber = compact(value.passNumber)
    else errors.passNumber = checked.error
  }
  return { value, errors, localId, passNumber }
}

/** Sex and birth date read from a 身份证 or 居住证 number, for showing and for filling gaps. */
function fromNumber(a: repo.ProfileApplicantRow, today: string): { sex?: string; birthDate?: string } {
  if (a.doc_type !== 'id_card' && a.doc_type !== 'residence_permit') return {}
  const checked = checkDocNumber(a.doc_type, a.doc_number, today)
  return checked.ok ? { sex: checked.sex, birthDate: checked.birthDate } : {}
}

/** What the 完善个人信息 page shows; undefined once the profile is complete (or the account is gone). */
export async function completeProfilePage(services: Services, applicantId: number) {
  const a = await repo.findProfileApplicant(services.db, applicantId)
  if (!a || a.profile_completed_at) return undefined
  const extras = PROFILE_EXTRAS[a.doc_type] ?? []
  const derived = fromNumber(a, shanghaiDate(services.clock.now()))
  return {
    account: a,
    docTypeLabel: DOC_TYPE_LABELS[a.doc_type] ?? a.doc_type,
    derivedSex: SEX_OPTIONS.find((o) => o.value === (a.sex ?? derived.sex))?.text,
    derivedBirthDate: a.birth_date ?? derived.birthDate,
    ethnicityOptions: (await repo.ethnicities(services.db)).map((e) => ({ value: e.code, text: e.name })),
    sexOptions: SEX_OPTIONS,
    askSexAndBirth: extras.includes('sexAndBirth'),
    askLocalId: extras.includes('localId'),
    passLabel: extras.includes('passNumber') ? passLabel(passTypeFor(a.doc_number)) : null,
  }
}

export type CompleteProfileOutcome =
  { kind: 'absent' } | { kind: 'invalid'; errors: FieldErrors } | { kind: 'done'; completed: boolean }

/** 完善个人信息: checks the fields and completes the profile once, audited in the same transaction. */
export async function completeProfile(
  services: Services,
  applicantId: number,
  body: unknown,
  actor: Actor,
): Promise<CompleteProfileOutcome> {
  const { db } = services
  const a = await repo.findProfileApplicant(db, applicantId)
  if (!a || a.profile_completed_at) return { kind: 'absent' }
  const extras = PROFILE_EXTRAS[a.doc_type] ?? []
  const today = shanghaiDate(services.clock.now())
  const { value, errors, localId, passNumber } = await checkProfileFields(db, a, extras, body, today)
  if (hasErrors(errors)) return { kind: 'invalid', errors }

  const derived = fromNumber(a, today)
  const completed = await db.transaction(async (trx) => {
    const done = await repo.completeProfile(
      trx,
      a.id,
      {
        ethnicity: value.ethnicity,
        sex: extras.includes('sexAndBirth') ? value.sex : (a.sex ?? derived.sex ?? null),
        birth_date: extras.includes('sexAndBirth')
          ? value.birthDate
          : (a.birth_date ?? derived.birthDate ?? null),
        ...(localId ? { local_id_number: localId } : {}),
        ...(passNumber ? { pass_number: passNumber } : {}),
      },
      services.clock.now(),
    )
    if (done)
      await services.audit.record(trx, actor, {
        action: 'applicant.complete_profile',
        targetType: 'applicant',
        targetId: a.id,
        detail: { fields: ['ethnicity', ...extras] },
      })
    return done
  })
  return { kind: 'done', completed }
}
