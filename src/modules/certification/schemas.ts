import Joi from 'joi'
import { AGREE_REQUIRED, CONDITION_ERRORS as CE, RESUME_MAX_ROWS } from './messages'

// One joi schema per page. Choices among the applicant's own records (exam passes, info-centre
// items) and option lists are checked in steps.ts against the database.

const choice = (message: string) =>
  Joi.string().trim().max(60).required().messages({ 'any.required': message, 'string.empty': message })
const optional = Joi.string().trim().max(60).allow('')
const text = (label: string, max = 100) =>
  Joi.string()
    .trim()
    .max(max)
    .required()
    .label(label)
    .messages({ 'any.required': `请填写${label}`, 'string.empty': `请填写${label}` })
const digits = (label: string, pattern: RegExp, message: string) =>
  text(label).pattern(pattern).messages({ 'string.pattern.base': message })

export const agreementSchema = Joi.object({
  agree: Joi.string()
    .valid('yes')
    .required()
    .messages({ 'any.required': AGREE_REQUIRED, 'any.only': AGREE_REQUIRED }),
})

export const conditionsSchema = Joi.object({
  examRoute: Joi.string()
    .valid('national_exam', 'non_national')
    .required()
    .messages({ 'any.required': CE.examRoute, 'any.only': CE.examRoute }),
  examPass: optional,
  qualificationType: optional,
  subject: optional,
  mandarin: choice(CE.mandarin),
  freshGraduate: Joi.string()
    .valid('yes', 'no')
    .required()
    .messages({ 'any.required': CE.freshGraduate, 'any.only': CE.freshGraduate }),
  education: optional,
  degree: optional,
  studentStatus: optional,
})

export const authoritySchema = Joi.object({
  provinceCode: choice('请选择认定所在地（省）'),
  cityCode: choice('请选择认定所在地（市）'),
  authorityId: Joi.number()
    .integer()
    .positive()
    .required()
    .messages({ 'any.required': '请选择认定机构', 'number.base': '请选择认定机构' }),
  pointId: Joi.number()
    .integer()
    .positive()
    .required()
    .messages({ 'any.required': '请选择确认点', 'number.base': '请选择确认点' }),
})

const PHONE = /^1\d{10}$/
const POSTCODE = /^\d{6}$/

export const informationSchema = Joi.object({
  ethnicity: choice('请选择民族'),
  political: choice('请选择政治面貌'),
  majorCategory: choice('请选择专业类别'),
  studyForm: choice('请选择学习形式'),
  employer: text('工作单位'),
  occupation: text('现从事职业', 50),
  technicalTitle: text('专业技术职务', 50),
  household: text('户籍所在地'),
  birthplace: text('出生地'),
  address: text('通讯地址', 200),
  postcode: digits('邮编', POSTCODE, '邮编应为6位数字'),
  telephone: Joi.string()
    .trim()
    .max(20)
    .pattern(/^[0-9-]{7,20}$/)
    .allow('')
    .messages({ 'string.pattern.base': '联系电话只能包含数字和“-”，例如0771-5550000' }),
  mobile: digits('手机', PHONE, '手机号码应为以1开头的11位数字'),
  photoFileId: Joi.string().allow(''),
})

const cropValue = Joi.string().trim().max(40).allow('')

/** 个人承诺书: the scan and the dashed box chosen on it (src/web/crop.ts's posted names). */
export const commitmentScanSchema = Joi.object({
  commitmentFileId: cropValue,
  commitmentCropFileId: cropValue,
  cropFileId: cropValue,
  cropSourceId: cropValue,
  cropFirst: cropValue,
  cropLeft: cropValue,
  cropTop: cropValue,
  cropWidth: cropValue,
  cropHeight: cropValue,
})

export const collectionSchema = Joi.object({
  collection: Joi.string()
    .valid('on_site', 'post')
    .required()
    .messages({ 'any.required': '请选择证书领取方式', 'any.only': '请选择证书领取方式' }),
  recipient: Joi.when('collection', { is: 'post', then: text('收件人', 50), otherwise: Joi.any().strip() }),
  recipientPhone: Joi.when('collection', {
    is: 'post',
    then: digits('收件人手机', PHONE, '手机号码应为以1开头的11位数字'),
    otherwise: Joi.any().strip(),
  }),
  postAddress: Joi.when('collection', {
    is: 'post',
    then: text('邮寄地址', 200),
    otherwise: Joi.any().strip(),
  }),
  postPostcode: Joi.when('collection', {
    is: 'post',
    then: digits('邮编', POSTCODE, '邮编应为6位数字'),
    otherwise: Joi.any().strip(),
  }),
})

const column = Joi.array().items(Joi.string().allow('').max(100)).single().max(RESUME_MAX_ROWS).default([])

/** 个人简历: one repeated field per column (rowStart[], rowEnd[] ...); rows are checked in steps.ts. */
export const resumeSchema = Joi.object({
  rowStart: column,
  rowEnd: column,
  rowUnit: column,
  rowPost: column,
  rowReferee: column,
}).messages({ 'array.max': `个人简历最多${RESUME_MAX_ROWS}条` })
