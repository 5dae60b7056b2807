import svgCaptcha from 'svg-captcha'

// A CAPTCHA image that needs no JavaScript; the answer stays in the server-side session.
export interface Captcha {
  readonly disabled: boolean
  create(): { svg: string; answer: string }
  matches(expected: string | undefined, given: string | undefined): boolean
}

export function svgCaptchaService(disabled = false): Captcha {
  return {
    disabled,
    create() {
      const c = svgCaptcha.create({
        size: 4,
        noise: 2,
        ignoreChars: '0o1ilI',
        color: false,
        background: '#f4f4f4',
      })
      return { svg: c.data, answer: c.text }
    },
    matches(expected, given) {
      if (disabled) return true
      if (!expected || !given) return false
      return expected.toLowerCase() === given.trim().toLowerCase()
    },
  }
}
