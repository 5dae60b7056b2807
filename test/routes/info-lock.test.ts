import { appWithAllRoutes, type TestApp } from '../helpers/app'
import { createApplicant } from '../helpers/factories'
import { agent, csrfFrom, submitForm } from '../helpers/http'
import { loginAs } from '../helpers/login'
import { infoItem, registryCertificateRow, certificateNumber } from '../helpers/infoFactories'
import {
  InfoItemNotOwned,
  lockInfoItems,
  syncCertificates,
  unlockInfoItems,
} from '../../src/modules/info/service'

// The lock hook: items used by a submitted application can be viewed, never changed or deleted.

describe('lockInfoItems', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await appWithAllRoutes()
  })
  afterAll(() => t.close())

  it('freezes the items: edit and delete pages and crafted POSTs are refused, viewing still works', async () => {
    const me = await createApplicant(t.db)
    const m = await infoItem(t.db, me.id, 'mandarin')
    const d = await infoItem(t.db, me.id, 'degree')
    await t.db.transaction((trx) =>
      lockInfoItems(
        trx,
        me.id,
        [
          { kind: 'mandarin', id: m.id },
          { kind: 'degree', id: d.id },
        ],
        { kind: 'registration', id: 1 },
      ),
    )
    const a = agent(t.app)
    await loginAs(a, me)

    const view = await a.get(`/info/mandarin/${m.id}`)
    expect(view.status).toBe(200)
    expect(view.text).toContain('只能查看')
    expect(view.text).not.toContain(`/info/mandarin/${m.id}/edit`)
    expect(view.text).not.toContain(`/info/mandarin/${m.id}/delete`)
    expect((await a.get('/info/mandarin')).text).toContain('已在报名中使用')

    const editPage = await a.get(`/info/degrees/${d.id}/edit`)
    expect(editPage.status).toBe(303)
    expect(editPage.headers.location).toBe(`/info/degrees/${d.id}`)

    // crafted POSTs, with a valid token from another page
    const token = csrfFrom((await a.get('/info/degrees/new')).text)
    const edit = await a.post(`/info/degrees/${d.id}/edit`).type('form').send({
      _csrf: token,
      degreeName: '硕士',
      certNumber: '999',
      school: 'X',
      major: 'Y',
      awardedOn: '2020-01-01',
    })
    expect(edit.status).toBe(303)
    expect((await a.get(edit.headers.location)).text).toContain('不能修改或删除')
    const del = await a.post(`/info/mandarin/${m.id}/delete`).type('form').send({ _csrf: token })
    expect(del.status).toBe(303)
    expect(await t.db('info_items').whereIn('id', [m.id, d.id])).toHaveLength(2)
    expect((await t.db('info_items').where({ id: d.id }).first()).details.degreeName).toBe('学士')
  })

  it('leaves unlocked items editable, is idempotent, and unlockInfoItems releases an application', async () => {
    const me = await createApplicant(t.db)
    const m = await infoItem(t.db, me.id, 'mandarin')
    const app = { kind: 'certification', id: 7 }
    await t.db.transaction((trx) => lockInfoItems(trx, me.id, [{ kind: 'mandarin', id: m.id }], app))
    await t.db.transaction((trx) => lockInfoItems(trx, me.id, [{ kind: 'mandarin', id: m.id }], app))
    expect(await t.db('info_item_uses').where({ item_id: m.id })).toHaveLength(1)
    expect(await t.db.transaction((trx) => unlockInfoItems(trx, app))).toBe(1)
    const a = agent(t.app)
    await loginAs(a, me)
    const res = await submitForm(a, `/info/mandarin/${m.id}`, {}, `/info/mandarin/${m.id}/delete`)
    expect(res.headers.location).toBe('/info/mandarin')
    expect(await t.db('info_items').where({ id: m.id })).toHaveLength(0)
  })

  it("refuses to lock another applicant's item and rolls the caller's transaction back", async () => {
    const me = await createApplicant(t.db)
    const other = await createApplicant(t.db)
    const theirs = await infoItem(t.db, other.id, 'education')
    await expect(
      t.db.transaction((trx) =>
        lockInfoItems(trx, me.id, [{ kind: 'education', id: theirs.id }], { kind: 'registration', id: 2 }),
      ),
    ).rejects.toBeInstanceOf(InfoItemNotOwned)
    // the same id under the wrong kind is not the applicant's either
    const mine = await infoItem(t.db, me.id, 'degree')
    await expect(
      t.db.transaction((trx) =>
        lockInfoItems(trx, me.id, [{ kind: 'mandarin', id: mine.id }], { kind: 'registration', id: 2 }),
      ),
    ).rejects.toBeInstanceOf(InfoItemNotOwned)
    expect(await t.db('info_item_uses').where({ application_id: 2 })).toHaveLength(0)
  })

  it('keeps a locked synced certificate through a 同步 even when the registry no longer has it', async () => {
    const me = await createApplicant(t.db)
    const cert = await registryCertificateRow(t.db, me, {
      cert_number: certificateNumber(2015),
      issued_on: '2015-01-01',
    })
    const who = { id: me.id, name: me.name, doc_number: me.doc_number }
    await syncCertificates(t.services, who)
    const row = await t.db('info_certificates').where({ applicant_id: me.id }).first()
    await t.db.transaction((trx) =>
      lockInfoItems(trx, me.id, [{ kind: 'certificate', id: row.id }], { kind: 'registration', id: 3 }),
    )
    await t.db('registry_certificates').where({ cert_number: cert.cert_number }).del()
    await syncCertificates(t.services, who)
    expect(await t.db('info_certificates').where({ id: row.id })).toHaveLength(1)
  })
})
