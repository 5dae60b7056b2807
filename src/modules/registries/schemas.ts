import Joi from 'joi'
import { validate } from '../../web/formValidation'
import { MESSAGES } from './messages'
import type { ImportMode } from './repository'

// The import form: the file travels separately (multer); the mode is a radio with no default, so an
// administrator never replaces a whole registry by accident.
const importSchema = Joi.object<{ mode: ImportMode }>({
  mode: Joi.string().valid('upsert', 'replace').required().label('导入方式').messages({
    'any.required': MESSAGES.modeMissing,
    'any.only': MESSAGES.modeMissing,
    'string.empty': MESSAGES.modeMissing,
    'string.base': MESSAGES.modeMissing,
  }),
})

export const checkImportForm = (body: unknown) => validate(importSchema, body)
