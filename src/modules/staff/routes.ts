import { Router } from 'express'
import type { Services } from '../../services'
import { render } from './pages'
import { requireStaff } from '../../middleware/auth'
import { can, describeGrant, type Permission } from '../../domain/roles'
import { staffAccountRoutes } from './accountRoutes'
import { holidayRoutes } from './holidayRoutes'
import { settingsRoutes } from './settingsRoutes'
import { auditRoutes } from './auditRoutes'

// The staff console (工作台); the administrator's pages are one file each (accountRoutes, holidayRoutes,
// settingsRoutes, auditRoutes) mounted here. /staff/login and /staff/logout live in
// the auth module; the identity review queue and registry import in the identity module.

/** What the 工作台 offers, in order; each entry shows when the staff member holds the permission. */
const CONSOLE_LINKS: { permission: Permission; href: string; title: string; text: string }[] = [
  {
    permission: 'identity.review',
    href: '/staff/identity-reviews',
    title: '实名人工审核',
    text: '处理申请人提交的实名人工审核，7个工作日内办结。',
  },
  {
    permission: 'info.verify',
    href: '/staff/info-reviews',
    title: '信息核验',
    text: '核验申请人录入的普通话证书、学历和学位信息（待核验队列）。',
  },
  {
    permission: 'confirmation.handle',
    href: '/staff/registrations',
    title: '定期注册现场确认',
    text: '本确认点的定期注册申请：核对材料，确认、确认未通过或退回修改，给申请人留言，打印申请表。',
  },
  {
    permission: 'registration.approve',
    href: '/staff/registrations',
    title: '定期注册审批',
    text: '本注册机构待注册审批的申请：注册合格、暂缓注册或注册不合格，导出名单，批量打印申请表。',
  },
  {
    permission: 'confirmation.handle',
    href: '/staff/certifications',
    title: '教师资格认定现场确认',
    text: '本确认点的认定申请：核对材料，确认通过、确认未通过或退回修改，给申请人留言，打印申请表。',
  },
  {
    permission: 'confirmation.handle',
    href: '/staff/booking',
    title: '现场确认预约',
    text: '本确认点各时段的预约名单（照片、报名号）：打印名单，标记已到、未到，调整时段；各时段预约人数和爽约率。',
  },
  {
    permission: 'certification.approve',
    href: '/staff/certifications',
    title: '教师资格认定审批',
    text: '本认定机构待审核的申请：认定通过（生成证书号码）或认定不通过，导出名单，批量打印申请表。',
  },
  {
    permission: 'identity.registry',
    href: '/staff/identity-registry',
    title: '身份信息库导入',
    text: '导入或导出实名核验使用的身份信息库（CSV）。',
  },
  {
    permission: 'registries.manage',
    href: '/staff/registries',
    title: '数据库导入导出',
    text: '考试合格证明、普通话、学历、学籍、教师资格证书及注册记录、学校名录的导入（CSV/Excel）和导出。',
  },
  {
    permission: 'dashboard.read',
    href: '/staff/dashboard',
    title: '运行概况',
    text: '今日各机构各状态的申请数、待处理事项和等待最久的一件，附图表。',
  },
  {
    permission: 'staff.manage',
    href: '/staff/admin/staff',
    title: '工作人员管理',
    text: '新增、修改、停用工作人员账号，分配角色，重置密码。',
  },
  {
    permission: 'bureau.manage',
    href: '/staff/admin/authorities',
    title: '机构与确认点',
    text: '注册机构、认定机构、确认点（确认范围、现场确认时间）和网报时间。',
  },
  {
    permission: 'holidays.manage',
    href: '/staff/admin/holidays',
    title: '节假日设置',
    text: '维护法定节假日和调休上班日，用于计算工作日期限。',
  },
  {
    permission: 'settings.manage',
    href: '/staff/admin/settings',
    title: '系统设置',
    text: '教育局名称、联系电话、咨询邮箱、平台公告等。',
  },
  {
    permission: 'audit.read',
    href: '/staff/audit',
    title: '审计日志',
    text: '查询登录、提交和工作人员操作记录，导出CSV。',
  },
]

export function staffRoutes(services: Services): Router {
  const router = Router()

  router.get('/', requireStaff(), (req, res) => {
    const staff = req.staff!
    const scopedRoles = staff.roles.filter((r) => r.scope_type !== 'instance')
    render(res, 'home', {
      // One card per page: a clerk who also approves sees the registration queue once.
      links: CONSOLE_LINKS.filter(
        (l, i) =>
          can(staff, l.permission) &&
          !CONSOLE_LINKS.slice(0, i).some((o) => o.href === l.href && can(staff, o.permission)),
      ),
      grants: staff.roles.map(describeGrant),
      scopedRoles: scopedRoles.length > 0,
    })
  })

  router.use(staffAccountRoutes(services))
  router.use(holidayRoutes(services))
  router.use(settingsRoutes(services))
  router.use(auditRoutes(services))
  return router
}
