import type { Request } from 'express'
import { displaySwitchUrl, safeLocalPath } from '../../src/middleware/display'

// The 大字模式 switch link comes back to the same page; what it writes into every page must not carry
// a hostile value from the address the page was opened with.

const at = (originalUrl: string) => ({ originalUrl, path: originalUrl.split('?')[0] }) as Request
const back = (url: string) => new URL(url, 'http://x').searchParams.get('return')

describe('the display switch link', () => {
  it('comes back to the page with its plain query (a list page, a filter in Chinese)', () => {
    expect(displaySwitchUrl(at('/help?x=1'), 'standard')).toBe('/display?mode=large&return=%2Fhelp%3Fx%3D1')
    expect(back(displaySwitchUrl(at('/staff/queue?page=2&q=李明'), 'large'))).toBe(
      `/staff/queue?page=2&q=${encodeURIComponent('李明')}`,
    )
  })

  it('drops query values that are addresses or markup, and never leaves the site', () => {
    const url = displaySwitchUrl(
      at(`/info/mandarin/verify?return=${encodeURIComponent('https://evil.example/')}&page=3`),
      'standard',
    )
    expect(url).not.toContain('evil')
    expect(back(url)).toBe('/info/mandarin/verify?page=3')
    expect(displaySwitchUrl(at('/x?q=%3Cscript%3E'), 'standard')).toBe('/display?mode=large&return=%2Fx')
    expect(safeLocalPath('//evil.example')).toBe('/')
    expect(safeLocalPath('/\\evil.example')).toBe('/')
  })
})
