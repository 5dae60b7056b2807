import { Router, type Response } from 'express'
import type { Services } from '../../services'
import { requireStaff } from '../../middleware/auth'
import { rolesFor } from '../../domain/roles'
import { shanghaiDateTime } from '../../domain/time'
import {
  DEFAULT_QUALIFICATION_TYPES,
  isWindowOpen,
  LEVEL_LABELS,
  LEVEL_OF_REGION,
} from '../../domain/windows'
import { handler } from '../../web/async'
import { takeForm, validate } from '../../web/formValidation'
import * as repo from './repository'
import * as pointRepo from './pointRepository'
import { saveAuthority } from './service'
import { authoritySchema, checkPhone, type AuthorityForm } from './schemas'
import { BUSINESS_LABELS, m } from './messages'
import { addAdminForm, idParam, inOrder, pointView } from './pages'

// The administrator's 机构设置: the list of authorities and an authority's form (新增 / 编辑), whose
// edit page also lists the authority's points and windows.

export const ADMIN = '/staff/admin/authorities'

const AUTHORITY_ORDER = [
  'name',
  'regionCode',
  'address',
  'phone',
  'registers',
  'stages',
  'certifies',
  'qualificationTypes',
  'postsCertificates',
  'certificateBureauCode',
  'reminder',
  'formDownloadEnd',
]

const authorityDefaults = (a?: repo.AuthorityRow): Record<string, unknown> =>
  a
    ? {
        name: a.name,
        regionCode: a.region_code,
        address: a.address ?? '',
        phone: a.phone ?? '',
        registers: a.registers ? 'yes' : '',
        stages: a.stages,
        certifies: a.certifies ? 'yes' : '',
        qualificationTypes: a.qualification_types,
        postsCertificates: a.posts_certificates ? 'yes' : '',
        certificateBureauCode: a.certificate_bureau_code ?? '',
        reminder: a.reminder ?? '',
        formDownloadEnd: a.form_download_end ?? '',
        enabled: a.enabled ? 'yes' : '',
      }
    : { enabled: 'yes', stages: [], qualificationTypes: [] }

export function authorityAdminRoutes(services: Services): Router {
  const { db, clock } = services
  const deps = { db, audit: services.audit, clock, perMinute: services.perMinute }
  const router = Router()
  const guard = requireStaff(...rolesFor('bureau.manage'))
  const render = (res: Response, data: Record<string, unknown>) =>
    res.render('pages/bureau/authority-form.njk', data)
  const options = async () => ({
    stageOptions: await repo.codeOptions(db, 'teaching_stage'),
    typeOptions: await repo.codeOptions(db, 'qualification_type'),
  })

  router.get(
    ADMIN,
    guard,
    handler(async (_req, res) => {
      const rows = await repo.listAuthorities(db)
      const { stageOptions, typeOptions } = await options()
      const names = (codes: string[], opts: { value: string; text: string }[]) =>
        opts
          .filter((o) => codes.includes(o.value))
          .map((o) => o.text)
          .join('、')
      res.render('pages/bureau/authority-list.njk', {
        rows: rows.map((r) => ({
          ...r,
          levelText: LEVEL_LABELS[r.level],
          registerText: r.registers ? names(r.stages, stageOptions) : '',
          certifyText: r.certifies ? names(r.qualification_types, typeOptions) : '',
        })),
      })
    }),
  )

  async function checkAuthority(body: unknown) {
    const { value, errors } = validate<AuthorityForm>(authoritySchema, body)
    const { stageOptions, typeOptions } = await options()
    const region = errors.regionCode ? undefined : await repo.regionByCode(db, value.regionCode)
    if (!errors.regionCode && (!region || !LEVEL_OF_REGION[region.level]))
      errors.regionCode = m.REGION_UNKNOWN
    checkPhone(value.phone, 'phone', errors)
    const stages = value.stages.filter((s) => stageOptions.some((o) => o.value === s))
    let types = value.qualificationTypes.filter((t) => typeOptions.some((o) => o.value === t))
    const level = region ? LEVEL_OF_REGION[region.level] : undefined
    if (!value.registers && !value.certifies) errors.registers = m.BUSINESS_REQUIRED
    if (value.registers && !stages.length) errors.stages = m.STAGES_REQUIRED
    // Nothing ticked: the usual division of work for the authority's level (REFERENCE.md).
    if (value.certifies && !types.length && level) types = DEFAULT_QUALIFICATION_TYPES[level]
    if (value.certifies && !types.length && !errors.regionCode) errors.qualificationTypes = m.TYPES_REQUIRED
    const fields: repo.AuthorityFields | undefined =
      region && level
        ? {
            name: value.name,
            region_code: region.code.trim(),
            level,
            address: value.address || null,
            phone: value.phone || null,
            registers: !!value.registers,
            stages: value.registers ? stages : [],
            certifies: !!value.certifies,
            qualification_types: value.certifies ? types : [],
            posts_certificates: !!value.postsCertificates,
            certificate_bureau_code: value.certifies ? value.certificateBureauCode || null : null,
            reminder: value.reminder || null,
            form_download_end: value.formDownloadEnd || null,
            enabled: !!value.enabled,
          }
        : undefined
    return { errors: inOrder(errors, AUTHORITY_ORDER), fields }
  }

  // create: no parent (an empty context); edit: the authority.
  addAdminForm<{ authority?: repo.AuthorityRow }, repo.AuthorityFields>(router, guard, {
    paths: { create: `${ADMIN}/new`, edit: `${ADMIN}/:id` },
    async load(req, mode) {
      if (mode === 'create') return {}
      const id = idParam(req.params.id)
      const authority = id === null ? undefined : await repo.authorityById(db, id)
      return authority && { authority }
    },
    formKey: ({ authority }) => (authority ? `authority${authority.id}` : 'authorityNew'),
    async show(req, res, { authority }, _mode, formKey) {
      const form = takeForm(req, formKey, authorityDefaults(authority))
      if (!authority) return render(res, { mode: 'create', form, ...(await options()) })
      const windows = await repo.windowsOf(db, authority.id)
      const now = clock.now()
      render(res, {
        mode: 'edit',
        authority: { ...authority, levelText: LEVEL_LABELS[authority.level] },
        form,
        points: (await pointRepo.pointsOf(db, authority.id)).map(pointView),
        windows: windows.map((w) => ({
          ...w,
          businessText: BUSINESS_LABELS[w.business],
          startText: shanghaiDateTime(w.start),
          endText: shanghaiDateTime(w.end),
          state: isWindowOpen(w, now) ? '进行中' : w.start > now ? '未开始' : '已结束',
        })),
        ...(await options()),
      })
    },
    check: (req) => checkAuthority(req.body),
    save: (req, { authority }, _mode, fields) =>
      saveAuthority(deps, req.actor, authority?.id ?? null, fields),
    saved: ({ authority }, _mode, fields, id) =>
      authority
        ? {
            message: fields.enabled
              ? '机构信息已保存。'
              : '机构信息已保存；该机构已停用，申请人查询和报名时不再显示。',
            to: `${ADMIN}/${id}`,
          }
        : { message: `已新增机构“${fields.name}”。请为它设置确认点和网报时间。`, to: `${ADMIN}/${id}` },
  })

  return router
}
