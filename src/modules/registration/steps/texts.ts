import type { Services } from '../../../services'
import * as m from '../messages'
import { settingLines } from '../repository'

// The steps that show the manual's texts: 网上申报协议, 注意事项 and 个人承诺.

export const agreementPage = () => ({ clauses: m.AGREEMENT_CLAUSES })

/** 注意事项: as the administrators set them, or the manual's. */
export async function noticesPage(s: Services) {
  return { notices: (await settingLines(s.db, 'registration_notices')) ?? m.NOTICES_DEFAULT }
}

export const commitmentPage = () => ({ text: m.COMMITMENT_TEXT, hint: m.COMMITMENT_HINT })
