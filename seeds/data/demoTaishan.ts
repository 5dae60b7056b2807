import type { Db } from '../../src/db/knex'
import { shanghaiDate } from '../../src/domain/time'
import { TAISHAN_APPROVER } from './demoLogins'
import { demoAuthority, demoPoint, demoSchools, demoStaff, demoWindows } from './demoBureau'

// The second demo bureau, after seed 004 (台山市 2024年下半年定期注册 instructions): 江门市台山市教育局
// registers 幼儿园/小学/初中; its 确认点 follow 004's rule — each town's 中心小学 confirms for the
// town's schools, 分教点 and kindergartens, and 台城's schools have points of their own (台山市台城桂水小学
// → 台山市新宁小学, 台山市华浩幼儿园有限公司 → itself). Written through the tables the administrator edits
// (authorities, confirmation_points, schools, staff_roles), keyed by name like the 南宁 demo.

export const TAISHAN = '江门市台山市教育局'
const REGION = '440781'

/** 004 十、申请提醒, verbatim: the authority's 申报提醒. */
export const TAISHAN_REMINDER =
  '申请人按照《台山市关于做好2024年下半年中小学教师资格定期注册工作的通知》要求进行网上报名和提交资料给学校教师资格定期注册管理员，无须亲自到教师发展中心进行确认。'

interface TaishanPoint {
  /** the point: a school of the directory */
  name: string
  /** its clerk's login */
  login: string
  /** 镇 (or 台城) */
  town: string
  /** the schools it confirms for besides itself, with their 办学类型 */
  schools: { name: string; type: string }[]
}

/** The towns other than 台城 (台山市's 16 镇), with the login of each 中心小学's clerk. */
const TOWNS: [town: string, login: string][] = [
  ['大江镇', 'ts-dajiang'],
  ['水步镇', 'ts-shuibu'],
  ['四九镇', 'ts-sijiu'],
  ['白沙镇', 'ts-baisha'],
  ['三合镇', 'ts-sanhe'],
  ['冲蒌镇', 'ts-chonglou'],
  ['斗山镇', 'ts-doushan'],
  ['都斛镇', 'ts-duhu'],
  ['赤溪镇', 'ts-chixi'],
  ['端芬镇', 'ts-duanfen'],
  ['广海镇', 'ts-guanghai'],
  ['海宴镇', 'ts-haiyan'],
  ['汶村镇', 'ts-wencun'],
  ['深井镇', 'ts-shenjing'],
  ['北陡镇', 'ts-beidou'],
  ['川岛镇', 'ts-chuandao'],
]

/** 004 三（二）1's example, verbatim: the schools and kindergartens under 台山市海宴镇中心小学. */
const HAIYAN_SCHOOLS = [
  { name: '台山市海宴镇沙栏学校', type: '九年一贯制学校' },
  { name: '台山市海宴镇英甲小学', type: '小学' },
  { name: '台山市海宴镇升平小学', type: '小学' },
  { name: '台山市海宴镇中心幼儿园', type: '幼儿园' },
  { name: '台山市海宴镇沙栏幼儿园', type: '幼儿园' },
]

export const TAISHAN_POINTS: TaishanPoint[] = [
  // 台城: each school its own point (004 三（二）2).
  {
    name: '台山市新宁小学',
    login: 'ts-xinning',
    town: '台城',
    schools: [{ name: '台山市台城桂水小学', type: '小学' }],
  },
  { name: '台山市华浩幼儿园有限公司', login: 'ts-huahao', town: '台城', schools: [] },
  // Each town's 中心小学 confirms for the town (004 三（二）1); besides 海宴's example, the town's
  // 中心幼儿园 stands for its kindergartens.
  ...TOWNS.map(([town, login]) => ({
    name: `台山市${town}中心小学`,
    login,
    town,
    schools: town === '海宴镇' ? HAIYAN_SCHOOLS : [{ name: `台山市${town}中心幼儿园`, type: '幼儿园' }],
  })),
]

const typeOf = (name: string) => (name.includes('幼儿园') ? '幼儿园' : '小学')

export async function seedDemoTaishan(trx: Db, now: Date, demoHash: () => Promise<string>) {
  const year = Number(shanghaiDate(now).slice(0, 4))
  const authority = await demoAuthority(trx, now, {
    name: TAISHAN,
    region_code: REGION,
    level: 'county',
    address: '台山市台城街道（演示地址）',
    phone: '0750-5550100',
    registers: true,
    stages: ['1', '2', '3'],
    certifies: false,
    qualification_types: [],
    posts_certificates: false,
    reminder: TAISHAN_REMINDER,
    form_download_end: `${year}-12-31`,
  })
  await demoSchools(
    trx,
    now,
    REGION,
    TAISHAN_POINTS.flatMap((p) => [{ name: p.name, type: typeOf(p.name) }, ...p.schools]),
  )
  for (const p of TAISHAN_POINTS) {
    const id = await demoPoint(trx, now, authority, {
      name: p.name,
      scope:
        p.town === '台城'
          ? [p.name, ...p.schools.map((s) => s.name)].join('、')
          : `${p.town}属下的学校、分教点和幼儿园`,
      address: `台山市${p.town === '台城' ? '台城街道' : p.town}（演示地址）`,
      phone: '0750-5550200',
      schools: [p.name, ...p.schools.map((s) => s.name)],
    })
    await demoStaff(trx, now, demoHash, { username: p.login, name: `${p.name}确认点` }, [
      { role: 'confirmation_clerk', scope_type: 'point', scope_id: id },
    ])
  }
  await demoWindows(trx, now, authority, false)
  await demoStaff(trx, now, demoHash, TAISHAN_APPROVER, [
    { role: 'registration_approver', scope_type: 'authority', scope_id: authority },
  ])
}
