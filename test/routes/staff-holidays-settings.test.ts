import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { createStaff } from '../helpers/factories'
import type { Agent } from '../helpers/http'
import { getSettings } from '../../src/modules/staff/settings'
import { settingLines } from '../../src/modules/registration/repository'
import { loginStaff, postFrom } from './staffSupport'

const HOLIDAYS = '/staff/admin/holidays'
const SETTINGS = '/staff/admin/settings'

describe('holiday table and instance settings', () => {
  let t: TestApp
  let a: Agent
  beforeAll(async () => {
    t = await appWithAllRoutes()
    const admin = await createStaff(t.db, [{ role: 'admin' }])
    a = await loginStaff(t, admin.username, admin.password)
  })
  afterAll(() => t.close())

  const days = async () =>
    (
      await t
        .db('holidays')
        .orderBy('day')
        .select(t.db.raw(`to_char(day, 'YYYY-MM-DD') AS day`), 'kind', 'name')
    ).map((r: { day: string; kind: string; name: string }) => `${r.day} ${r.kind} ${r.name}`)

  it('adds one day, lists it under its year, and deletes it, auditing both', async () => {
    const res = await postFrom(a, HOLIDAYS, HOLIDAYS, { day: '2027-01-01', kind: 'holiday', name: '元旦' })
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe(`${HOLIDAYS}?year=2027`)
    const page = await a.get(res.headers.location)
    expect(page.text).toContain('2027-01-01')
    expect(page.text).toContain('元旦')
    expect(await days()).toContain('2027-01-01 holiday 元旦')

    const del = await postFrom(a, `${HOLIDAYS}?year=2027`, `${HOLIDAYS}/delete`, { day: '2027-01-01' })
    expect(del.status).toBe(303)
    expect(await days()).not.toContain('2027-01-01 holiday 元旦')
    const actions = await t.db('audit_log').where({ target_id: '2027-01-01' }).orderBy('id').pluck('action')
    expect(actions).toEqual(['holiday.add', 'holiday.delete'])
  })

  it('refuses an impossible date with a message beside the field, keeping the name', async () => {
    const res = await postFrom(a, HOLIDAYS, HOLIDAYS, { day: '2026-02-30', kind: 'holiday', name: '不存在' })
    const page = await a.get(res.headers.location)
    expect(page.text).toContain('href="#day"')
    expect(page.text).toContain('日期不是有效的日期')
    expect(page.text).toContain('value="不存在"')
    const badFormat = await postFrom(a, HOLIDAYS, HOLIDAYS, { day: '2026/10/01', kind: 'holiday', name: '' })
    expect((await a.get(badFormat.headers.location)).text).toContain('日期应为“年-月-日”格式')
    expect(await days()).not.toContain('2026-02-30 holiday 不存在')
  })

  it('bulk-adds pasted lines, replacing existing dates, and imports nothing when any line is wrong', async () => {
    const good = [
      '2028-10-01,holiday,国庆节',
      '2028-10-02，节假日，国庆节',
      '',
      '2028-09-30,workday,国庆节调休',
    ].join('\n')
    const res = await postFrom(a, HOLIDAYS, `${HOLIDAYS}/bulk`, { lines: good })
    expect(res.status).toBe(303)
    expect(await days()).toEqual(
      expect.arrayContaining([
        '2028-09-30 workday 国庆节调休',
        '2028-10-01 holiday 国庆节',
        '2028-10-02 holiday 国庆节',
      ]),
    )
    const entry = await t
      .db('audit_log')
      .where({ action: 'holiday.add', target_id: '2028-09-30..2028-10-02' })
      .first()
    expect(entry.detail).toEqual({ count: 3 })

    const bad = [
      '2028-10-03,holiday,国庆节',
      '2028-13-01,holiday,坏日期',
      '2028-10-04,rest,坏类型',
      '2028-10-01,workday,改',
    ].join('\n')
    const refused = await postFrom(a, HOLIDAYS, `${HOLIDAYS}/bulk`, { lines: bad })
    const page = await a.get(refused.headers.location)
    expect(page.text).toContain('第2行：2028-13-01不是有效的日期')
    expect(page.text).toContain('第3行')
    expect(page.text).toContain('未导入任何日期')
    expect(page.text).toContain('2028-10-03,holiday,国庆节')
    const after = await days()
    expect(after).not.toContain('2028-10-03 holiday 国庆节')
    expect(after).toContain('2028-10-01 holiday 国庆节')
  })

  it('saves the settings and reads them back through getSettings, with defaults before any save', async () => {
    expect(await getSettings(t.db)).toMatchObject({ registrationHalf: 'H2', notice: '' })
    const res = await postFrom(a, SETTINGS, SETTINGS, {
      bureauName: '青秀区教育局',
      contactPhone: '0771-5551234',
      contactEmail: 'jyj@example.gov.cn',
      notice: '2026年下半年定期注册将于9月开放。',
      registrationHalf: 'H1',
      registrationNotices: '1.请于9月30日前到确认点现场确认。\r\n2.携带聘用合同原件。',
      staffPasswordMaxAgeDays: '60',
      staffPasswordHistory: '3',
    })
    expect(res.status).toBe(303)
    expect(await getSettings(t.db)).toEqual({
      bureauName: '青秀区教育局',
      contactPhone: '0771-5551234',
      contactEmail: 'jyj@example.gov.cn',
      contactHours: '',
      notice: '2026年下半年定期注册将于9月开放。',
      registrationHalf: 'H1',
      registrationNotices: '1.请于9月30日前到确认点现场确认。\r\n2.携带聘用合同原件。',
      registrationReminder: '',
      registrationMustRead: '',
      certificationMustRead: '',
      registrationMaterials: '',
      mandarinExemptionAllowed: false,
      mandarinExemptionNote: '',
      consultationFaq: '',
      consultationEmail: '',
      consultationContacts: '',
      consultationManuals: '',
      staffPasswordMaxAgeDays: 60,
      staffPasswordHistory: 3,
    })
    // the registration wizard's 注意事项 step reads them, one paragraph per line
    expect(await settingLines(t.db, 'registration_notices')).toEqual([
      '1.请于9月30日前到确认点现场确认。',
      '2.携带聘用合同原件。',
    ])
    expect(await settingLines(t.db, 'registration_reminder')).toBeUndefined()
    const page = await a.get(SETTINGS)
    expect(page.text).toContain('value="青秀区教育局"')
    expect(page.text).toContain('2026年下半年定期注册将于9月开放。')
    const entry = await t.db('audit_log').where({ action: 'settings.update' }).orderBy('id', 'desc').first()
    expect(entry.detail.changed).toEqual(
      expect.arrayContaining([
        'bureau_name',
        'contact_phone',
        'notice',
        'registration_half',
        'staff_password_max_age_days',
        'staff_password_history',
        'registration_notices',
      ]),
    )
    expect(entry.ip).toBeTruthy()
  })

  it('refuses a bad e-mail and an empty bureau name, saving nothing and keeping the input', async () => {
    const before = await getSettings(t.db)
    const res = await postFrom(a, SETTINGS, SETTINGS, {
      bureauName: '',
      contactPhone: '电话',
      contactEmail: 'jyj。example.com',
      notice: '保留这段公告',
      registrationHalf: 'H2',
    })
    const page = await a.get(res.headers.location)
    expect(page.text).toContain('href="#bureauName"')
    expect(page.text).toContain('href="#contactEmail"')
    expect(page.text).toContain('href="#contactPhone"')
    expect(page.text).toContain('保留这段公告')
    expect(await getSettings(t.db)).toEqual(before)
  })

  it('turns 普通话免测 on with its policy note inside the province’s Mandarin rule, keeping the rule’s other parts, audited', async () => {
    await t.db('settings').insert({
      key: 'certification_mandarin_rule',
      value: JSON.stringify({
        minimum: '二级乙等',
        bySubject: { 语文: '二级甲等' },
        exemptionAllowed: false,
      }),
      updated_at: new Date(),
    })
    const note = '年满50周岁或长期在少数民族聚居区任教的，可申请普通话免测（以省教育厅文件为准）。'
    const res = await postFrom(a, SETTINGS, SETTINGS, {
      bureauName: '青秀区教育局',
      registrationHalf: 'H2',
      mandarinExemptionAllowed: 'yes',
      mandarinExemptionNote: note,
    })
    expect(res.status).toBe(303)
    expect(await getSettings(t.db)).toMatchObject({
      mandarinExemptionAllowed: true,
      mandarinExemptionNote: note,
    })
    const rule = await t.db('settings').where({ key: 'certification_mandarin_rule' }).first('value')
    expect(rule.value).toEqual({
      minimum: '二级乙等',
      bySubject: { 语文: '二级甲等' },
      exemptionAllowed: true,
    })
    const entry = await t.db('audit_log').where({ action: 'settings.update' }).orderBy('id', 'desc').first()
    expect(entry.detail.changed).toEqual(
      expect.arrayContaining(['certification_mandarin_rule', 'certification_mandarin_exemption_note']),
    )
    const page = (await a.get(SETTINGS)).text
    expect(page).toMatch(/id="mandarinExemptionAllowed" name="mandarinExemptionAllowed" value="yes" checked/)
    expect(page).toContain(note)
  })

  it('shows a too-long text’s error beside its field in Chinese and refuses a post without the CSRF token', async () => {
    const before = await getSettings(t.db)
    const res = await postFrom(a, SETTINGS, SETTINGS, {
      bureauName: '青秀区教育局',
      registrationHalf: 'H2',
      registrationMaterials: '材'.repeat(2001),
    })
    const page = await a.get(res.headers.location)
    expect(page.text).toContain('href="#registrationMaterials"')
    expect(page.text).toMatch(/id="registrationMaterials-error">[\s\S]*?确认未通过材料清单不能超过2000个字符/)
    expect(await getSettings(t.db)).toEqual(before)
    const forged = await a
      .post(SETTINGS)
      .type('form')
      .send({ bureauName: '伪造', registrationHalf: 'H2', mandarinExemptionAllowed: 'no' })
    expect(forged.status).toBe(403)
    expect(await getSettings(t.db)).toEqual(before)
  })
})
