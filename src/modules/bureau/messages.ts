import type { Business } from '../../domain/windows'

// What the bureau pages say. The three look-up messages are the manuals' own (000 §3.1, 001 §3.1.1).
export const m = {
  NO_PLAN: '该机构未设置网报计划，请联系所选的教育局。',
  NO_POINT: '该机构未设置确认点，请联系所选的教育局。',
  CLOSED: '当前时间不在该机构的网报时间段内',
  AUTHORITY_NAME_TAKEN: '已有同名的机构，请换一个名称',
  BUREAU_CODE_TAKEN: '本省已有认定机构使用该证书编号机构代码，请换一个',
  POINT_NAME_TAKEN: '该机构已有同名的确认点，请换一个名称',
  NOT_FOUND: '该记录不存在或已被删除，请刷新后重试',
  WINDOW_OVERLAP: '与该机构同一业务已有的网报时间段重叠，请调整开始或结束时间',
  REGION_UNKNOWN: '没有这个行政区划代码，请填写6位县（区）、市或省级代码',
  DATETIME_FORMAT: '格式应为“年-月-日 时:分”，例如 2026-09-01 09:00',
  END_BEFORE_START: '网报结束时间应晚于开始时间',
  PERIOD_BOTH: '开始时间和结束时间应同时填写或同时留空',
  CONFIRM_END_BEFORE_START: '现场确认结束时间应晚于开始时间',
  STAGES_REQUIRED: '请选择注册的现任教学段',
  TYPES_REQUIRED: '请选择认定的资格种类',
  BUSINESS_REQUIRED: '请至少选择定期注册或教师资格认定中的一项',
} as const

/**
 * The window-closed page of both wizards: when the chosen authority's window was (or will be) and
 * what to do now. `window` is the one relevantWindow gives; times already formatted.
 */
export function windowClosedLines(window: { start: string; end: string; over: boolean } | undefined) {
  if (!window)
    return {
      when: m.NO_PLAN,
      todo: '请联系该机构了解网报安排，或重新选择其他机构。您已填写的其他内容已保存。',
    }
  return window.over
    ? {
        when: `该机构的网报时间为 ${window.start} 至 ${window.end}，已经结束，本次不能再向该机构报名。`,
        todo: '如有疑问，请联系该机构；如需向其他在网报时间内的机构报名，请重新选择。您已填写的其他内容已保存。',
      }
    : {
        when: `该机构的网报时间为 ${window.start} 至 ${window.end}，尚未开始。`,
        todo: `请在 ${window.start} 以后再继续办理，您已填写的内容已保存；也可重新选择其他在网报时间内的机构。`,
      }
}

export const BUSINESS_LABELS: Record<Business, string> = {
  registration: '定期注册',
  certification: '教师资格认定',
}

/** The public look-up pages, one generic implementation parametrised by business. */
export interface LookupConfig {
  business: Business
  base: string
  title: string
  pointsTitle: string
  kindLabel: string
  kindPlaceholder: string
  refKind: 'teaching_stage' | 'qualification_type'
  authorityLabel: string
  /** the wizard's entrance; the look-up's choices go along as query parameters */
  applyUrl?: string
  applyText: string
}

export const LOOKUPS: Record<Business, LookupConfig> = {
  registration: {
    business: 'registration',
    base: '/registration',
    title: '教师资格定期注册申请网报时间查询',
    pointsTitle: '定期注册确认点查询',
    kindLabel: '现任教学段',
    kindPlaceholder: '请选择任教学段',
    refKind: 'teaching_stage',
    authorityLabel: '注册机构',
    applyUrl: '/registration/start',
    applyText: '定期注册报名',
  },
  certification: {
    business: 'certification',
    base: '/certification',
    title: '教师资格认定网报时间查询',
    pointsTitle: '教师资格认定确认点查询',
    kindLabel: '资格种类',
    kindPlaceholder: '请选择资格种类',
    refKind: 'qualification_type',
    authorityLabel: '认定机构',
    applyUrl: '/certification/start',
    applyText: '报名',
  },
}
