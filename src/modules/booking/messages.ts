// 现场确认预约's texts, in one place.

export const BUSINESS_LABELS = { registration: '定期注册', certification: '教师资格认定' } as const

export const ATTENDANCE_LABELS = { arrived: '已到', absent: '未到' } as const

export const m = {
  CHOOSE_SLOT: '请选择预约时段',
  NOT_PENDING: '只有“网报待确认”的报名可以预约、改约或取消现场确认时段。',
  NOT_OPEN: '该确认点未开通现场确认预约，请按确认点通知的时间前往。',
  WRONG_POINT: '请选择本报名所选确认点的预约时段。',
  SAME_SLOT: '您已预约该时段，无需重复预约。',
  ALREADY: '本报名已有预约，请刷新页面后查看或改约。',
  NONE_TO_CANCEL: '本报名没有有效的预约。',
  POINT_CHANGED: '已更换确认点，原确认点的预约自动取消',
  tooLate: (hours: number) =>
    hours > 0
      ? `该时段开始前${hours}小时起不能再预约、改约或取消，请选择更晚的时段或联系确认点。`
      : '该时段已开始，不能再预约、改约或取消，请选择更晚的时段或联系确认点。',
  tooLateToChange: (hours: number) =>
    hours > 0
      ? `已过改约截止时间（时段开始前${hours}小时），不能再改约或取消；如确有需要，请联系确认点调整。`
      : '预约的时段已开始，不能再改约或取消；如确有需要，请联系确认点调整。',
  full: (next: string[]) =>
    next.length
      ? `该时段已约满，请改选其他时段。最近还有名额的时段：${next.join('；')}。`
      : '该时段已约满，本确认点暂时没有其他还有名额的时段，请稍后再试或联系确认点。',
  booked: (label: string) => `已预约现场确认时段：${label}。请按时携带材料到确认点。`,
  changed: (label: string) => `已改约为：${label}。原时段的名额已释放。`,
  cancelled: '已取消预约，名额已释放。您可以重新预约其他时段。',
  // staff
  NOTE_REQUIRED: '请填写调整原因（将记入预约记录）',
  NOTE_TOO_LONG: '调整原因不能超过200个字符',
  MOVE_SAME: '请选择与原时段不同的时段',
  moveFull: (next: string[]) =>
    next.length
      ? `所选时段已约满。还有名额的时段：${next.join('；')}。`
      : '所选时段已约满，本确认点没有其他还有名额的时段。',
  MOVE_PAST: '所选时段已开始，请选择以后的时段',
  NOT_LIVE: '该预约已改约或取消，请刷新页面。',
  NOT_YET: '该时段尚未到，到当天才能标记已到或未到。',
  // bureau
  HOURS: '改约截止时间应为0到720之间的整数（小时）',
  PLACES: '每个时段的名额应为1到10000之间的整数',
  FROM: '请填写开始日期（年-月-日）',
  TO: '请填写结束日期（年-月-日），不早于开始日期',
  RANGE: '一次最多设置92天',
  PAST: '开始日期不能早于今天',
  NO_WORKING_DAY: '所选日期内没有工作日（周末和节假日设置中的“节假日”不开放）',
  placesBelowBooked: (booked: number) => `该时段已有${booked}人预约，名额不能少于${booked}`,
  SLOT_USED: '该时段有预约记录（含已改约、已取消的），不能删除；可以把名额改小（不少于当前已预约人数）。',
} as const
