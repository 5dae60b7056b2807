import type { Request, Response } from 'express'
import { flash } from '../../web/formValidation'
import { EDUCATION_CATEGORY_LABELS, educationFieldLabels, MESSAGES, STATUS_LABELS } from './messages'
import type { InfoItemRow, ItemKind, Person } from './repository'
import { returnLabel, returnPath, withReturn, type ReturnKey } from './returns'

// What the 个人信息中心's pages and the 信息核验 queue share: where each kind of item lives, the
// signed-in applicant as the module's Person, an item's rows as the pages show them, its status tag,
// and the way back after an item was added from elsewhere (returns.ts).

export const VIEWS = 'pages/info'

export const PATHS: Record<ItemKind, string> = {
  mandarin: 'mandarin',
  education: 'education',
  degree: 'degrees',
}
export const TITLES: Record<ItemKind, string> = {
  mandarin: '普通话证书信息',
  education: '学历学籍信息',
  degree: '学位证书信息',
}

export const person = (req: Request): Person => {
  const a = req.applicant!
  return { id: Number(a.id), name: a.name, doc_number: a.doc_number }
}
export const body = (req: Request): Record<string, unknown> => req.body ?? {}

/** Template locals of an add page opened with a return key (see returns.ts): where 返回 and the form lead. */
export const returnLocals = (key: ReturnKey | undefined, base: string) => ({
  returnKey: key,
  returnLabel: key ? returnLabel(key) : '',
  /** For links and form actions: '?return=<key>' or '&return=<key>' (after another parameter), or ''. */
  returnQuery: withReturn('', key),
  returnAnd: withReturn('', key).replace('?', '&'),
  backHref: key ? returnPath(key) : base,
})

export type Added = { kind: ItemKind; id: number }

/** After an item was added: back where the add began (naming the item), or to the list. */
export function afterAdd(
  req: Request,
  res: Response,
  key: ReturnKey | undefined,
  base: string,
  added: Added,
) {
  if (key) flash(req, 'info', MESSAGES.returned)
  res.redirect(303, key ? returnPath(key, added) : base)
}

type Row = [label: string, value: string]

/** What the detail page and the staff screen show of an item, label by label. */
export function itemRows(item: Pick<InfoItemRow, 'kind' | 'category' | 'cert_number' | 'details'>): Row[] {
  const d = item.details
  if (item.kind === 'mandarin')
    return [
      ['证书编号', item.cert_number],
      ['分数', d.score],
      ['等级', d.grade],
      ['发证单位', d.issuer],
      ['发证日期', d.issuedOn],
    ]
  if (item.kind === 'education')
    return [
      ['学历类型', EDUCATION_CATEGORY_LABELS[item.category as keyof typeof EDUCATION_CATEGORY_LABELS] ?? ''],
      [certLabel(item.category), item.cert_number],
      ['毕业学校', d.school],
      ['所学专业', d.major],
      ['学历层次', d.level],
      ['毕业日期', d.graduatedOn],
    ]
  return [
    ['学位名称', d.degreeName],
    ['学位证书编号', item.cert_number],
    ['学位授予单位', d.school],
    ['所学专业', d.major],
    ['授予日期', d.awardedOn],
  ]
}

export const certLabel = (category: string | null) => educationFieldLabels(category).certNumber

export const statusTag = (status: string) => ({
  text: STATUS_LABELS[status as keyof typeof STATUS_LABELS] ?? status,
  tone: status === 'verified' ? 'green' : status === 'rejected' ? 'red' : 'amber',
})
