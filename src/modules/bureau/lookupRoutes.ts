import { Router, type Request } from 'express'
import type { Services } from '../../services'
import { shanghaiDateTime } from '../../domain/time'
import { BUSINESSES, isWindowOpen } from '../../domain/windows'
import { handler } from '../../web/async'
import { trimmed } from '../../web/values'
import * as repo from './repository'
import * as pointRepo from './pointRepository'
import { authoritiesFor, pointsFor, windowFor } from './service'
import { LOOKUPS, m, type LookupConfig } from './messages'
import { pointView } from './pages'

// The public look-ups of both businesses (no login): 网报时间查询 and 确认点查询.

export function bureauLookupRoutes(services: Services): Router {
  const { db, clock } = services
  const router = Router()

  async function scheduleView(cfg: LookupConfig, query: Request['query']) {
    const kindParam = cfg.business === 'registration' ? 'stage' : 'type'
    const provinces = await repo.regionOptions(db, null)
    const province = provinces.some((p) => p.value === trimmed(query.province)) ? trimmed(query.province) : ''
    const cities = province ? await repo.regionOptions(db, province) : []
    const city = cities.some((c) => c.value === trimmed(query.city)) ? trimmed(query.city) : ''
    const kinds = await repo.codeOptions(db, cfg.refKind)
    const kind = kinds.some((k) => k.value === trimmed(query[kindParam])) ? trimmed(query[kindParam]) : ''
    const authorities =
      city && kind
        ? await authoritiesFor(db, {
            business: cfg.business,
            cityCode: city,
            ...(cfg.business === 'registration' ? { stage: kind } : { qualificationType: kind }),
          })
        : []
    let authority = authorities.find((a) => String(a.id) === trimmed(query.authority))
    // A sole authority is preselected.
    if (!authority && authorities.length === 1) authority = authorities[0]
    const now = clock.now()
    let result
    if (authority) {
      const window = await windowFor(db, authority.id, cfg.business, now)
      const open = isWindowOpen(window, now)
      const search = trimmed(query.q).slice(0, 50)
      const offered = window ? await pointsFor(db, authority.id, { at: now }) : []
      const points = search
        ? await pointRepo.offeredPoints(db, { authorityId: authority.id, at: now, search })
        : offered
      const point = offered.find((p) => String(p.id) === trimmed(query.point))
      const messages = !window
        ? [m.NO_PLAN]
        : [...(open ? [] : [m.CLOSED]), ...(offered.length ? [] : [m.NO_POINT])]
      const apply =
        cfg.applyUrl && open && offered.length
          ? `${cfg.applyUrl}?${new URLSearchParams({
              province,
              city,
              [kindParam]: kind,
              authority: String(authority.id),
              ...(point ? { point: String(point.id) } : {}),
            })}`
          : null
      result = {
        authority,
        window: window && { start: shanghaiDateTime(window.start), end: shanghaiDateTime(window.end) },
        open,
        messages,
        points: points.map(pointView),
        pointOptions: offered.map((p) => ({ value: String(p.id), text: p.name })),
        point,
        search,
        apply,
      }
    }
    return {
      cfg,
      kindParam,
      provinces,
      cities,
      kinds,
      authorityOptions: authorities.map((a) => ({ value: String(a.id), text: a.name })),
      chosen: { province, city, kind, authority: authority ? String(authority.id) : '' },
      searched: !!(city && kind),
      result,
    }
  }

  for (const business of BUSINESSES) {
    const cfg = LOOKUPS[business]
    router.get(
      `${cfg.base}/schedule`,
      handler(async (req, res) => {
        res.render('pages/bureau/schedule.njk', await scheduleView(cfg, req.query))
      }),
    )
    // The home page's first links pointed here.
    router.get(`${cfg.base}/windows`, (_req, res) => res.redirect(301, `${cfg.base}/schedule`))
    router.get(
      `${cfg.base}/points`,
      handler(async (req, res) => {
        const search = trimmed(req.query.q).slice(0, 50)
        const all = req.query.all === '1'
        const rows =
          search || all
            ? await pointRepo.offeredPoints(db, {
                business,
                at: clock.now(),
                search: all ? undefined : search,
              })
            : null
        res.render('pages/bureau/points.njk', {
          cfg,
          search: all ? '' : search,
          all,
          rows: rows?.map(pointView) ?? null,
        })
      }),
    )
  }

  return router
}
