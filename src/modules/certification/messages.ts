// Every sentence the certification code shows, in manual 000 §3's own words where it has them; a
// page's fixed prose is written once, in its template (views/pages/certification).
// 注意事项 and the 申报提醒 may be replaced by the administrator (settings keys
// certification_notices / certification_reminder, one paragraph per line).

export const WIZARD_TITLE = '教师资格认定'

/**
 * 须知: manual 000 §3.1 names it 教师资格认定申请人必读 and says what it asks (read it, download the
 * 个人承诺书); the text is manual 000 §3's, describing this wizard's own buttons. One account and
 * one entrance serve both businesses here, so the manual's remark about two entrances is not repeated.
 * The administrator may replace the text (the 个人承诺书 download stays above it).
 */
export const MUST_READ_TITLE = '教师资格认定申请人必读'
export const MUST_READ_DEFAULT = [
  '一、报名前',
  '请先在个人信息中心完善个人信息：核验或录入普通话证书、学历学籍、学位证书等信息。',
  '阅读完毕后，请点击右上角的【返回业务平台】按钮，在教师资格认定业务模块下点击【报名】，进入教师资格认定网报时间查询页面。选择省、市、资格种类、认定机构、确认点信息来查看认定机构是否开通网报业务，如果已开通，点击【报名】按钮，进入到认定报名申报协议界面。如认定机构未开通网上申报工作，请根据页面提示信息，联系和咨询对应认定机构，获取具体认定工作安排的信息。',
  '如果教育局设置了网报计划但没有安排确认点，则显示“该机构未设置确认点，请联系所选的教育局。”。如果您当前报名的时间不在教育局设置的网报时间段内，则显示“当前时间不在该机构的网报时间段内”。请按系统提示时间进行网报。',
  '二、正式报名',
  '请注意，所有环节均完成，生成报名号之后方为报名成功!',
  '(1) 在“认定信息”页面上传个人近期本人免冠正面白底证件照（须与现场确认提交的照片为同一底版）：选择照片文件后点击【上传并预览照片】，系统将照片处理为小于200k的jpg格式并显示预览。如需修改，请重新选择照片文件，再点击【上传并预览照片】。',
  '(2) 在“个人承诺书”页面上传《个人承诺书》完整图片：选择图片文件后点击【上传并预览】；在图片上先点击虚线框的一个角，再点击它的对角（也可以输入裁剪区域后点击【按输入的数值裁剪】），将个人承诺书图片中虚线框中的内容完整选择（包含文字部分及签名和日期）。如需修改，请点击【重新选择】。',
  '(3) 注意：个人照片和个人承诺书上传后，请务必检查是否清晰完整，如不清晰不完整，请务必重新上传符合要求的个人照片和个人承诺书，否则会影响教师资格认定申请表的生成与打印，影响后续认定审核工作。',
  '(4) 报名成功后，请在规定时间内按认定通知或公告要求携带各项需提交的材料进行现场确认。',
  '(5) 如果您在报名成功后想修改报名信息，请先查看认定状态是不是“网报待确认”。如果不是，需要联系认定机构修改认定状态至该状态才可以修改报名信息。',
  '(6) 请务必点击【申请表预览/下载】，查看教师资格认定申请表信息，特别要检查个人照片和个人承诺书是否清晰完整，个人信息是否正确，如有错误，请及时按要求修改。',
]

/** Shown on every page of the wizard (manual 000 §3.2, SPEC "Details from the manuals"). */
export const NOTICE = '请注意，所有环节均完成，生成报名号之后方为报名成功!'

export const STEP_TITLES = {
  agreement: '网上申报协议',
  conditions: '身份与条件',
  authority: '认定机构',
  information: '认定信息',
  commitmentScan: '个人承诺书',
  collection: '证书领取方式',
  resume: '个人简历',
  review: '确认信息',
  notices: '注意事项',
  commitment: '个人承诺',
  reminder: '申报提醒',
} as const

export const AGREEMENT_TITLE = '教师资格认定网上申报协议'
export const AGREEMENT_CLAUSES = [
  '1.本申报系统的所有权归中国教师资格网所有，不得修改或他用，违者追责。',
  '2.申请人已经认真阅读并知晓教师资格认定模块下“教师资格认定申请人必读”的相关内容。',
  '3.申请人必须在认定机构规定的网上申报时间内，登录本申报系统执行相关操作。因个人原因导致的申报异常，由申请人承担所有责任。',
  '4.申请人理解并同意由于不可抗力所引起的无法正常申报的情况，本申报系统不承担任何直接或间接责任。',
  '5.申请人须保证提交的个人信息真实、准确，申请人将承担由于信息不真实、不准确、隐瞒、伪造和个人疏漏所导致的一切后果。',
  '6.申请人同意本申报系统对个人申报信息进行在线核验。核验信息包括但不限于申请人的身份信息、考试合格证明信息、普通话水平测试等级证书信息和学历学籍信息等。',
  '7.本申报系统尊重并保护申请人网上申报留存的个人隐私信息。未经本人同意，本申报系统不会主动公开、编辑、披露或透露任何个人隐私信息，但根据法律法规规定必须披露的或司法部门或其他法律授权的机关依照法定程序要求提供的除外。',
]
export const AGREE_REQUIRED = '请勾选“已阅读并完全同意本协议”'

export const EXAM_ROUTES = {
  national_exam: '国家统一考试',
  non_national: '非国家统一考试（含免考）',
} as const
export const EXAM_ROUTE_HINT =
  '以“国家统一考试”形式参加认定，请选择本人名下考试合格证明信息（资格认定报名时间在合格证有效期内的方能选择使用）；以非国家统一考试（含免考）参与认定，则点选“非国家统一考试（含免考）”。'
export const MANDARIN_HINT =
  '选择参与本次认定的本人名下的普通话证书信息，选择普通话免测的，需符合普通话免测政策，具体普通话免测政策请以省级教育行政部门规定为准。如您没有在个人信息中心添加信息，请点击“添加普通话证书”按钮进行添加。'
export const MANDARIN_EXEMPT = '普通话免测'
/** Beside 普通话免测 unless the administrator wrote the province's policy (manual 000 §3.2 (2)). */
export const MANDARIN_EXEMPTION_NOTE_DEFAULT =
  '选择普通话免测的，需符合普通话免测政策，具体普通话免测政策请以省级教育行政部门规定为准。'
export const FRESH_HINT =
  '如果您是应届毕业生（仅限全日制本科），请选择“是”，并点击“同步学籍”获取在校学籍信息。'
export const DEGREE_HINT =
  '如果您没有获得学位证书，请点击“添加学位”，在“学位名称”处选择“无学位”，学位证书编号自动对应为“无”。'
export const NO_DEGREE = '无学位'

export const CONDITION_ERRORS = {
  examRoute: '请选择考试形式',
  examPass: '请选择本人名下的考试合格证明',
  examPassNotMine: '请选择本人名下的考试合格证明',
  type: '请选择申请资格种类',
  subject: '请选择任教学科',
  mandarin: '请选择普通话证书信息',
  mandarinRejected: '该普通话证书核验不通过，不能用于认定，请选择其他证书或重新添加。',
  freshGraduate: '请选择是否应届毕业生',
  education: '请选择学历信息',
  educationRejected: '该学历核验不通过，不能用于认定，请选择其他学历或重新添加。',
  degree: '请选择学位信息',
  studentStatus: '请选择学籍信息，如未同步到信息，请点击“同步学籍”',
  notRegistered: '只有学籍状态为“注册学籍”的申请人才符合认定要求。',
  /** `contact`: the bureau's (contactSentence of 系统设置), where manual 000 gives the national address */
  notFullTime: (contact: string) =>
    `应届毕业生仅限全日制本科学生申请。如同步到的学籍为非全日制学籍，${contact}`,
  notUndergraduate: '应届毕业生仅限全日制本科学生申请，请选择“否”并选择已取得的学历。',
} as const
export const STUDENT_SYNCED = '已同步学籍信息'
export const STUDENT_NONE = '学籍库中没有与您的证件号码对应的学籍信息'

export const AUTHORITY_INTRO =
  '根据本人实际情况选择认定所在地信息、认定机构信息及确认点信息。未启用JavaScript时，每选择一项请点击【更新选项】。'
export const NO_AUTHORITY =
  '该地区暂无受理该资格种类且在网报时间内的认定机构，请确认所选省、市，或联系当地教育局。'
export const NO_PLAN = '该机构未设置网报计划，请联系所选的教育局。'
export const NO_POINT = '该机构未设置确认点，请联系所选的教育局。'
export const WINDOW_CLOSED = '当前时间不在该机构的网报时间段内'

export const PHOTO_HINT =
  '请上传个人近期本人免冠正面白底证件照（照片大小小于200k，图片为jpg格式，须与现场确认提交的照片为同一底版），如需修改请重新选择。'
export const TECHNICAL_TITLE_NONE = '无'

/** Manual 000 §3.2 (6), on both pages that take those images (证件照 and 个人承诺书). */
export const CLARITY_WARNING =
  '注意：个人照片和个人承诺书上传后，请务必检查是否清晰完整，如不清晰不完整，请务必重新上传符合要求的个人照片和个人承诺书，否则会影响教师资格认定申请表的生成与打印，影响后续认定审核工作。'

export const COMMITMENT_SCAN_INTRO = [
  '请下载《个人承诺书》并按要求完成相关操作后，上传完整图片（图片大小小于200K，格式为jpg格式）；利用“选择框”将个人承诺书图片中虚线框中的内容完整选择后（包含文字部分及签名和日期），点击【下一步】。',
  CLARITY_WARNING,
]

export const SCAN_MISSING = '请上传个人承诺书扫描件'

export const COLLECTION = { on_site: '现场领取', post: '邮寄' } as const
export const COLLECTION_HINT =
  '选择证书领取方式，如果教育局支持邮寄，您可以选择邮寄方式，并详细填写收件人相关信息。'
export const POST_NOT_OFFERED = '所选认定机构不提供证书邮寄服务，请选择现场领取。'

export const RESUME_INTRO =
  '根据个人实际情况填写个人简历信息（时间格式：年-月，例如 2014-09），按时间先后顺序填写。'
export const RESUME_MAX_ROWS = 20
export const RESUME_ERRORS = {
  empty: '请至少填写一条个人简历',
  month: '请按“年-月”格式填写，例如 2014-09',
  required: (label: string) => `请填写${label}`,
  order: '结束时间不能早于开始时间',
  future: '时间不能晚于本月',
  overlap: '与上一条简历的时间重叠，请按时间先后顺序填写且时间段不重叠',
  tooMany: `个人简历最多${RESUME_MAX_ROWS}条`,
}

export const NOTICES_DEFAULT = [
  '1.网上申报成功后，请在规定时间内按认定通知或公告要求携带各项需提交的材料到所选确认点进行现场确认。',
  '2.请在系统“业务平台”页面“教师资格认定信息”模块下查看报名记录，在认定状态处查看认定进度。',
  '3.只有认定状态为“网报待确认”时，才可以修改报名信息。',
  '4.请务必预览《教师资格认定申请表》，特别要检查个人照片和个人承诺书是否清晰完整，个人信息是否正确，如有错误，请及时修改。',
]

export const COMMITMENT_TEXT = [
  '本人承诺所填写的个人信息及提交的认定材料真实、准确、完整。',
  '本人遵守宪法和法律，热爱教育事业，具有良好的思想品德。',
  '若存在隐瞒、弄虚作假等行为，本人愿意承担由此产生的一切法律后果。',
]
export const COMMITMENT_HINT =
  '如选择不同意，点击【提交】按钮后，您将放弃本次报名，返回业务平台；选择同意，点击【提交】按钮，将出现申报提醒页面，为报名成功。'
export const COMMITMENT_REQUIRED = '请选择“同意”或“不同意”'
export const COMMITMENT_ABANDONED =
  '您在个人承诺中选择了“不同意”，已放弃本次教师资格认定报名：没有生成报名号，已填写的报名内容没有保存。如需报名，请在网报时间内重新点击【报名】。'

export const REMINDER_DEFAULT = [
  '网上报名已成功。请牢记您的报名号，并在规定时间内按认定通知或公告要求携带各项需提交的材料进行现场确认。',
  '请务必在“教师资格认定信息”中预览《教师资格认定申请表》，检查个人照片和个人承诺书是否清晰完整。',
]

export const SUBMIT_REFUSALS = {
  pointGone: '所选确认点已不可用，请重新选择。',
  filesMissing: '证件照或个人承诺书已失效，请重新上传。',
  changedFirst: '您已有同一资格种类或本年度的认定申请，不能重复申报。',
}
