import type { Services } from '../../../services'
import type { Values } from '../../../web/wizard/types'
import * as m from '../messages'

// 证书领取方式: 邮寄 only where the chosen authority posts certificates.

async function postsCertificates(s: Services, values: Values) {
  const authority = await s.bureau.authorityById(s.db, Number(values.authorityId))
  return !!authority?.posts_certificates
}

export async function collectionPage(s: Services, _req: unknown, values: Values) {
  return { postOffered: await postsCertificates(s, values), hint: m.COLLECTION_HINT }
}

export async function collectionErrors(s: Services, _req: unknown, value: Values, values: Values) {
  if (value.collection !== 'post') return null
  return (await postsCertificates(s, values)) ? null : { collection: m.POST_NOT_OFFERED }
}
