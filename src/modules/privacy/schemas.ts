import Joi from 'joi'
import { MESSAGES } from './messages'

// The administrator's two forms: the agreement's text and the retention periods.

export const agreementSchema = Joi.object({
  body: Joi.string().trim().required().max(20_000).label('协议内容').messages({
    'any.required': MESSAGES.agreementEmpty,
    'string.empty': MESSAGES.agreementEmpty,
    'string.max': MESSAGES.agreementTooLong,
  }),
})

const whole = (min: number, max: number, outOfRange: string) =>
  Joi.number().integer().min(min).max(max).required().messages({
    'number.base': MESSAGES.numberNeeded,
    'number.integer': MESSAGES.numberNeeded,
    'any.required': MESSAGES.numberNeeded,
    'number.min': outOfRange,
    'number.max': outOfRange,
  })

export const retentionSchema = Joi.object({
  draftDays: whole(1, 365, MESSAGES.draftDaysRange),
  abandonedYears: whole(1, 30, MESSAGES.abandonedYearsRange),
  auditMonths: whole(6, 120, MESSAGES.auditMonthsRange),
  archiveYears: whole(1, 30, MESSAGES.archiveYearsRange),
})
