import Joi from 'joi'
import {
  AGREE_REQUIRED,
  CERTIFICATE_REQUIRED,
  CONDITION_REQUIRED,
  CONDITIONS,
  SCHOOL_REQUIRED,
} from './messages'

// One joi schema per page. Option fields are checked against their lists in steps.ts (the lists
// live in ref_codes and may change without a deploy).

const code = (label: string) =>
  Joi.string()
    .trim()
    .max(40)
    .required()
    .label(label)
    .messages({ 'string.empty': `请选择${label}`, 'any.required': `请选择${label}` })
const text = (label: string, max = 100) => Joi.string().trim().max(max).required().label(label)
const isoDate = (label: string) =>
  Joi.string()
    .trim()
    .pattern(/^\d{4}-\d{2}-\d{2}$/)
    .required()
    .label(label)
    .messages({ 'string.pattern.base': `${label}应为“年-月-日”格式，例如2024-09-01` })

export const agreementSchema = Joi.object({
  agree: Joi.string()
    .valid('yes')
    .required()
    .messages({ 'any.required': AGREE_REQUIRED, 'any.only': AGREE_REQUIRED }),
})

export const certificateSchema = Joi.object({
  certNumber: Joi.string()
    .trim()
    .required()
    .messages({ 'any.required': CERTIFICATE_REQUIRED, 'string.empty': CERTIFICATE_REQUIRED }),
})

export const informationSchema = Joi.object({
  mandarin: code('普通话证书信息'),
  education: code('最高学历信息'),
  majorCategory: code('最高学历专业类别'),
  major: code('所学专业'),
  degree: code('最高学位信息'),
  graduatedOn: isoDate('毕业时间'),
  graduationSchool: text('毕业学校').messages({
    'any.required': SCHOOL_REQUIRED,
    'string.empty': SCHOOL_REQUIRED,
  }),
  graduationSchoolType: Joi.string().trim().max(40).allow(''),
  graduationSchoolNew: Joi.string().valid('yes').allow(''),
  studyForm: code('学习形式'),
  currentSchool: text('现任教学校'),
  schoolLocation: code('任教学校所在地'),
  schoolNature: code('任教学校性质'),
  title: code('教师职务'),
  workStartedOn: isoDate('开始参加工作时间'),
  household: text('户籍所在地'),
  employedFrom: isoDate('本单位聘用起始日期'),
  political: code('政治面貌'),
  postNature: code('岗位性质'),
  address: text('通讯地址', 200),
  postcode: Joi.string()
    .trim()
    .pattern(/^\d{6}$/)
    .required()
    .label('通讯邮编')
    .messages({ 'string.pattern.base': '通讯邮编应为6位数字' }),
})

export const conditionsSchema = Joi.object(
  Object.fromEntries(
    CONDITIONS.map((c) => [
      c.name,
      Joi.string()
        .valid('yes', 'no')
        .required()
        .messages({ 'any.required': CONDITION_REQUIRED, 'any.only': CONDITION_REQUIRED }),
    ]),
  ),
)

export const photoSchema = Joi.object({ photoFileId: Joi.string().allow('') })

export const authoritySchema = Joi.object({
  provinceCode: code('省'),
  cityCode: code('市'),
  stage: code('现任教学段'),
  subject: code('现任教学科'),
  authorityId: Joi.number().integer().positive().required().label('注册机构').messages({
    'any.required': '请选择注册机构',
    'number.base': '请选择注册机构',
  }),
  pointId: Joi.number().integer().positive().required().label('确认点').messages({
    'any.required': '请选择确认点',
    'number.base': '请选择确认点',
  }),
})

/** 添加教师资格证书信息 */
export const addCertificateSchema = Joi.object({
  certNumber: Joi.string().trim().required().label('证书号码'),
  issuedOn: isoDate('证书签发日期'),
  provinceCode: code('所属省份'),
  cityCode: code('所属市'),
  qualificationType: code('资格种类'),
  subject: code('任教学科'),
  authority: text('认定机构', 100),
})
