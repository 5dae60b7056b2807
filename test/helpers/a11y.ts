import type { BrowserContext, Page } from 'puppeteer'
import type { TestApp } from './app'
import { createApplicant, createStaff } from './factories'
import { agent } from './http'
import { loginAs } from './login'
import { certificationApplicant, certifyingAuthority } from './certificationFactories'
import { walk } from './certificationWizard'
import { sweepScene, type SweepScene } from './sweepScene'
import {
  axeFindings,
  newPage,
  startBrowserApp,
  WCAG22_AA,
  type BrowserApp,
  type PageElement,
} from './browser'

// The people the accessibility tests look through (test/browser/every-page.test.ts,
// display-modes.test.ts): a visitor, an applicant in each state, each staff role on its own, and the
// checks every page gets beyond axe-core (one h1, error summaries that reach their fields, no
// horizontal scroll bar).

declare const document: {
  documentElement: { clientWidth: number; scrollWidth: number }
  querySelectorAll(selector: string): PageElement[] & Iterable<PageElement>
  getElementById(id: string): PageElement | null
}

export type Person = { docNumber: string; password: string } | { username: string; password: string }

/** Who looks at every page, by name (a11yScene signs each in). */
export const PEOPLE = [
  'visitor',
  'applicant, first login not complete',
  'applicant, not verified',
  'applicant, halfway through 认定',
  'applicant with records',
  'admin',
  'identity_reviewer',
  'registration_approver',
  'certification_approver',
  'confirmation_clerk',
] as const

export interface A11yScene extends SweepScene {
  /** name (PEOPLE) → who signs in (null: a visitor) */
  people: [(typeof PEOPLE)[number], Person | null][]
}

const applicantLogin = (a: { doc_number: string; password: string }): Person => ({
  docNumber: a.doc_number,
  password: a.password,
})

/**
 * The sweep scene (sweepScene) and, besides its applicant holding every record: one whose first
 * login is not complete, one not yet verified, and one halfway through 教师资格认定 (walked to the
 * 个人承诺 step, so every step page is open to them); one staff member per role.
 */
export async function a11yScene(t: TestApp): Promise<A11yScene> {
  const scene = await sweepScene(t)
  const incomplete = await createApplicant(t.db, {
    name: '黄志强',
    doc_type: 'hk_macau_pass',
    doc_number: 'H12345678',
    identity_status: 'unverified',
    ethnicity: null,
    profile_completed_at: null,
  })
  const unverified = await createApplicant(t.db, { name: '王芳', identity_status: 'unverified' })
  const walker = await certificationApplicant(t.db)
  const to = await certifyingAuthority(t.db, { name: '南宁市青秀区教育局' })
  const a = agent(t.app)
  await loginAs(a, walker.applicant)
  await walk({ a, ...walker }, to)
  const { bureau } = scene
  const role = async (r: string, scope?: ['authority' | 'point', number]) => {
    const s = await createStaff(t.db, [{ role: r, scope_type: scope?.[0], scope_id: scope?.[1] }], {
      name: '张工作',
    })
    return { username: s.username, password: s.password }
  }
  return {
    ...scene,
    people: [
      ['visitor', null],
      ['applicant, first login not complete', applicantLogin(incomplete)],
      ['applicant, not verified', applicantLogin(unverified)],
      ['applicant, halfway through 认定', applicantLogin(walker.applicant)],
      ['applicant with records', applicantLogin(scene.applicant)],
      ['admin', await role('admin')],
      ['identity_reviewer', await role('identity_reviewer')],
      ['registration_approver', await role('registration_approver', ['authority', bureau.authorityId])],
      ['certification_approver', await role('certification_approver', ['authority', bureau.authorityId])],
      ['confirmation_clerk', await role('confirmation_clerk', ['point', bureau.pointId])],
    ],
  }
}

/**
 * What the page breaks beyond axe-core: not exactly one h1; an error summary link whose field is
 * not on the page; a horizontal scroll bar (the page wider than the window).
 */
export async function structureProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = []
    const h1s = document.querySelectorAll('h1')
    if (h1s.length !== 1) problems.push(`${h1s.length} h1 elements`)
    for (const a of document.querySelectorAll('.error-summary a')) {
      const href = a.getAttribute('href') ?? ''
      if (!href.startsWith('#') || !document.getElementById(decodeURIComponent(href.slice(1))))
        problems.push(`error summary link ${href} reaches no field`)
    }
    const { clientWidth, scrollWidth } = document.documentElement
    if (scrollWidth > clientWidth)
      problems.push(`wider than the window (${scrollWidth}px > ${clientWidth}px)`)
    return problems
  })
}

/** Everything wrong with the open page: WCAG 2.2 AA serious and critical findings, and the above. */
export async function pageProblems(page: Page): Promise<string[]> {
  return [...(await structureProblems(page)), ...(await axeFindings(page, WCAG22_AA))]
}

/** Switches the browser to 大字模式 or back through the header link's cookie. */
export async function setDisplayMode(page: Page, base: string, mode: 'large' | 'standard') {
  if (mode === 'large') await page.setCookie({ name: 'jszg.display', value: 'large', url: base })
  else await page.deleteCookie({ name: 'jszg.display', url: base })
}

/** The page at `width` px (a phone: 375): whether it needs a horizontal scroll bar, and what sticks out. */
export async function overflowAt(page: Page, width: number): Promise<string[]> {
  const viewport = page.viewport()
  await page.setViewport({ width, height: 740 })
  try {
    return await page.evaluate(() => {
      const { clientWidth, scrollWidth } = document.documentElement
      if (scrollWidth <= clientWidth) return []
      const wide = Array.from(document.querySelectorAll('main *, header *'))
        .filter((el) => el.getBoundingClientRect().right > clientWidth + 1)
        .slice(0, 3)
        .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`)
      return [`wider than ${clientWidth}px (${scrollWidth}px): ${wide.join(', ')}`]
    })
  } finally {
    if (viewport) await page.setViewport(viewport)
  }
}

/** The app in a browser with the a11y scene, 15 September 2026 (in a window), for the tests to look through. */
export interface A11yApp {
  app: BrowserApp
  scene: A11yScene
  /** who `name` (PEOPLE) signs in as */
  person(name: (typeof PEOPLE)[number]): Person | null
  /** A fresh browser context with `who` signed in (JavaScript off, 1024×768). */
  signedIn(who: Person | null): Promise<{ context: BrowserContext; page: Page }>
}

export async function startA11yApp(): Promise<A11yApp> {
  const app = await startBrowserApp()
  app.t.clock.set('2026-09-15T02:00:00Z')
  const scene = await a11yScene(app.t)
  return {
    app,
    scene,
    person: (name) => scene.people.find(([n]) => n === name)![1],
    async signedIn(who) {
      const context = await app.browser.createBrowserContext()
      const page = await newPage(context)
      if (who) await app.login(page, who)
      return { context, page }
    },
  }
}
