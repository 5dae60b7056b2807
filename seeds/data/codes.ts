// Reference code lists loaded into ref_codes by seeds/01_reference.ts (sort = position in the list).
// Sources: /work/shared/REFERENCE.md and the manuals (seed 004). Lists marked "unconfirmed" there are
// kept here as data so a bureau can change them. Codes are stable: never renumber, only append.

import { MAJOR_CATALOGUE, MAJOR_LEAVES } from './majorCatalogue'

export type CodeItem = { code: string; name: string; group?: string; scope?: string[] }

/** Title series (教师职务（职称）optgroups); 中职 and 高校 series can be added by a bureau. */
const titleSeries = (group: string, prefix: string): CodeItem[] => [
  { code: `${prefix}_zgj`, name: '正高级教师', group },
  { code: `${prefix}_gj`, name: '高级教师', group },
  { code: `${prefix}_yj`, name: '一级教师', group },
  { code: `${prefix}_ej`, name: '二级教师', group },
  { code: `${prefix}_sj`, name: '三级教师', group },
]

/**
 * 所学专业, grouped by 学科门类 (an optgroup each): every 专业类 of the undergraduate catalogue, after
 * the leaf majors the app has for it, as 「…类（其他专业）」 for a major without a leaf of its own.
 * Codes are the names (stable: answers already given keep their meaning).
 */
const majors = (): CodeItem[] =>
  MAJOR_CATALOGUE.flatMap((d) =>
    d.classes.flatMap(([, cls]) => [
      ...(MAJOR_LEAVES[cls] ?? []).map((name) => ({ code: name, name, group: `${d.code} ${d.name}` })),
      { code: cls, name: `${cls}（其他专业）`, group: `${d.code} ${d.name}` },
    ]),
  )

export const codeLists: Record<string, CodeItem[]> = {
  // 证件类型 (labels as in the manuals)
  doc_type: [
    { code: 'id_card', name: '身份证' },
    { code: 'hk_macau_pass', name: '港澳居民来往内地通行证' },
    { code: 'taiwan_pass', name: '五年有效期台湾居民来往大陆通行证' },
    { code: 'residence_permit', name: '港澳台居民居住证' },
  ],

  // 民族, GB/T 3304
  ethnicity: [
    { code: '01', name: '汉族' },
    { code: '02', name: '蒙古族' },
    { code: '03', name: '回族' },
    { code: '04', name: '藏族' },
    { code: '05', name: '维吾尔族' },
    { code: '06', name: '苗族' },
    { code: '07', name: '彝族' },
    { code: '08', name: '壮族' },
    { code: '09', name: '布依族' },
    { code: '10', name: '朝鲜族' },
    { code: '11', name: '满族' },
    { code: '12', name: '侗族' },
    { code: '13', name: '瑶族' },
    { code: '14', name: '白族' },
    { code: '15', name: '土家族' },
    { code: '16', name: '哈尼族' },
    { code: '17', name: '哈萨克族' },
    { code: '18', name: '傣族' },
    { code: '19', name: '黎族' },
    { code: '20', name: '傈僳族' },
    { code: '21', name: '佤族' },
    { code: '22', name: '畲族' },
    { code: '23', name: '高山族' },
    { code: '24', name: '拉祜族' },
    { code: '25', name: '水族' },
    { code: '26', name: '东乡族' },
    { code: '27', name: '纳西族' },
    { code: '28', name: '景颇族' },
    { code: '29', name: '柯尔克孜族' },
    { code: '30', name: '土族' },
    { code: '31', name: '达斡尔族' },
    { code: '32', name: '仫佬族' },
    { code: '33', name: '羌族' },
    { code: '34', name: '布朗族' },
    { code: '35', name: '撒拉族' },
    { code: '36', name: '毛南族' },
    { code: '37', name: '仡佬族' },
    { code: '38', name: '锡伯族' },
    { code: '39', name: '阿昌族' },
    { code: '40', name: '普米族' },
    { code: '41', name: '塔吉克族' },
    { code: '42', name: '怒族' },
    { code: '43', name: '乌孜别克族' },
    { code: '44', name: '俄罗斯族' },
    { code: '45', name: '鄂温克族' },
    { code: '46', name: '德昂族' },
    { code: '47', name: '保安族' },
    { code: '48', name: '裕固族' },
    { code: '49', name: '京族' },
    { code: '50', name: '塔塔尔族' },
    { code: '51', name: '独龙族' },
    { code: '52', name: '鄂伦春族' },
    { code: '53', name: '赫哲族' },
    { code: '54', name: '门巴族' },
    { code: '55', name: '珞巴族' },
    { code: '56', name: '基诺族' },
    { code: '97', name: '其他' },
    { code: '98', name: '外国血统中国籍人士' },
  ],

  // 政治面貌, GB/T 4762
  political_status: [
    { code: '01', name: '中共党员' },
    { code: '02', name: '中共预备党员' },
    { code: '03', name: '共青团员' },
    { code: '04', name: '民革党员' },
    { code: '05', name: '民盟盟员' },
    { code: '06', name: '民建会员' },
    { code: '07', name: '民进会员' },
    { code: '08', name: '农工党党员' },
    { code: '09', name: '致公党党员' },
    { code: '10', name: '九三学社社员' },
    { code: '11', name: '台盟盟员' },
    { code: '12', name: '无党派人士' },
    { code: '13', name: '群众' },
  ],

  // 最高学历, highest first. The first digit follows the GB/T 4658 level (1 研究生, 2 本科, 3 专科,
  // 4 中专/中师, 6 高中), so a smaller code never means less education. 高中毕业及以下 → 所学专业 = 无.
  education: [
    { code: '11', name: '博士研究生' },
    { code: '14', name: '硕士研究生' },
    { code: '21', name: '大学本科' },
    { code: '31', name: '大学专科' },
    { code: '41', name: '中等师范学校/幼儿师范学校' },
    { code: '44', name: '中专/职高/技校' },
    { code: '61', name: '高中毕业及以下' },
  ],

  // 最高学位
  degree: [
    { code: 'doctor', name: '博士' },
    { code: 'master', name: '硕士' },
    { code: 'bachelor', name: '学士' },
    { code: 'none', name: '无学位' },
  ],

  // 教师职务（职称）, 2015 reform: 中学 choose 中学系列, 小学 小学系列, none → 无 (seed 004)
  title: [...titleSeries('中学系列', 'zx'), ...titleSeries('小学系列', 'xx'), { code: 'none', name: '无' }],

  // 资格种类; the code is the digit used in certificate numbers
  qualification_type: [
    { code: '1', name: '幼儿园教师资格' },
    { code: '2', name: '小学教师资格' },
    { code: '3', name: '初级中学教师资格' },
    { code: '4', name: '高级中学教师资格' },
    { code: '5', name: '中等职业学校教师资格' },
    { code: '6', name: '中等职业学校实习指导教师资格' },
    { code: '7', name: '高等学校教师资格' },
  ],

  // 任教学科 codes printed on older primary / junior-secondary certificates (seed 004)
  subject_code: [
    { code: 'C01', name: '思想品德' },
    { code: 'C02', name: '思想政治' },
    { code: 'C03', name: '语文' },
    { code: 'C04', name: '数学' },
    { code: 'C05', name: '外语' },
    { code: 'C06', name: '社会' },
    { code: 'C07', name: '历史' },
    { code: 'C08', name: '地理' },
    { code: 'C09', name: '自然' },
    { code: 'C10', name: '物理' },
    { code: 'C11', name: '化学' },
    { code: 'C12', name: '生物' },
    { code: 'C13', name: '体育' },
    { code: 'C14', name: '音乐' },
    { code: 'C15', name: '美术' },
    { code: 'C16', name: '劳动' },
    { code: 'C17', name: '劳动技术' },
  ],

  // Current 任教学科 names (unconfirmed as a code list; administrators edit it). scope = the
  // 资格种类 (qualification_type codes) a subject is offered for in the certification wizard, after
  // the subjects of the national exam's 学科知识与教学能力 papers: 小学 has no 思想政治/物理/化学/生物/
  // 历史/地理 (it teaches 道德与法治 and 科学), 高中 no 道德与法治/科学/历史与社会, 初中 no 通用技术;
  // 中职, 实习指导 and 高校 (whose subjects are their own) take every name. 幼儿园 has none.
  subject: [
    { code: 'morality_law', name: '道德与法治', scope: ['2', '3', '5', '6', '7'] },
    { code: 'politics', name: '思想政治', scope: ['3', '4', '5', '6', '7'] },
    { code: 'chinese', name: '语文', scope: ['2', '3', '4', '5', '6', '7'] },
    { code: 'math', name: '数学', scope: ['2', '3', '4', '5', '6', '7'] },
    { code: 'english', name: '英语', scope: ['2', '3', '4', '5', '6', '7'] },
    { code: 'japanese', name: '日语', scope: ['3', '4', '5', '6', '7'] },
    { code: 'russian', name: '俄语', scope: ['3', '4', '5', '6', '7'] },
    { code: 'physics', name: '物理', scope: ['3', '4', '5', '6', '7'] },
    { code: 'chemistry', name: '化学', scope: ['3', '4', '5', '6', '7'] },
    { code: 'biology', name: '生物', scope: ['3', '4', '5', '6', '7'] },
    { code: 'science', name: '科学', scope: ['2', '3', '5', '6', '7'] },
    { code: 'history', name: '历史', scope: ['3', '4', '5', '6', '7'] },
    { code: 'geography', name: '地理', scope: ['3', '4', '5', '6', '7'] },
    { code: 'history_society', name: '历史与社会', scope: ['3', '5', '6', '7'] },
    { code: 'music', name: '音乐', scope: ['2', '3', '4', '5', '6', '7'] },
    { code: 'pe_health', name: '体育与健康', scope: ['2', '3', '4', '5', '6', '7'] },
    { code: 'art', name: '美术', scope: ['2', '3', '4', '5', '6', '7'] },
    { code: 'it', name: '信息技术', scope: ['2', '3', '4', '5', '6', '7'] },
    { code: 'general_tech', name: '通用技术', scope: ['4', '5', '6', '7'] },
    { code: 'mental_health', name: '心理健康教育', scope: ['2', '3', '4', '5', '6', '7'] },
  ],

  // 学习形式 (unconfirmed)
  study_form: [
    { code: 'full_time', name: '普通全日制' },
    { code: 'adult', name: '成人教育' },
    { code: 'self_study', name: '自学考试' },
    { code: 'online', name: '网络教育' },
    { code: 'open', name: '开放教育' },
    { code: 'other', name: '其他' },
  ],

  // 现任教学段 (unconfirmed); the code equals the matching qualification_type digit
  teaching_stage: [
    { code: '1', name: '幼儿园' },
    { code: '2', name: '小学' },
    { code: '3', name: '初级中学' },
    { code: '4', name: '高级中学' },
    { code: '5', name: '中等职业学校' },
  ],

  // 任教学校所在地 (unconfirmed)
  school_location: [
    { code: 'city', name: '城市' },
    { code: 'town', name: '县镇' },
    { code: 'rural', name: '农村' },
  ],

  // 任教学校性质 (unconfirmed). group = sector; 岗位性质 must be of the same sector.
  school_nature: [
    { code: 'public_kindergarten', name: '公办幼儿园', group: '公办' },
    { code: 'public_primary', name: '公办小学', group: '公办' },
    { code: 'public_secondary', name: '公办中学', group: '公办' },
    { code: 'public_vocational', name: '公办中职', group: '公办' },
    { code: 'private_kindergarten', name: '民办幼儿园', group: '民办' },
    { code: 'private_primary', name: '民办小学', group: '民办' },
    { code: 'private_secondary', name: '民办中学', group: '民办' },
    { code: 'private_vocational', name: '民办中职', group: '民办' },
  ],

  // 岗位性质 (seed 004): 公办 teachers 在编在岗, 公办 temporary staff 事业单位岗位聘用, 民办 在岗（民办学校）.
  // group = the school_nature sector it agrees with.
  post_nature: [
    { code: 'established', name: '在编在岗', group: '公办' },
    { code: 'contracted', name: '事业单位岗位聘用', group: '公办' },
    { code: 'private', name: '在岗（民办学校）', group: '民办' },
  ],

  // 专业类别 (unconfirmed)
  major_category: [
    { code: 'normal', name: '师范教育类' },
    { code: 'non_normal', name: '非师范教育类' },
  ],

  // 所学专业 for the registration form (manual 004: the leaf, else a near one, else the parent
  // category): seeds/data/majorCatalogue.ts. 无 for 高中毕业及以下.
  major: [...majors(), { code: 'none', name: '无' }],

  // 办学类型 of a 毕业学校 added by an applicant (manual 001 新增学校)
  school_type: [
    { code: 'university', name: '普通高等学校' },
    { code: 'adult_college', name: '成人高等学校' },
    { code: 'secondary_normal', name: '中等师范学校' },
    { code: 'secondary_vocational', name: '中等职业学校' },
    { code: 'foreign', name: '境外院校' },
    { code: 'other', name: '其他' },
  ],

  // 性别
  sex: [
    { code: 'M', name: '男' },
    { code: 'F', name: '女' },
  ],
}
