// What the printed forms take. Every value is display text as it should be printed (labels, not
// codes; dates as YYYY-MM-DD); the module that owns the application maps its rows to these. Images
// are Buffers (JPEG or PNG) or data:image URLs. `verifyCode` (the application's 核验码) gives the QR
// code of /verify?code=<核验码> and is printed beside it; `generatedAt` defaults to the clock's now
// (Asia/Shanghai).

export interface RegistrationFormData {
  /** 注册报名号 */
  number: string
  /** 核验码 */
  verifyCode: string
  /** 第 N 次注册 */
  registrationCount: number
  docType: string
  docNumber: string
  /** 教师资格证书: 证书号码, 签发日期, 资格种类, 任教学科, 认定机构 */
  certNumber: string
  certIssuedOn: string
  qualificationType: string
  certSubject: string
  certAuthority: string
  name: string
  sex: string
  birthDate: string
  ethnicity: string
  political: string
  mobile: string
  household: string
  address: string
  postcode: string
  /** 学历 block */
  education: string
  degree: string
  graduatedOn: string
  graduationSchool: string
  studyForm: string
  major: string
  majorCategory: string
  mandarin: string
  /** 任教 */
  currentSchool: string
  schoolLocation: string
  schoolNature: string
  postNature: string
  stage: string
  subject: string
  title: string
  workStartedOn: string
  employedFrom: string
  /** 注册条件 (年度考核, 培训学时, 师德表现 ...) as label and value */
  conditions?: { label: string; value: string }[]
  /** 注册机构, 确认点 */
  authority: string
  point: string
  photo?: Buffer | string
  generatedAt?: string
}

export interface ResumeRow {
  from: string
  to: string
  unit: string
  post: string
  witness: string
}

export interface CertificationFormData {
  /** 报名号 */
  number: string
  /** 核验码 */
  verifyCode: string
  name: string
  docType: string
  docNumber: string
  /** 考试合格证明编号 (or 免考 text) */
  examCertificateNumber: string
  qualificationType: string
  subject: string
  authority: string
  point: string
  sex: string
  birthDate: string
  ethnicity: string
  political: string
  mandarinLevel: string
  mandarinCertNumber: string
  mandarinIssuer: string
  /** 是否在校生: 是 / 否 */
  isStudent: string
  graduatedOn: string
  education: string
  degree: string
  graduationSchool: string
  major: string
  majorCategory: string
  studyForm: string
  employer: string
  occupation: string
  professionalTitle: string
  household: string
  birthplace: string
  address: string
  postcode: string
  telephone: string
  mobile: string
  resume: ResumeRow[]
  photo?: Buffer | string
  /** the 个人承诺书 crop (the dashed box, signed) */
  commitment?: Buffer | string
  generatedAt?: string
}

/** The 个人承诺书 template; the name and number are printed when given (a personalised copy). */
export interface CommitmentTemplateData {
  name?: string
  docNumber?: string
  generatedAt?: string
}
