import type { Request } from 'express'
import type { Services } from '../../../services'
import type { Values } from '../../../web/wizard/types'
import { ID_PHOTO, saveSlot, uploadOnPage } from '../../applications/wizardSteps'
import * as m from '../messages'

// 上传照片: the ID photo, previewed before it is saved.

export async function photoPage(s: Services, req: Request, values: Values, shown: Values) {
  return {
    clarity: m.PHOTO_CLARITY,
    multipart: true,
    upload: await uploadOnPage(s, req, ID_PHOTO, values, shown),
  }
}

export const savePhoto = (s: Services, req: Request, value: Values) => saveSlot(s, req, ID_PHOTO, value)
