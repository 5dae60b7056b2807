import type { Services } from '../../../services'
import { MANDARIN_GRADES } from '../../../domain/mandarin'
import { shanghaiDate } from '../../../domain/time'
import type { FieldErrors } from '../../../web/formValidation'
import type { Values } from '../../../web/wizard/types'
import { str } from '../../../web/values'
import * as m from '../messages'
import { refOptions, schoolNamed, searchSchools, type Option } from '../repository'

// 填写注册信息: 普通话, 学历, 毕业学校 (searched, or added with its 办学类型), 任教学校 and the dates.

export const MANDARIN_OPTIONS: Option[] = [
  ...MANDARIN_GRADES.map((g) => ({ value: g, text: g })),
  { value: 'none', text: '无' },
]

/** Select fields of the information page and their ref_codes lists. */
export const INFO_LISTS: Record<string, string> = {
  education: 'education',
  majorCategory: 'major_category',
  major: 'major',
  degree: 'degree',
  studyForm: 'study_form',
  schoolLocation: 'school_location',
  schoolNature: 'school_nature',
  title: 'title',
  political: 'political_status',
  postNature: 'post_nature',
}

const NO_SCHOOLING = '61'

async function infoLists(s: Services): Promise<Record<string, Option[]>> {
  return Object.fromEntries(
    await Promise.all(Object.entries(INFO_LISTS).map(async ([f, kind]) => [f, await refOptions(s.db, kind)])),
  ) as Record<string, Option[]>
}

/** The page's lists, and the schools found for the 毕业学校 search shown. */
export async function informationPage(s: Services, _req: unknown, _values: Values, shown: Values) {
  const query = str(shown.schoolQuery).trim()
  return {
    lists: await infoLists(s),
    mandarin: MANDARIN_OPTIONS,
    schoolTypes: await refOptions(s.db, 'school_type'),
    schoolQuery: query,
    schoolResults: query ? await searchSchools(s.db, query) : null,
  }
}

/** 新增确认: the school typed in becomes the answer, with its 办学类型. */
export function addSchool(_s: Services, posted: Values): Values {
  const name = str(posted.newSchoolName).trim()
  if (!name || !str(posted.newSchoolType)) return { ...posted, schoolQuery: name }
  return {
    ...posted,
    graduationSchool: name,
    graduationSchoolType: str(posted.newSchoolType),
    graduationSchoolNew: 'yes',
    schoolQuery: '',
  }
}

/** Every choice from its list, 学历 and 专业 agreeing, 岗位性质 matching the school, the dates in order. */
export async function informationErrors(s: Services, _req: unknown, value: Values): Promise<FieldErrors> {
  const errors: FieldErrors = {}
  if (!MANDARIN_OPTIONS.some((o) => o.value === value.mandarin)) errors.mandarin = '请选择普通话证书信息'
  const options: Record<string, Option[]> = {}
  for (const [field, kind] of Object.entries(INFO_LISTS)) {
    options[field] = await refOptions(s.db, kind)
    if (!options[field].some((o) => o.value === value[field])) errors[field] = '请从列表中选择'
  }
  if (value.education === NO_SCHOOLING && value.major !== 'none') errors.major = m.MAJOR_NONE_ONLY
  const nature = options.schoolNature.find((o) => o.value === value.schoolNature)
  const post = options.postNature.find((o) => o.value === value.postNature)
  if (nature && post && nature.group !== post.group) errors.postNature = m.POST_NATURE_MISMATCH
  const today = shanghaiDate(s.clock.now())
  for (const f of ['graduatedOn', 'workStartedOn', 'employedFrom'])
    if (!errors[f] && str(value[f]) > today) errors[f] = m.DATE_ORDER.future
  if (!errors.employedFrom && str(value.employedFrom) < str(value.workStartedOn))
    errors.employedFrom = m.DATE_ORDER.employedBeforeWork
  if (value.graduationSchoolNew === 'yes') {
    const types = await refOptions(s.db, 'school_type')
    if (!types.some((t) => t.value === value.graduationSchoolType)) errors.graduationSchool = '请选择办学类型'
  } else if (!(await schoolNamed(s.db, str(value.graduationSchool)))) {
    errors.graduationSchool = m.SCHOOL_NOT_FOUND
  }
  return errors
}
