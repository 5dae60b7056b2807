import type { TestApp } from '../helpers/app'
import { createStaff } from '../helpers/factories'
import { agent, type Agent } from '../helpers/http'
import { loginAs, staffLoginAs } from '../helpers/login'

// Request helpers for either business's records and staff pages (registrationRecordsSupport.ts and
// certificationRecordsSupport.ts make the applications).

export { postFrom } from './staffSupport'

export async function signedIn(t: TestApp, who: { doc_number: string; password: string }): Promise<Agent> {
  const a = agent(t.app)
  await loginAs(a, who)
  return a
}

/** A signed-in staff member holding `role` on one authority or point. */
export async function scopedStaff(
  t: TestApp,
  role: 'registration_approver' | 'certification_approver' | 'confirmation_clerk',
  scopeId: number,
): Promise<{ a: Agent; id: number }> {
  const s = await createStaff(t.db, [
    { role, scope_type: role === 'confirmation_clerk' ? 'point' : 'authority', scope_id: scopeId },
  ])
  const a = agent(t.app)
  await staffLoginAs(a, s)
  return { a, id: Number(s.id) }
}
