import Joi from 'joi'

export const passwordChangeSchema = Joi.object({
  currentPassword: Joi.string().max(200).required().label('当前密码'),
  password: Joi.string().max(64).required().label('新密码'),
  passwordConfirm: Joi.string().max(64).required().label('确认密码'),
})
