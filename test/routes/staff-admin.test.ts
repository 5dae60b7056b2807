import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent } from '../helpers/http'
import { createApplicant, createStaff } from '../helpers/factories'
import { makeAuthority } from '../helpers/bureauFactories'
import { loginApplicant, loginStaff, postFrom, staffLoginSucceeds } from './staffSupport'

const ADMIN_PAGES = [
  '/staff/admin/staff',
  '/staff/admin/staff/new',
  '/staff/admin/holidays',
  '/staff/admin/settings',
  '/staff/audit',
  '/staff/audit/export',
]

describe('staff accounts (工作人员管理)', () => {
  let t: TestApp
  let admin: { id: number; username: string; password: string }
  beforeAll(async () => {
    t = await appWithAllRoutes()
    admin = await createStaff(t.db, [{ role: 'admin' }], { name: '管理员甲' })
    // Scoped roles name real authorities and points (ids 3 and 5, point 7).
    for (const id of [3, 5])
      await makeAuthority(t.db, { id, name: `机构${id}` } as Parameters<typeof makeAuthority>[1])
    await t.db('confirmation_points').insert({
      id: 7,
      authority_id: 3,
      name: '确认点7',
      created_at: new Date(),
      updated_at: new Date(),
    })
  })
  afterAll(() => t.close())

  it('refuses a scoped role on an authority or point that does not exist, listing the real ones', async () => {
    const a = await loginStaff(t, admin.username, admin.password)
    const form = await a.get('/staff/admin/staff/new')
    expect(form.text).toContain('3 机构3')
    expect(form.text).toContain('7 确认点7（机构3）')
    const res = await postFrom(a, '/staff/admin/staff/new', '/staff/admin/staff/new', {
      username: 'nobody.scoped',
      name: '无机构',
      password: 'Abcd#1234',
      passwordConfirm: 'Abcd#1234',
      scope_registration_approver: '3, 99',
      scope_confirmation_clerk: '98',
    })
    expect(res.status).toBe(303)
    const page = await a.get(res.headers.location)
    expect(page.text).toContain('没有编号为 99 的机构')
    expect(page.text).toContain('没有编号为 98 的确认点')
    expect(await t.db('staff_users').where({ username: 'nobody.scoped' }).first()).toBeUndefined()
  })

  it('lets an administrator create an account with scoped roles, audited with the IP, and the new account can sign in', async () => {
    const a = await loginStaff(t, admin.username, admin.password)
    const res = await postFrom(a, '/staff/admin/staff/new', '/staff/admin/staff/new', {
      username: 'Li.Shenhe',
      name: '李审核',
      phone: '13900000001',
      email: 'lsh@example.com',
      password: 'Good#pass1',
      passwordConfirm: 'Good#pass1',
      roles: ['identity_reviewer'],
      scope_registration_approver: '3，5',
      scope_confirmation_clerk: '',
    })
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/staff/admin/staff')

    const row = await t.db('staff_users').where({ username: 'li.shenhe' }).first()
    expect(row).toMatchObject({
      name: '李审核',
      phone: '13900000001',
      email: 'lsh@example.com',
      active: true,
    })
    expect(row.password_hash).toMatch(/^\$argon2id\$/)
    const roles = await t
      .db('staff_roles')
      .where({ staff_id: row.id })
      .orderBy(['role', 'scope_id'])
      .select('role', 'scope_type', 'scope_id')
    expect(roles.map((r) => [r.role, r.scope_type, r.scope_id === null ? null : Number(r.scope_id)])).toEqual(
      [
        ['identity_reviewer', 'instance', null],
        ['registration_approver', 'authority', 3],
        ['registration_approver', 'authority', 5],
      ],
    )
    const entry = await t
      .db('audit_log')
      .where({ action: 'staff.create', target_id: String(row.id) })
      .first()
    expect(entry).toMatchObject({ actor_kind: 'staff', actor_label: admin.username })
    expect(entry.ip).toBeTruthy()
    expect(JSON.stringify(entry.detail)).not.toContain('Good#pass1')

    const list = await a.get('/staff/admin/staff')
    expect(list.text).toContain('li.shenhe')
    expect(list.text).toContain('注册审批（机构 3）')

    const b = await loginStaff(t, 'li.shenhe', 'Good#pass1')
    const home = await b.get('/staff')
    expect(home.status).toBe(200)
    expect(home.text).toContain('实名人工审核')
    expect(home.text).not.toContain('工作人员管理')
  })

  it('refuses a weak password, a bad phone, no role and a taken username, keeping the other input', async () => {
    const a = await loginStaff(t, admin.username, admin.password)
    const res = await postFrom(a, '/staff/admin/staff/new', '/staff/admin/staff/new', {
      username: admin.username,
      name: '王五',
      phone: '12345',
      email: '',
      password: 'short',
      passwordConfirm: 'short',
      scope_confirmation_clerk: 'abc',
    })
    expect(res.status).toBe(303)
    const page = await a.get(res.headers.location)
    expect(page.text).toContain('提交的信息有误')
    expect(page.text).toContain('href="#password"')
    expect(page.text).toContain('href="#phone"')
    expect(page.text).toContain('href="#scope_confirmation_clerk"')
    expect(page.text).toContain('value="王五"')
    expect(page.text).not.toContain('value="short"')

    const taken = await postFrom(a, '/staff/admin/staff/new', '/staff/admin/staff/new', {
      username: admin.username,
      name: '王五',
      password: 'Good#pass1',
      passwordConfirm: 'Good#pass1',
      roles: 'identity_reviewer',
    })
    const again = await a.get(taken.headers.location)
    expect(again.text).toContain('该用户名已被使用')
    expect(await t.db('staff_users').where({ name: '王五' }).count('* as n').first()).toEqual({ n: '0' })

    const noRole = await postFrom(a, '/staff/admin/staff/new', '/staff/admin/staff/new', {
      username: 'norole',
      name: '王五',
      password: 'Good#pass1',
      passwordConfirm: 'Good#pass1',
    })
    expect((await a.get(noRole.headers.location)).text).toContain('请至少选择一个角色')
  })

  it('edits name and roles, and the change is audited with before and after', async () => {
    const target = await createStaff(t.db, [{ role: 'identity_reviewer' }], { name: '旧名字' })
    const a = await loginStaff(t, admin.username, admin.password)
    const res = await postFrom(a, `/staff/admin/staff/${target.id}`, `/staff/admin/staff/${target.id}`, {
      name: '新名字',
      phone: '',
      email: '',
      roles: ['admin'],
      scope_confirmation_clerk: '7',
    })
    expect(res.status).toBe(303)
    expect((await t.db('staff_users').where({ id: target.id }).first()).name).toBe('新名字')
    const roles = await t.db('staff_roles').where({ staff_id: target.id }).orderBy('role').pluck('role')
    expect(roles).toEqual(['admin', 'confirmation_clerk'])
    const entry = await t
      .db('audit_log')
      .where({ action: 'staff.update', target_id: String(target.id) })
      .first()
    expect(entry.detail).toMatchObject({
      changed: ['name'],
      roles: { from: ['identity_reviewer@instance:'] },
    })
  })

  it('deactivates an account: it cannot sign in and its open session stops working; reactivation restores it', async () => {
    const target = await createStaff(t.db, [{ role: 'identity_reviewer' }])
    const victim = await loginStaff(t, target.username, target.password)
    expect((await victim.get('/staff')).status).toBe(200)

    const a = await loginStaff(t, admin.username, admin.password)
    const res = await postFrom(
      a,
      `/staff/admin/staff/${target.id}`,
      `/staff/admin/staff/${target.id}/deactivate`,
      {},
    )
    expect(res.status).toBe(303)
    expect((await t.db('staff_users').where({ id: target.id }).first()).active).toBe(false)
    expect(
      await t
        .db('audit_log')
        .where({ action: 'staff.deactivate', target_id: String(target.id) })
        .first(),
    ).toBeTruthy()

    const after = await victim.get('/staff')
    expect(after.status).toBe(303)
    expect(after.headers.location).toBe('/staff/login')
    expect(await staffLoginSucceeds(t, target.username, target.password)).toBe(false)

    await postFrom(a, `/staff/admin/staff/${target.id}`, `/staff/admin/staff/${target.id}/reactivate`, {})
    expect(await staffLoginSucceeds(t, target.username, target.password)).toBe(true)
    expect(await t.db('staff_users').where({ id: target.id }).count('* as n').first()).toEqual({ n: '1' })
  })

  it('refuses to let administrators deactivate themselves or drop their own administrator role', async () => {
    const a = await loginStaff(t, admin.username, admin.password)
    const res = await postFrom(
      a,
      `/staff/admin/staff/${admin.id}`,
      `/staff/admin/staff/${admin.id}/deactivate`,
      {},
    )
    expect((await a.get(res.headers.location)).text).toContain('不能停用自己的账号')
    expect((await t.db('staff_users').where({ id: admin.id }).first()).active).toBe(true)

    const drop = await postFrom(a, `/staff/admin/staff/${admin.id}`, `/staff/admin/staff/${admin.id}`, {
      name: '管理员甲',
      roles: ['identity_reviewer'],
    })
    expect((await a.get(drop.headers.location)).text).toContain('不能取消自己的系统管理员角色')
    expect(await t.db('staff_roles').where({ staff_id: admin.id }).pluck('role')).toEqual(['admin'])
  })

  it('resets a password: the old one stops working, the new one works, and no password reaches the audit log', async () => {
    const target = await createStaff(t.db, [{ role: 'identity_reviewer' }])
    const a = await loginStaff(t, admin.username, admin.password)
    const mismatch = await postFrom(
      a,
      `/staff/admin/staff/${target.id}/password`,
      `/staff/admin/staff/${target.id}/password`,
      {
        password: 'New#pass2026',
        passwordConfirm: 'Other#pass2026',
      },
    )
    expect((await a.get(mismatch.headers.location)).text).toContain('两次输入的密码不一致')

    const res = await postFrom(
      a,
      `/staff/admin/staff/${target.id}/password`,
      `/staff/admin/staff/${target.id}/password`,
      {
        password: 'New#pass2026',
        passwordConfirm: 'New#pass2026',
      },
    )
    expect(res.status).toBe(303)
    expect(await staffLoginSucceeds(t, target.username, target.password)).toBe(false)
    expect(await staffLoginSucceeds(t, target.username, 'New#pass2026')).toBe(true)
    const entry = await t
      .db('audit_log')
      .where({ action: 'staff.reset_password', target_id: String(target.id) })
      .first()
    expect(entry.ip).toBeTruthy()
    expect(JSON.stringify(entry)).not.toContain('New#pass2026')
  })

  it('answers 403 on every administrator page to staff without the administrator role', async () => {
    const reviewer = await createStaff(t.db, [
      { role: 'identity_reviewer' },
      { role: 'registration_approver', scope_type: 'authority', scope_id: 2 },
    ])
    const a = await loginStaff(t, reviewer.username, reviewer.password)
    for (const url of [
      ...ADMIN_PAGES,
      `/staff/admin/staff/${admin.id}`,
      `/staff/admin/staff/${admin.id}/password`,
    ]) {
      const res = await a.get(url)
      expect([url, res.status]).toEqual([url, 403])
    }
    const home = await a.get('/staff')
    expect(home.text).toContain('注册审批（机构 2）')
    expect(home.text).not.toContain('/staff/admin/staff')
    // A forged POST with a valid token is refused too.
    const res = await postFrom(a, '/staff', '/staff/admin/staff/new', {
      username: 'sneaky',
      name: '潜入',
      password: 'Good#pass1',
      passwordConfirm: 'Good#pass1',
      roles: 'admin',
    })
    expect(res.status).toBe(403)
    expect(await t.db('staff_users').where({ username: 'sneaky' }).first()).toBeUndefined()
  })

  it('sends visitors and signed-in applicants to the staff login', async () => {
    for (const url of ['/staff', ...ADMIN_PAGES]) {
      const res = await agent(t.app).get(url)
      expect([url, res.status, res.headers.location]).toEqual([url, 303, '/staff/login'])
    }
    const applicant = await createApplicant(t.db)
    const a = await loginApplicant(t, applicant.doc_number, applicant.password)
    for (const url of ['/staff', '/staff/admin/staff']) {
      const res = await a.get(url)
      expect([url, res.status, res.headers.location]).toEqual([url, 303, '/staff/login'])
    }
  })

  it('shows the administrator every console section', async () => {
    const a = await loginStaff(t, admin.username, admin.password)
    const home = await a.get('/staff')
    for (const title of [
      '实名人工审核',
      '身份信息库导入',
      '工作人员管理',
      '节假日设置',
      '系统设置',
      '审计日志',
    ])
      expect(home.text).toContain(title)
  })
})
