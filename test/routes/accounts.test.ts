import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { agent, csrfFrom, follow, type Agent } from '../helpers/http'
import { createApplicant, uniqueIdNumber, uniquePhone } from '../helpers/factories'
import { makeIdNumber } from '../../src/domain/idNumber'
import { ACCOUNT_MESSAGES } from '../../src/domain/password'
import { MESSAGES } from '../../src/modules/accounts/messages'

const MANUAL_WARNING =
  '申请人进行用户注册信息填写时，请务必正确填写各项注册信息。如果证件类型、姓名、身份证件号码信息填写错误，将导致学历学籍、普通话证书和教师资格考试合格证明等信息无法比对核验。'

const NAME = '欧阳䶮'
const EMAIL = 'kept.address@example.com'
const PASSWORD = 'Secret#2026x'

/** Text as the browser shows it (the page escapes & < > " '). */
const unescapeHtml = (s: string) =>
  s.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!,
  )

/** A complete, valid registration for 2026-09-15 (the test clock's default day). */
function validForm(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const form: Record<string, string | undefined> = {
    docType: 'id_card',
    name: NAME,
    docNumber: uniqueIdNumber(),
    validFrom: '2020-01-01',
    validTo: '2040-01-01',
    password: PASSWORD,
    passwordConfirm: PASSWORD,
    email: EMAIL,
    phone: uniquePhone(),
    smsCode: '000000',
    agree: 'yes',
    ...overrides,
  }
  return Object.fromEntries(Object.entries(form).filter(([, v]) => v !== undefined)) as Record<string, string>
}

describe('实名注册', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes({
      config: {
        rateLimits: { loginPerIpPerMinute: 10_000, smsPerIpPerHour: 10_000, verifyPerIpPerHour: 100 },
      },
    })
  })
  afterAll(() => t.close())
  beforeEach(() => t.clock.set('2026-09-15T02:00:00Z'))

  async function openForm(): Promise<{ a: Agent; token: string }> {
    const a = agent(t.app)
    const page = await a.get('/register')
    expect(page.status).toBe(200)
    return { a, token: csrfFrom(page.text) }
  }

  async function latestCode(phone: string): Promise<string> {
    const row = await t
      .db('outbox')
      .where({ channel: 'sms', recipient: phone })
      .orderBy('id', 'desc')
      .first('body')
    if (!row) throw new Error(`no SMS to ${phone}`)
    return /(\d{6})/.exec(row.body)![1]
  }

  /** Asks for a code with the form's own button and returns the code the outbox holds. */
  async function askCode(a: Agent, token: string, form: Record<string, string>): Promise<string> {
    const res = await a
      .post('/register/sms-code')
      .type('form')
      .send({ ...form, action: 'sms', _csrf: token })
    expect(res.status).toBe(200)
    return latestCode(form.phone)
  }

  async function register(form: Record<string, string>) {
    const { a, token } = await openForm()
    const smsCode = await askCode(a, token, form)
    const res = await a
      .post('/register')
      .type('form')
      .send({ ...form, smsCode, _csrf: token })
    return { a, token, res }
  }

  const countApplicants = async () => Number((await t.db('applicants').count('* as n').first())!.n)

  it('shows the form with the four document types, their number formats, the warning and the agreement link', async () => {
    const page = await agent(t.app).get('/register')
    expect(page.status).toBe(200)
    for (const label of [
      '身份证',
      '港澳居民来往内地通行证',
      '五年有效期台湾居民来往大陆通行证',
      '港澳台居民居住证',
    ])
      expect(page.text).toContain(`>${label}</label>`)
    expect(page.text).toContain('9位（H或M及8位纯数字），最后两位换证次数无需填写')
    expect(page.text).toContain('8位（纯数字），最后两位换证次数无需填写')
    expect(page.text).toContain(MANUAL_WARNING)
    expect(page.text).toContain('<label for="agree">我已阅读并同意《用户账号注册协议》</label>')
    expect(page.text).toMatch(
      /value="agreement" formaction="\/register\/agreement"[^>]*>阅读《用户账号注册协议》/,
    )
    for (const field of [
      'name',
      'docNumber',
      'validFrom',
      'validTo',
      'password',
      'passwordConfirm',
      'email',
      'phone',
      'smsCode',
    ])
      expect(page.text).toContain(`<label for="${field}">`)
    expect(page.text).toMatch(
      /<button type="submit" class="button button-secondary" name="action" value="sms"/,
    )

    const agreement = await agent(t.app).get('/register/agreement')
    expect(agreement.status).toBe(200)
    expect(agreement.text).toContain('<h1>用户账号注册协议</h1>')
    expect(agreement.text).toContain('href="/register"')
  })

  it('registers a 身份证 holder, storing sex and birth date from the number, and sends them to the login page', async () => {
    const docNumber = makeIdNumber('420102', '19880214', '023') // odd sequence digit: male
    const form = validForm({
      docNumber: docNumber.toLowerCase().replace(/^(\d{6})/, '$1 '),
      validTo: undefined,
      validLong: 'yes',
    })
    const { a, res } = await register(form)
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/login')

    const row = await t
      .db('applicants')
      .where({ doc_number: docNumber })
      .first(
        'id',
        'doc_type',
        'name',
        'email',
        'phone',
        'sex',
        'password_hash',
        t.db.raw('birth_date::text'),
        t.db.raw('valid_to::text'),
      )
    expect(row).toMatchObject({
      doc_type: 'id_card',
      name: NAME,
      email: EMAIL,
      phone: form.phone,
      sex: 'M',
      birth_date: '1988-02-14',
      valid_to: null,
    })
    expect(row.password_hash).toMatch(/^\$argon2id\$/)
    const audit = await t.db('audit_log').where({ action: 'applicant.register', actor_id: row.id }).first()
    expect(audit).toMatchObject({
      actor_kind: 'applicant',
      target_type: 'applicant',
      target_id: String(row.id),
    })
    expect(JSON.stringify(audit)).not.toContain(docNumber)
    // registering is consent to the 用户账号注册协议 in force, recorded with its version and time
    const latest = Number((await t.db('agreement_versions').max('version as v').first())!.v)
    expect(await t.db('agreement_consents').where({ applicant_id: row.id })).toEqual([
      expect.objectContaining({ version: latest, at: t.clock.now(), ip: expect.any(String) }),
    ])

    const login = await follow(a, res)
    expect(login.text).toContain(MESSAGES.registered)
  })

  it('registers a 居住证 holder with an 83 number, reading sex and birth date from it', async () => {
    const docNumber = makeIdNumber('830000', '19950630', '002')
    const { res } = await register(validForm({ docType: 'residence_permit', docNumber }))
    expect(res.headers.location).toBe('/login')
    const row = await t
      .db('applicants')
      .where({ doc_number: docNumber })
      .first('doc_type', 'sex', t.db.raw('birth_date::text'))
    expect(row).toEqual({ doc_type: 'residence_permit', sex: 'F', birth_date: '1995-06-30' })
  })

  it('stores a 港澳通行证 number typed in lower case in its canonical form, without sex or birth date', async () => {
    const { res } = await register(validForm({ docType: 'hk_macau_pass', docNumber: 'h12345678' }))
    expect(res.headers.location).toBe('/login')
    const row = await t
      .db('applicants')
      .where({ doc_number: 'H12345678' })
      .first('doc_type', 'sex', 'birth_date')
    expect(row).toEqual({ doc_type: 'hk_macau_pass', sex: null, birth_date: null })
  })

  const fieldErrors: [string, Record<string, string | undefined>, string][] = [
    ['docType', { docType: undefined }, '请选择证件类型'],
    ['name', { name: '' }, ACCOUNT_MESSAGES.nameMissing],
    ['name', { name: '张三3' }, ACCOUNT_MESSAGES.nameChars],
    ['docNumber', { docNumber: '' }, MESSAGES.docNumberMissing],
    [
      'docNumber',
      { docNumber: makeIdNumber('110101', '19900101', '001').slice(0, 17) + 'Y' },
      '身份证号码应为18位',
    ],
    [
      'docNumber',
      { docNumber: makeIdNumber('110101', '19900101', '001').slice(0, 17) + '0' },
      '校验位不正确',
    ],
    ['docNumber', { docNumber: makeIdNumber('110101', '20300101', '001') }, '出生日期不正确'],
    ['docNumber', { docType: 'hk_macau_pass', docNumber: 'H1234567801' }, '9位（H或M及8位纯数字）'],
    ['docNumber', { docType: 'taiwan_pass', docNumber: '1234567' }, '8位（纯数字）'],
    [
      'docNumber',
      { docType: 'residence_permit', docNumber: makeIdNumber('840000', '19900101', '001') },
      '810000、820000或830000',
    ],
    ['validFrom', { validFrom: '' }, MESSAGES.validFromMissing],
    ['validFrom', { validFrom: '2020/01/01' }, MESSAGES.dateFormat],
    ['validFrom', { validFrom: '2026-09-16' }, MESSAGES.validFromFuture],
    ['validTo', { validTo: '' }, MESSAGES.validToMissing],
    ['validTo', { validTo: '2019-12-31' }, MESSAGES.validToBeforeStart],
    ['validTo', { validFrom: '2006-01-01', validTo: '2026-01-01' }, MESSAGES.validToExpired],
    ['validTo', { validTo: '2026-02-30' }, MESSAGES.dateFormat],
    [
      'validTo',
      { docType: 'taiwan_pass', docNumber: '12345678', validTo: '', validLong: 'yes' },
      MESSAGES.validLongOnlyIdCard,
    ],
    ['password', { password: 'abcdefgh', passwordConfirm: 'abcdefgh' }, ACCOUNT_MESSAGES.password],
    ['password', { password: 'Ab#1', passwordConfirm: 'Ab#1' }, ACCOUNT_MESSAGES.password],
    ['passwordConfirm', { passwordConfirm: 'Secret#2026y' }, MESSAGES.passwordMismatch],
    ['email', { email: 'someone@example。com' }, ACCOUNT_MESSAGES.emailFullWidth],
    ['email', { email: 'ｓomeone@example.com' }, ACCOUNT_MESSAGES.emailFullWidth],
    ['email', { email: 'someone.example.com' }, ACCOUNT_MESSAGES.email],
    ['phone', { phone: '1391234567' }, ACCOUNT_MESSAGES.mobile],
    ['smsCode', { smsCode: '' }, MESSAGES.smsCodeMissing],
    ['smsCode', { smsCode: '12ab56' }, MESSAGES.smsCodeFormat],
    ['smsCode', { smsCode: '123456' }, MESSAGES.smsNoCode],
    ['agree', { agree: undefined }, MESSAGES.agreeMissing],
  ]

  it.each(fieldErrors)(
    'refuses a bad %s beside the field and in the summary, keeping what else was typed (%j)',
    async (field, overrides, message) => {
      const before = await countApplicants()
      const { a, token } = await openForm()
      const form = validForm(overrides)
      const res = await a
        .post('/register')
        .type('form')
        .send({ ...form, _csrf: token })
      expect(res.status).toBe(303)
      expect(res.headers.location).toBe('/register')
      const page = await follow(a, res)
      expect(page.status).toBe(200)
      const id = field
      expect(page.text).toContain(`<a href="#${id}">`)
      const beside = new RegExp(`id="${id}-error"><span class="visually-hidden">错误：</span>([^<]*)</p>`)
      expect(unescapeHtml(beside.exec(page.text)?.[1] ?? '')).toContain(message)
      // Only this field is wrong.
      expect(page.text.match(/class="field-error"/g)).toHaveLength(1)
      // Everything else comes back as typed, except passwords.
      if (field !== 'name') expect(page.text).toContain(`value="${NAME}"`)
      if (field !== 'email') expect(page.text).toContain(`value="${EMAIL}"`)
      if (form.docType && field !== 'docType')
        expect(page.text).toMatch(new RegExp(`name="docType" value="${form.docType}"[^>]*checked`))
      if (field !== 'phone') expect(page.text).toContain(`value="${form.phone}"`)
      expect(page.text).not.toContain(PASSWORD)
      expect(page.text).not.toMatch(/name="password"[^>]*value=/)
      if (form.agree) expect(page.text).toMatch(/name="agree" value="yes" checked/)
      expect(await countApplicants()).toBe(before)
    },
  )

  it('refuses a number that is already registered, pointing to 忘记密码 and 常见问题, and keeps the code usable', async () => {
    const existing = await createApplicant(t.db)
    const form = validForm({ docNumber: existing.doc_number })
    const { a, res } = await register(form)
    expect(res.headers.location).toBe('/register')
    const page = await follow(a, res)
    expect(page.text).toContain(`${MESSAGES.duplicate}</p>`)
    expect(page.text).toMatch(/<a href="\/forgot-password">忘记密码<\/a>/)
    expect(page.text).toMatch(/<a href="\/help">常见问题<\/a>/)
    expect(
      await t.db('sms_codes').where({ phone: form.phone }).whereNotNull('used_at').first(),
    ).toBeUndefined()
    expect(
      await t.db('applicants').where({ doc_number: existing.doc_number }).count('* as n').first(),
    ).toEqual({ n: '1' })
  })

  it('keeps everything typed, both password fields included, when 获取短信验证码 is pressed, without putting the passwords in the session', async () => {
    const { a, token } = await openForm()
    const form = validForm()

    const bad = await a
      .post('/register')
      .type('form')
      .send({ ...form, phone: '12345', action: 'sms', _csrf: token })
    expect(bad.status).toBe(422)
    expect(bad.text).toContain(ACCOUNT_MESSAGES.mobile)
    expect(bad.text).toMatch(/name="password"[^>]*value="Secret#2026x"/)
    expect(await t.db('outbox').where({ recipient: '12345' }).first()).toBeUndefined()

    // The same form posted to /register with action=sms (browsers without formaction) sends the code too.
    const page = await a
      .post('/register')
      .type('form')
      .send({ ...form, action: 'sms', _csrf: token })
    expect(page.status).toBe(200)
    expect(page.headers['cache-control']).toBe('no-store')
    expect(page.text).toContain(MESSAGES.smsSent)
    expect(page.text).toContain(`value="${NAME}"`)
    expect(page.text).toContain(`value="${EMAIL}"`)
    expect(page.text).toContain(`value="${form.docNumber}"`)
    expect(page.text).toContain(`value="2040-01-01"`)
    expect(page.text).toMatch(/name="password"[^>]*value="Secret#2026x"/)
    expect(page.text).toMatch(/name="passwordConfirm"[^>]*value="Secret#2026x"/)
    expect(page.text).toMatch(/name="agree" value="yes" checked/)
    expect(page.text).not.toContain('class="field-error"')
    const sessions = await t.db('session').select(t.db.raw('sess::text as s'))
    expect(sessions.some((r: { s: string }) => r.s.includes(PASSWORD))).toBe(false)
    expect(await t.db('applicants').where({ doc_number: form.docNumber }).first()).toBeUndefined()
    const code = await latestCode(form.phone)

    // What the browser posts next is the page as it came back: the kept passwords register.
    const done = await a
      .post('/register')
      .type('form')
      .send({ ...form, smsCode: code, _csrf: csrfFrom(page.text) })
    expect(done.headers.location).toBe('/login')
  })

  it('heads the page with what happened when the three codes of the day are used, not 「提交的信息有误」', async () => {
    const { a, token } = await openForm()
    const form = validForm()
    for (let i = 0; i < 3; i++) await askCode(a, token, form)
    const refused = await a
      .post('/register/sms-code')
      .type('form')
      .send({ ...form, action: 'sms', _csrf: token })
    expect(refused.status).toBe(422)
    expect(refused.text).toContain(`<h2 id="error-summary-title">${MESSAGES.smsNotSentTitle}</h2>`)
    expect(refused.text).not.toContain('提交的信息有误')
    expect(refused.text).toContain(MESSAGES.smsQuota)
  })

  it('opens the agreement in the same window and brings the filled form back from it, 同意 ticking the box', async () => {
    const { a, token } = await openForm()
    const form = validForm({ agree: undefined, smsCode: '123456' })
    const agreement = await a
      .post('/register/agreement')
      .type('form')
      .send({ ...form, action: 'agreement', _csrf: token })
    expect(agreement.status).toBe(200)
    expect(agreement.text).toContain('<h1>用户账号注册协议</h1>')
    expect(agreement.text).not.toContain('返回实名注册</a>')
    expect(agreement.headers['cache-control']).toBe('no-store')

    // The page's own buttons post what it carries; read them as a browser would.
    const hidden = Object.fromEntries(
      [...agreement.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
        m[1],
        unescapeHtml(m[2]),
      ]),
    )
    expect(hidden).toMatchObject({ name: NAME, password: PASSWORD, email: EMAIL, smsCode: '123456' })

    const back = await a
      .post('/register/resume')
      .type('form')
      .send({ ...hidden, decision: 'back' })
    expect(back.status).toBe(200)
    expect(back.text).toContain('<h1>实名注册</h1>')
    expect(back.text).toContain(`value="${NAME}"`)
    expect(back.text).toContain(`value="${form.docNumber}"`)
    expect(back.text).toMatch(/name="passwordConfirm"[^>]*value="Secret#2026x"/)
    expect(back.text).toMatch(/id="smsCode"[^>]*value="123456"/)
    expect(back.text).not.toMatch(/name="agree" value="yes" checked/)

    const agreed = await a
      .post('/register/resume')
      .type('form')
      .send({ ...hidden, decision: 'agree' })
    expect(agreed.text).toMatch(/name="agree" value="yes" checked/)
    expect(agreed.text).not.toContain('class="field-error"')

    // Read on its own (not from the form), the agreement links back to the form.
    expect((await agent(t.app).get('/register/agreement')).text).toContain(
      '<a class="button" href="/register">返回实名注册</a>',
    )
  })

  it('labels the fields as manual 000 does: 登录密码, 再次输入登录密码 and 证件有效时间段', async () => {
    const page = await agent(t.app).get('/register')
    expect(page.text).toMatch(/<label for="password">登录密码</)
    expect(page.text).toMatch(/<label for="passwordConfirm">再次输入登录密码</)
    expect(page.text).toMatch(/<legend>证件有效时间段</)
    expect(page.text).toMatch(/<label for="validFrom">开始日期</)
    expect(page.text).toMatch(/<label for="validTo">结束日期</)
  })

  it('lets the applicant meet the 句号 rule of the server: the e-mail field is not type=email', async () => {
    const page = await agent(t.app).get('/register')
    const input = /<input[^>]*id="email"[^>]*>/.exec(page.text)![0]
    expect(input).not.toContain('type="email"')
    expect(input).toContain('inputmode="email"')
  })

  it('gives 3 codes and 17 refusals when 20 browsers ask for codes to one phone at once', async () => {
    const phone = uniquePhone()
    const browsers = await Promise.all(Array.from({ length: 20 }, () => openForm()))
    const answers = await Promise.all(
      browsers.map(({ a, token }) =>
        a
          .post('/register/sms-code')
          .type('form')
          .send({ ...validForm({ phone }), action: 'sms', _csrf: token }),
      ),
    )
    expect(answers.filter((r) => r.status === 200)).toHaveLength(3)
    const pages = answers
    expect(pages.filter((p) => p.text.includes(MESSAGES.smsSent))).toHaveLength(3)
    expect(pages.filter((p) => p.text.includes(MESSAGES.smsQuota))).toHaveLength(17)
    expect(await t.db('outbox').where({ channel: 'sms', recipient: phone }).count('* as n').first()).toEqual({
      n: '3',
    })
  })

  it('refuses a code that is more than 5 minutes old', async () => {
    const { a, token } = await openForm()
    const form = validForm()
    const code = await askCode(a, token, form)
    t.clock.advance(5 * 60_000 + 1000)
    const res = await a
      .post('/register')
      .type('form')
      .send({ ...form, smsCode: code, _csrf: token })
    const page = await follow(a, res)
    expect(page.text).toContain(MESSAGES.smsNoCode)
    expect(await t.db('applicants').where({ doc_number: form.docNumber }).first()).toBeUndefined()
  })

  it('refuses a code sent to another phone', async () => {
    const { a, token } = await openForm()
    const form = validForm()
    const code = await askCode(a, token, form)
    const res = await a
      .post('/register')
      .type('form')
      .send({ ...form, phone: uniquePhone(), smsCode: code, _csrf: token })
    expect((await follow(a, res)).text).toContain(MESSAGES.smsNoCode)
  })

  it('answers 403 to a POST without the CSRF token and creates nothing', async () => {
    const a = agent(t.app)
    await a.get('/register')
    const form = validForm()
    const before = await countApplicants()
    const res = await a.post('/register').type('form').send(form)
    expect(res.status).toBe(403)
    const code = await a
      .post('/register/sms-code')
      .type('form')
      .send({ ...form, action: 'sms' })
    expect(code.status).toBe(403)
    const wrong = await a
      .post('/register')
      .type('form')
      .send({ ...form, _csrf: 'not-the-token' })
    expect(wrong.status).toBe(403)
    expect(await countApplicants()).toBe(before)
    expect(await t.db('outbox').where({ recipient: form.phone }).first()).toBeUndefined()
    expect(await t.db('sms_quota').where({ phone: form.phone }).first()).toBeUndefined()
  })

  it('answers a crafted request (arrays and objects for fields) with field errors, not a crash', async () => {
    const { a, token } = await openForm()
    const res = await a
      .post('/register')
      .type('form')
      .send(`_csrf=${encodeURIComponent(token)}&name[]=x&phone[a]=1&validTo[]=1&docType[]=id_card&agree=on`)
    expect(res.status).toBe(303)
    const page = await follow(a, res)
    expect(page.status).toBe(200)
    expect(page.text).toContain('<a href="#phone">')
  })

  it('shows the 常见问题 page', async () => {
    const page = await agent(t.app).get('/help')
    expect(page.status).toBe(200)
    expect(page.text).toContain('<h1>常见问题</h1>')
    expect(page.text).toContain('该证件号码已被注册')
  })
})
