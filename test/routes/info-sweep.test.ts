import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { createApplicant } from '../helpers/factories'
import { agent, csrfFrom, type Agent } from '../helpers/http'
import { loginAs } from '../helpers/login'
import {
  certificateNumber,
  infoItem,
  registryCertificateRow,
  registryExamPassRow,
  registryStudentStatusRow,
} from '../helpers/infoFactories'
import { syncCertificates } from '../../src/modules/info/service'

// The route sweep: applicant B asks for every information-centre page and action with applicant
// A's ids. Every answer is 404 (or a redirect away), A's data never appears, and A's items are intact.

describe('个人信息中心: one applicant never reaches another applicant’s items', () => {
  let t: TestApp
  let b: Agent
  let token: string
  const secrets: string[] = []
  const ids: Record<'mandarin' | 'education' | 'degree', number> = { mandarin: 0, education: 0, degree: 0 }
  const scans: string[] = []

  beforeAll(async () => {
    t = await appWithAllRoutes()
    const a = await createApplicant(t.db, { name: '甲某某' })
    for (const kind of ['mandarin', 'education', 'degree'] as const) {
      const item = await infoItem(t.db, a.id, kind)
      ids[kind] = item.id
      secrets.push(item.cert_number)
      if (item.scan_file_id) scans.push(item.scan_file_id)
    }
    const exam = await registryExamPassRow(t.db, a)
    await registryStudentStatusRow(t.db, a, { school: '甲某某的学校' })
    const cert = await registryCertificateRow(t.db, a, {
      cert_number: certificateNumber(2016),
      issued_on: '2016-01-01',
    })
    await syncCertificates(t.services, { id: a.id, name: a.name, doc_number: a.doc_number })
    secrets.push(exam.cert_number, cert.cert_number, a.doc_number, '甲某某')

    const other = await createApplicant(t.db, { name: '乙某' })
    b = agent(t.app)
    await loginAs(b, other)
    token = csrfFrom((await b.get('/info/degrees/new')).text)
  })
  afterAll(() => t.close())

  const paths = { mandarin: 'mandarin', education: 'education', degree: 'degrees' } as const

  it('GETs of A’s items answer 404 without A’s data', async () => {
    for (const kind of ['mandarin', 'education', 'degree'] as const) {
      for (const suffix of ['', '/edit']) {
        const res = await b.get(`/info/${paths[kind]}/${ids[kind]}${suffix}`)
        expect([res.status, `${kind}${suffix}`]).toEqual([404, `${kind}${suffix}`])
        for (const s of secrets) expect(res.text).not.toContain(s)
      }
    }
    for (const id of scans) expect((await b.get(`/files/${id}`)).status).toBe(404)
  })

  it('B’s own list pages show none of A’s data', async () => {
    for (const url of [
      '/info',
      '/info/exams',
      '/info/mandarin',
      '/info/education',
      '/info/degrees',
      '/info/certificates',
    ]) {
      const res = await b.get(url)
      expect(res.status).toBe(200)
      for (const s of secrets) expect(res.text).not.toContain(s)
    }
  })

  it('crafted POSTs to edit or delete A’s items answer 404 and change nothing', async () => {
    const forms: Record<string, Record<string, string>> = {
      mandarin: { certNumber: 'X1', score: '90', issuer: 'x', issuedOn: '2020-01-01' },
      education: {
        category: 'unverifiable',
        certNumber: 'X1',
        school: 'x',
        major: 'x',
        level: '大学本科',
        graduatedOn: '2020-01-01',
      },
      degree: { degreeName: '无学位' },
    }
    for (const kind of ['mandarin', 'education', 'degree'] as const) {
      const base = `/info/${paths[kind]}/${ids[kind]}`
      const edit = await b
        .post(`${base}/edit`)
        .type('form')
        .send({ _csrf: token, ...forms[kind] })
      expect([edit.status, kind]).toEqual([404, kind])
      const del = await b.post(`${base}/delete`).type('form').send({ _csrf: token })
      expect([del.status, kind]).toEqual([404, kind])
      for (const s of secrets) expect(edit.text + del.text).not.toContain(s)
    }
    const rows = await t.db('info_items').whereIn('id', Object.values(ids))
    expect(rows).toHaveLength(3)
    expect(rows.every((r) => r.status === 'pending' && r.version === 1)).toBe(true)
  })

  it('an item id under another kind’s path is not found either', async () => {
    const res = await b.get(`/info/mandarin/${ids.degree}`)
    expect(res.status).toBe(404)
  })

  it('A’s items stay off the staff screen for an applicant', async () => {
    const res = await b.get(`/staff/info-reviews/${ids.mandarin}`)
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe('/staff/login')
  })
})
