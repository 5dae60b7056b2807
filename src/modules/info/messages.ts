// Everything the information centre says to applicants and staff (seed 000 §2.2.3 wording).

export const KIND_LABELS = {
  mandarin: '普通话证书',
  education: '学历',
  degree: '学位',
} as const

export const STATUS_LABELS = {
  verified: '核验通过',
  pending: '待核验',
  rejected: '核验不通过',
} as const

/**
 * What the number and the scan are on each 学历 form: 港澳台 and 国外 degrees are entered from the
 * 教育部留学服务中心's 学历认证报告, the rest from the diploma itself.
 */
export function educationFieldLabels(category: string | null | undefined) {
  return category === 'hmt' || category === 'foreign'
    ? { certNumber: '认证报告编号', scan: '学历认证报告', report: true }
    : { certNumber: '毕业证书编号', scan: '学历证书扫描件', report: false }
}

export const EDUCATION_CATEGORY_LABELS = {
  verified: '核验学历',
  unverifiable: '无法核验的学历',
  hmt: '港澳台地区学历',
  foreign: '国外留学学历',
} as const

export const EDUCATION_LEVELS = [
  '博士研究生',
  '硕士研究生',
  '大学本科',
  '大学专科',
  '中等师范学校/幼儿师范学校',
  '中专/职高/技校',
  '高中毕业及以下',
]

export const DEGREE_NAMES = ['博士', '硕士', '学士', '无学位'] as const
export const NO_DEGREE = '无学位'
export const NO_DEGREE_NUMBER = '无'

export const MESSAGES = {
  mandarinNotFound:
    '核验不到信息，请检查当前核验的用户信息是否与普通话证书信息中的“姓名、身份证件号码、证书编号”一致。如仍核验不到，请选择“录入证书”。',
  educationNotFound:
    '核验不到信息，请检查当前核验的用户信息与学历证书信息中的“姓名、证件号码、证书编号”是否一致。如仍核验不到，请选择“无法核验的学历”。',
  duplicate: '该证书已在您的个人信息中，无需重复添加',
  mandarinVerified: '核验成功，已添加到普通话证书信息',
  educationVerified: '核验成功，已添加到学历证书信息',
  saved: '已保存，核验状态为“待核验”，将在现场确认时人工核验',
  deleted: '已删除',
  locked: '该信息已在已提交的报名中使用，只能查看，不能修改或删除。如需修改，请联系您的业务报名机构。',
  notEditable: '核验通过的信息不能修改；如有错误，请删除后重新核验',
  scoreInvalid: '分数必须是0–100之间的数字，最多保留一位小数，例如86.5',
  scoreNoGrade: '分数低于60分，不能取得普通话等级证书',
  dateInvalid: '请按“年-月-日”格式填写真实的日期，例如2024-09-01',
  dateFuture: '日期不能晚于今天',
  reportBrackets: (label: string) => `${label}中不可使用小括号（），请按报告上的其他字符填写`,
  reportChars: (label: string) =>
    `${label}只能包含汉字、数字、字母、“-”“/”和括号“〔〕”“[]”“【】”（不可使用小括号（））`,
  diplomaChars: (label: string) => `${label}只能包含数字、字母和“-”“/”“[]”“【】”等字符`,
  certificatesSynced: '已同步教师资格证书信息',
  studentStatusSynced: '已同步学籍信息',
  studentStatusNone: '学籍库中没有与您的证件号码对应的学籍信息',
  scanPreviewed: '扫描件已上传，请核对预览后提交',
  scanKept: '已上传的扫描件已保留，修改其他内容后提交即可，无需重新选择文件',
  returned: '已回到报名页面，刚添加的信息已为您选中，请核对后继续填写',
  // staff
  decided: '已保存核验结果',
  decidedByOther: '该信息已被他人处理',
  reasonRequired: '核验不通过时请填写原因',
} as const

export const EXAM_NOTE =
  '如果您是参加国家中小学教师资格考试且成绩合格的申请人，此处将呈现您的考试合格证明上的相关信息（系统自动同步，此处无需用户自己维护和填写）。'
export const EXAM_MISSING_NOTE =
  '注意：如果您的考试合格证信息未能成功关联，请确认您本次注册的身份证件号码、姓名等个人信息是否与考试合格证明上的个人信息一致。'
export const CERTIFICATE_NOTE =
  '如果您是在2008年及以后（广西壮族自治区是2012年及以后）认定的教师资格证书，在“教师资格证书信息”下将列出该证书的相关信息。'
export const DEGREE_NOTE =
  '根据您学位证书上的真实信息，补齐本页面上所空缺的信息。系统不核验学位信息，所有录入的学位信息核验状态均为“待核验”。需现场确认环节人工核验。'
export const NO_DEGREE_NOTE =
  '注意：如果您没有获得学位证书，请在“学位名称”处选择“无学位”，学位证书编号会自动对应为“无”。学历符合认定要求的，无学位不影响认定。'
