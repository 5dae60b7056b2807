import { Router, type Request } from 'express'
import type { Services } from '../../services'
import { requireStaff } from '../../middleware/auth'
import { type DocNumberViewer } from '../../domain/idNumber'
import { rolesFor } from '../../domain/roles'
import { handler } from '../../web/async'
import { takeForm } from '../../web/formValidation'
import { EDUCATION_CATEGORY_LABELS, KIND_LABELS, MESSAGES } from './messages'
import { findQueueItem, QUEUE_PAGE_SIZE, searchQueue, type QueueScope } from './reviewRepository'
import { checkDecision, checkQueueQuery } from './schemas'
import { decideInfoItem, verifierScope } from './service'
import { recordStaffView } from '../privacy/recordViews'

import { itemRows, statusTag, VIEWS } from './pages'
import { idOf } from '../../web/values'
import { addDecisionRoute, queuePages } from '../../web/reviewQueue'

// 信息核验 (/staff/info-reviews): confirmation-point staff and administrators check hand-entered
// items of the applicants in their scope (service.verifierScope).

const QUEUE = '/staff/info-reviews'
const DECISION_FORM = 'infoDecision'

export function infoReviewRoutes(services: Services): Router {
  const router = Router()
  const { db } = services

  const verifierOnly = requireStaff(...rolesFor('info.verify'))
  // verifierOnly has let in only holders of the permission, who always have a scope.
  const scopeOf = (req: Request): QueueScope => verifierScope(req.staff!) ?? { pointIds: [] }

  router.get(
    QUEUE,
    verifierOnly,
    handler(async (req, res) => {
      const { value: filter } = checkQueueQuery(req.query)
      const { rows, total } = await searchQueue(db, filter, filter.page, scopeOf(req))
      res.render(`${VIEWS}/staff-queue.njk`, {
        filter,
        // every row is in the verifier's scope (searchQueue)
        docViewer: 'scopedStaff' satisfies DocNumberViewer,
        rows: rows.map((r) => ({
          ...r,
          kindText: KIND_LABELS[r.kind],
          categoryText: r.kind === 'education' ? EDUCATION_CATEGORY_LABELS[r.category as 'hmt'] : '',
          status: statusTag(r.status),
        })),
        ...queuePages(QUEUE, {
          page: filter.page,
          total,
          pageSize: QUEUE_PAGE_SIZE,
          filter: { kind: filter.kind, status: filter.status },
        }),
        kindOptions: [
          { value: 'all', text: '全部' },
          ...Object.entries(KIND_LABELS).map(([value, text]) => ({ value, text })),
        ],
        statusOptions: [
          { value: 'pending', text: '待核验' },
          { value: 'verified', text: '核验通过' },
          { value: 'rejected', text: '核验不通过' },
          { value: 'all', text: '全部' },
        ],
      })
    }),
  )

  router.get(
    `${QUEUE}/:id`,
    verifierOnly,
    handler(async (req, res, next) => {
      const id = idOf(req.params.id)
      const item = id === null ? undefined : await findQueueItem(db, id, scopeOf(req))
      if (!item) return next()
      await recordStaffView(services, req, { applicantId: item.applicant_id, what: 'info_item' })
      res.render(`${VIEWS}/staff-item.njk`, {
        ...takeForm(req, DECISION_FORM),
        docViewer: 'scopedStaff' satisfies DocNumberViewer,
        item: {
          ...item,
          kindText: KIND_LABELS[item.kind],
          status: statusTag(item.status),
        },
        rows: itemRows(item),
        decisionOptions: [
          { value: 'pass', text: '核验通过' },
          { value: 'fail', text: '核验不通过' },
        ],
      })
    }),
  )

  addDecisionRoute(router, {
    base: QUEUE,
    guard: verifierOnly,
    formKey: DECISION_FORM,
    // Another point's applicant is not found, as on the detail page.
    inScope: async (req, id) => !!(await findQueueItem(db, id, scopeOf(req))),
    check: checkDecision,
    decide: (reviewer, id, value) => decideInfoItem(services, reviewer, id, value),
    decided: MESSAGES.decided,
  })

  return router
}
