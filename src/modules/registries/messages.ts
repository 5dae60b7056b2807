// Every sentence the registries module shows, in one place.

export const MODE_LABELS = {
  upsert: '追加/更新',
  replace: '全部替换',
} as const

export const STATUS_LABELS: Record<string, string> = {
  queued: '排队中',
  running: '处理中',
  succeeded: '导入成功',
  failed: '未导入',
}

export const PHASE_LABELS: Record<string, string> = {
  queued: '等待处理',
  reading: '读取文件',
  checking: '逐行校验',
  loading: '写入数据库',
  done: '已完成',
}

export const SHOWN_ERRORS = 200

export const MESSAGES = {
  // reading the file
  utf16:
    '文件是UTF-16（“Unicode文本”）编码，请在Excel中另存为“CSV UTF-8（逗号分隔）”或“Excel工作簿（.xlsx）”',
  notText: '文件不是CSV文本文件或Excel工作簿（.xlsx），请使用导入模板',
  badXlsx: '无法读取该Excel文件，请确认是“Excel工作簿（.xlsx）”格式（不支持旧的.xls格式）',
  unclosedQuote: '格式不正确（引号不配对），无法读取，请检查该行',
  emptyFile: '文件是空的，请使用导入模板',
  noRows: '文件中没有数据行',
  header: (headers: readonly string[]) => `表头应为“${headers.join(',')}”，请使用导入模板`,
  columns: (headers: readonly string[], actual: number) =>
    `应有${headers.length}列（${headers.join(',')}），实际为${actual}列`,
  // cells
  required: (header: string) => `请填写${header}`,
  tooLong: (max: number) => `不能超过${max}个字符`,
  controlChars: '含有不可见的控制字符，请删除',
  duplicate: (line: number) => `与第${line}行重复`,
  lossyNumber: 'Excel把该列保存成了数字，后几位已丢失。请把该列设置为“文本”格式，重新填写后再导入',
  date: '应为日期，格式为“年-月-日”，例如2024-06-30',
  futureDate: '不能晚于今天',
  tooEarly: (d: string) => `不能早于${d}`,
  docNumber:
    '证件号码格式不正确：应为18位身份证号码或港澳台居民居住证号码、港澳通行证号码（9位，H或M及8位纯数字）、台湾居民来往大陆通行证号码（8位纯数字）',
  certNumber: '应为6–30位数字或英文字母（不含括号、空格等符号）',
  teacherCertNumber: '教师资格证书号码应为17位数字（1996–1999年的证书为15位）',
  typeDigitMismatch: (digit: string, name: string) =>
    `证书号码中表示资格种类的数字为${digit}，与资格种类“${name}”不一致`,
  code: (value: string, allowed: string) => `无法识别“${value}”，应为${allowed}`,
  subjectCode: (value: string) => `无法识别学科代码“${value}”，应为C01–C17`,
  score: '应为0–100之间的数字，最多一位小数，例如86.5',
  scoreTooLow: '成绩低于60分不入级，不能有普通话等级证书',
  gradeMismatch: (score: string, grade: string) => `与成绩不符：${score}分应为“${grade}”`,
  yesNo: '应为“是”或“否”',
  region: (value: string) => `无法识别地区代码“${value}”，应为6位行政区划代码，例如450103`,
  registrationResult: (allowed: string) => `应为${allowed}之一`,
  // checks against the table
  ownedByOther: (header: string, masked: string) =>
    `该${header}在库中属于另一证件号码（${masked}）的记录。追加/更新不能把记录改到他人名下，确需更正请核实后使用“全部替换”`,
  certificateMissing: '库中没有该证书号码，请先导入教师资格证书',
  registeredBeforeIssue: (issued: string) => `注册日期早于证书签发日期（${issued}）`,
  // outcomes
  hasErrors: (n: number) => `文件中有${n}处错误，未导入任何数据。请修改后重新上传。`,
  importedUpsert: (rows: number, inserted: number, updated: number) =>
    `导入成功：共${rows}条，其中新增${inserted}条，更新${updated}条。`,
  importedReplace: (rows: number, before: number) =>
    `导入成功（全部替换）：替换前库中有${before}条，现为本文件的${rows}条。`,
  failedUnexpectedly: '导入时发生系统错误，未导入任何数据。请稍后重试；如仍不成功，请联系技术支持。',
  // the form
  fileMissing: '请选择要导入的文件',
  fileTooLarge: '文件过大，请上传不超过10MB的文件（可分成几个文件，用“追加/更新”依次导入）',
  modeMissing: '请选择导入方式',
} as const
