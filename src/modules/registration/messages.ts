// Every sentence the registration code shows (titles, errors, refusals, the texts an administrator may
// replace), in the manuals' own words where they have them (manual 001 §3.1.2, seed 004); a page's
// fixed prose is written once, in its template (views/pages/registration). 注意事项 and 申报提醒 may be replaced by the administrator
// (settings keys registration_notices / registration_reminder, one paragraph per line).

export const WIZARD_TITLE = '中小学教师资格定期注册'

/** The platform's name of the business (manual 000 §2.2.3 and manual 001 §2.3). */
export const BUSINESS_NAME = '中小学在职教师定期注册'

/** 须知 (manual 001 §3.1.1): its title and text, verbatim; the administrator may replace the text. */
export const MUST_READ_TITLE = '教师资格定期注册申请人必读'
export const MUST_READ_DEFAULT = [
  '根据《中华人民共和国教师法》《教师资格条例》《〈教师资格条例〉实施办法》和《教育部关于印发〈中小学教师资格考试暂行办法〉〈中小学教师资格定期注册暂行办法〉的通知》等规定，国家对入职后的中小学教师的从教资格进行定期核查。',
  '一、注册范围',
  '公办普通中小学、中等职业学校和幼儿园在编在岗教师须进行注册，部分省份将依法举办的民办普通中小学、中等职业学校和幼儿园教师纳入注册范围。具体请参见本地区省级教育行政部门的规定和定期注册机构的公告或通知。',
  '二、注册条件',
  '1. 满足下列条件的，首次注册合格：',
  '(1) 具有与任教岗位相应的教师资格；',
  '(2) 聘用为中小学在编在岗教师；',
  '(3) 省级教育行政部门规定的其他条件。',
  '对于首次任教人员须试用期满且考核合格。',
  '2. 满足下列条件的，定期注册合格：',
  '(1) 遵守国家法律法规和《中小学教师职业道德规范》，达到省级教育行政部门规定的师德考核评价标准，有良好的师德表现；',
  '(2) 每年年度考核合格以上等次；',
  '(3) 每个注册有效期内完成不少于国家规定的360个培训学时或省级教育行政部门规定的等量学分；',
  '(4) 身心健康，胜任教育教学工作；',
  '(5) 省级教育行政部门规定的其他条件。',
  '三、注册材料',
  '(1) 《教师资格定期注册申请表》一式2份；',
  '(2) 《教师资格证书》；',
  '(3) 中小学或主管部门聘用合同。',
]

/** 确认未通过's checklist by default: the 注册材料 the 须知 told the applicant to bring (manual 001 §3.1.1). */
export const MATERIALS_DEFAULT = [
  '《教师资格定期注册申请表》一式2份',
  '《教师资格证书》',
  '中小学或主管部门聘用合同',
]

export const NOTICE = '请注意，所有步骤均完成，且生成报名号之后方为报名成功！'

export const STEP_BAR_LABELS = [
  '网上申报协议',
  '填写注册信息',
  '选择注册机构',
  '确认申报信息',
  '注意事项',
  '提交注册申请',
  '申报提醒',
] as const

/** The seven clauses of 教师资格定期注册网上申报协议 (manual 001 步骤一). */
export const AGREEMENT_CLAUSES = [
  '1.本申报系统的所有权归中国教师资格网所有，不得修改或他用，违者追责。',
  '2.申请人已经认真阅读并知晓教师资格定期注册模块下“须知”的相关内容。',
  '3.申请人必须在规定的时间内，登录本申报系统执行相关操作。因个人原因导致的申报异常，由申请人承担所有责任。',
  '4.申请人理解并同意由于不可抗力所引起的无法正常申报的情况，本申报系统不承担任何直接或间接责任。',
  '5.申请人须保证提交的个人信息真实、准确，申请人将承担由于信息不真实、不准确、隐瞒、伪造和个人疏漏所导致的一切后果。',
  '6.申请人同意本申报系统对个人申报信息进行在线核验。核验信息包括但不限于申请人拥有的教师资格信息、遵守师德规范信息、年度考核信息和继续教育培训学时信息等。',
  '7.本申报系统尊重并保护申请人网上申报留存的个人隐私信息。未经本人同意，本申报系统不会主动公开、编辑、披露或透露任何个人隐私信息，但根据法律法规规定必须披露的或司法部门或其他法律授权的机关依照法定程序要求提供的除外。',
]
export const AGREE_REQUIRED = '请勾选“已阅读并完全同意”'

export const CERTIFICATE_REQUIRED = '请选择本次注册的教师资格证'

/** 教师资格证添加说明 (manual 001). */
export const ADD_EXPLANATION = [
  '2008年以后（广西2012年及以后）获得的教师资格证书，系统可以同步到证书信息，不允许添加证书。',
  '2008年以前核发的教师资格证书但已经参加过首次注册的证书，系统可以同步到首次注册信息，不允许添加证书。',
  '如果未能同步到证书或首次注册信息，请自行排查原因：',
]
export const ADD_CHECKS = [
  '注册信息（身份证号码、姓名）与教师资格证书信息是否完全一致？证书信息有误或者证书号码不是15位或17位，联系原发证机构进行证书信息的变更和证书号码规范后再进行定期注册。',
  '证书关联的是一代身份证号码的，先联系原发证机构将该证书对应的身份证号码变更为二代身份证号码，然后再进行定期注册。',
  '需要变更证书信息的，如果进行过首次注册，还需要联系首次注册的注册机构变更首次注册的信息。',
]
export const ADD_FIRST_REGISTRATION = '首次注册2008年之前的证书，请添加证书信息。'
/** Manual 001's sentence, its 左侧 made 下方 (this page is one column: the photo is below the fields). */
export const ADD_PHOTO_HINT =
  '补全下方教师资格证书信息并上传证书照片（图片大小小于190KB，格式为JPG），供后台人工核验。'
export const ADD_HOLDER_HINT =
  '持证人和身份证件号码即您的注册信息（姓名、证件号码），不能修改；证书上的持证人与此不一致的，请联系原发证机构进行证书信息的变更后再进行定期注册。'
export const ADD_BRING_ORIGINAL = '请携带证书原件进行现场确认。'

export const ADD_REFUSALS = {
  too_recent:
    '2008年及以后（广西2012年及以后）获得的教师资格证书，系统可以同步到证书信息，不允许添加证书。如未能同步到证书，请联系原发证机构。',
  bad_number: '证书号码不是15位或17位，请联系原发证机构进行证书信息的变更和证书号码规范后再进行定期注册。',
  in_registry: '该证书已在教师资格证书库中，系统可以同步到证书信息，不允许添加证书。',
  duplicate: '您已添加过该证书。',
} as const

export const SCHOOL_NOT_FOUND =
  '未查到您的毕业学校，可点击【新增学校】按钮，填写学校名称和办学类型后点击【新增确认】。'
export const SCHOOL_REQUIRED = '请选择毕业学校'
export const POST_NATURE_MISMATCH =
  '岗位性质须与任教学校性质一致：公办学校公办教师选择在编在岗，公办学校临聘教师选择事业单位岗位聘用，民办教师选择在岗（民办学校）。'
export const MAJOR_NONE_ONLY = '最高学历为高中毕业及以下的，所学专业请选择“无”。'
export const DATE_ORDER = {
  employedBeforeWork: '本单位聘用起始日期不能早于开始参加工作时间',
  future: '日期不能晚于今天',
}

/** 注册条件 (须知 二、2 and 协议 6), asked as explicit yes/no answers. */
export const CONDITIONS = [
  {
    name: 'ethics',
    label:
      '本人遵守国家法律法规和《中小学教师职业道德规范》，达到省级教育行政部门规定的师德考核评价标准，有良好的师德表现',
  },
  { name: 'appraisals', label: '本人在本注册有效期内每年年度考核合格以上等次' },
  {
    name: 'training',
    label: '本人在本注册有效期内完成不少于国家规定的360个培训学时或省级教育行政部门规定的等量学分',
  },
  { name: 'health', label: '本人身心健康，胜任教育教学工作' },
] as const

/** Why a 否 cannot go on (REFERENCE.md: 暂缓注册 / 注册不合格). */
export const CONDITION_REFUSALS: Record<string, string> = {
  ethics: '师德考核不合格的，定期注册不合格。本次不能申报定期注册，如有疑问请联系所在学校或注册机构。',
  appraisals:
    '注册有效期内年度考核不合格的，暂缓注册（连续两年年度考核不合格的，定期注册不合格）。请达到条件后再申请定期注册。',
  training:
    '注册有效期内未完成360个培训学时（或省级教育行政部门规定的等量学分）的，暂缓注册。请补足培训学时后再申请定期注册。',
  health: '不能胜任教育教学工作的，暂缓注册。请达到条件后再申请定期注册。',
}
export const CONDITION_REQUIRED = '请选择“是”或“否”'

/**
 * Manual 000 §3.2 (6)'s warning as it reads for this wizard's one image (manual 001 §3.2.2 and
 * §3.2.4 ask the same check of the 个人照片 on 详情 and 申请表预览).
 */
export const PHOTO_CLARITY =
  '注意：个人照片上传后，请务必检查是否清晰完整，如不清晰不完整，请务必重新上传符合要求的个人照片，否则会影响教师资格定期注册申请表的生成与打印，影响后续注册审核工作。'

export const NO_AUTHORITY =
  '该地区暂无在网报时间内的注册机构。请确认所选省、市和现任教学段，或联系当地教育局。'
export const NO_POINT = '该机构未设置确认点，请联系所选的教育局。'
export const WINDOW_CLOSED = '当前时间不在该机构的网报时间段内'

/**
 * Outside every registration window (manual 001 §1.1.1: 中小学教师定期注册业务于每年的下半年开展
 * （上半年将不开放入口）); the half is 系统设置's 定期注册默认开放时段, so the manual's words for 下半年.
 */
export const closedSeason = (half: string) =>
  `中小学教师定期注册业务于每年的${half}开展（${half === '下半年' ? '上半年' : '下半年'}将不开放入口）。`
export const SEASON_TITLE = '定期注册网上报名未开放'
export const nextWindow = (start: string, end: string) =>
  `最近一次网报时间：${start} 至 ${end}（各注册机构的网报时间以【网报时间查询】为准）。`
export const lastWindow = (start: string, end: string) => `上一次网报时间：${start} 至 ${end}，已结束。`
export const SEASON_WHAT_TO_DO =
  '网报时间内请从业务平台点击【报名】办理。报名前可先阅读【须知】，按“注册材料”准备齐全，并通过【网报时间查询】查询所在地注册机构的网报时间和确认点。'
export const STAGE_CERT_MISMATCH =
  '所选证书的资格种类不能用于该现任教学段的定期注册，请选择与现任教学段、科目相一致的证书。'

export const NOTICES_DEFAULT = [
  '1.网上申报成功后，请在注册机构规定的时间内，按定期注册通知或公告要求携带各项材料到所选确认点进行现场确认。',
  '2.注册材料：《教师资格定期注册申请表》一式2份；《教师资格证书》；中小学或主管部门聘用合同。',
  '3.只有注册结论为“网报待确认”时，才可以修改定期注册报名信息。',
  '4.请及时登录系统查看定期注册进度以及留言内容，以免错过系统提示信息导致定期注册不合格。定期注册的最终结论以教育局公示结果为准。',
]

export const COMMITMENT_TEXT =
  '本人所填写信息及提交的注册材料真实可靠。若存在弄虚作假行为，本人将承担一切法律后果。'
export const COMMITMENT_HINT =
  '选择不同意，点击【提交】按钮后，视为放弃本次报名并返回业务平台；选择同意，点击【提交】按钮完成报名。'
export const COMMITMENT_REQUIRED = '请选择“同意”或“不同意”'
export const COMMITMENT_ABANDONED =
  '您在个人承诺中选择了“不同意”，视为放弃本次定期注册报名：没有生成注册报名号，已填写的报名内容没有保存。如需报名，请在网报时间内重新点击【报名】。'

export const REMINDER_DEFAULT = [
  '网上报名已成功。请牢记您的注册报名号，并在规定时间内携带注册材料到所选确认点进行现场确认。',
  '申请人完成申请流程后，须下载保存本人的《教师资格定期注册申请表》（一式两份）。',
]
export const DOWNLOAD_ENDS = '注册结束后，《教师资格定期注册申请表》将不能在系统下载。'
/** The 申报提醒 and the record say until when (the authority's 申请表下载截止). */
export const downloadUntil = (lastDay: string) => {
  const [y, mo, d] = lastDay.split('-').map(Number)
  return `申请表下载截止日期：${y}年${mo}月${d}日。${DOWNLOAD_ENDS}`
}

/** 报名 again in a cycle that already has an application: why its record opens instead. */
export const alreadyApplied = (number: string, year: number, status: string) =>
  `您在${year}年度已有一份定期注册申请（注册报名号：${number}，注册结论：${status}），同一批次只能申报一次，因此为您打开这份报名记录。如需修改报名信息，请在“网报待确认”状态下点击【修改】。`

export const SUBMIT_REFUSALS = {
  activeExists: '您在本批次已有定期注册申请，不能重复申报。',
  tooSoon: (next: string) => `距上次定期注册合格未满54个月，${next}以后方可再次申请定期注册。`,
  certInUse: '该教师资格证书在本批次已有定期注册申请。',
  photoMissing: '证件照已失效，请重新上传照片。',
  pointGone: '所选确认点已不可用，请重新选择。',
}

/** 添加证书: a 任教学科 not in the list (a hand-made request). */
export const ADD_SUBJECT_UNKNOWN = '请从列表中选择任教学科'
