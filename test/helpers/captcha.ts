import type { Captcha } from '../../src/services/captcha'

// Tests swap in a CAPTCHA whose answer they know.
export function fixedCaptcha(answer = 'test'): Captcha {
  return {
    disabled: false,
    create: () => ({ svg: `<svg xmlns="http://www.w3.org/2000/svg"><text>${answer}</text></svg>`, answer }),
    matches: (expected, given) => !!expected && expected === (given ?? '').trim(),
  }
}
