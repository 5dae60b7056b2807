import { normaliseDocNumber } from '../../domain/idNumber'
import Joi from 'joi'

const password = Joi.string().max(200).required().label('密码')
const captcha = (enabled: boolean) =>
  enabled ? Joi.string().trim().max(20).required().label('验证码') : Joi.any().strip()

export const applicantLogin = (captchaEnabled: boolean) =>
  Joi.object({
    docNumber: Joi.string().trim().max(40).required().label('账号（证件号码）'),
    password,
    captcha: captcha(captchaEnabled),
  })

export const staffLogin = (captchaEnabled: boolean) =>
  Joi.object({
    username: Joi.string().trim().max(60).required().label('用户名'),
    password,
    captcha: captcha(captchaEnabled),
  })

/** The account is the document number as registration stored it, whichever way it is typed. */
export const normaliseLoginNumber = (raw: string): string => normaliseDocNumber('id_card', raw)
