import fc from 'fast-check'
import {
  ACCOUNT_MESSAGES,
  checkEmail,
  checkMobile,
  checkName,
  checkPassword,
  normaliseName,
} from '../../src/domain/password'

describe('checkPassword', () => {
  const RULE = '密码须为8位以上数字、字母和特殊字符组合（特殊字符请从“#、%、*、-、_、!、@、$、&”中选取）'

  it.each([
    ['accepts digits, letters and a special character', 'Abc#1234'],
    ['accepts lowercase letters only', 'abc#1234'],
    ['accepts exactly 8 characters', 'a1-b2_c3'],
    ['accepts other characters beside the required ones', 'Ab#1234中文'],
    ['accepts every listed special character', 'a1#%*-_!@$&'],
  ])('%s', (_name, pw) => {
    expect(checkPassword(pw)).toBeNull()
  })

  it.each([
    ['refuses 7 characters', 'Ab#1234'],
    ['refuses a password without a special character', 'Abcd1234'],
    ['refuses a password without a digit', 'Abc#defg'],
    ['refuses a password without a letter', '1234#567'],
    ['refuses a special character outside the list', 'Abc^1234'],
    ['refuses Chinese characters standing in for letters', '密码#1234'],
    ['refuses an empty password', ''],
  ])('%s with the rule as the message', (_name, pw) => {
    expect(checkPassword(pw)).toBe(RULE)
  })

  it('accepts any 8+ character password with a digit, a letter and a listed special character', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d$/),
        fc.stringMatching(/^[A-Za-z]$/),
        fc.constantFrom(...'#%*-_!@$&'),
        fc.string({ minLength: 5, maxLength: 30 }),
        (digit, letter, special, rest) => {
          expect(checkPassword(digit + rest + letter + special)).toBeNull()
        },
      ),
    )
  })
})

describe('checkEmail', () => {
  it.each([
    'user@example.com',
    '12345678@qq.com',
    'first.last+tag@mail.example.edu.cn',
    'a_b-c@sub-domain.cn',
  ])('accepts %s', (e) => {
    expect(checkEmail(e)).toBeNull()
  })

  it.each([
    ['a Chinese full stop', '12345@qq。com'],
    ['a full-width at sign', '12345＠qq.com'],
    ['a full-width full stop', '12345@qq．com'],
    ['full-width letters', 'ｕｓｅｒ@qq.com'],
    ['an ideographic space', '12345\u3000@qq.com'],
  ])('refuses %s, explaining full stops and the QQ numeric form', (_name, e) => {
    const message = checkEmail(e)
    expect(message).toContain('邮箱中的点勿使用句号代替')
    expect(message).toContain('如您所使用的邮箱为QQ邮箱，请使用@前为纯数字的形式')
  })

  it.each([
    ['no at sign', 'user.example.com'],
    ['two at signs', 'a@b@example.com'],
    ['a domain without a dot', 'user@localhost'],
    ['an empty local part', '@example.com'],
    ['a local part starting with a dot', '.user@example.com'],
    ['two dots in a row', 'first..last@example.com'],
    ['a domain label ending with a hyphen', 'user@example-.com'],
    ['Chinese characters', '张三@qq.com'],
    ['a space', 'user name@qq.com'],
    ['more than 254 characters', `${'a'.repeat(60)}@${Array(4).fill('b'.repeat(60)).join('.')}.com`],
    ['a local part over 64 characters', `${'a'.repeat(65)}@example.com`],
    ['an empty string', ''],
  ])('refuses an address with %s', (_name, e) => {
    expect(checkEmail(e)).toBe(ACCOUNT_MESSAGES.email)
  })
})

describe('checkMobile', () => {
  it('accepts 11 digits starting with 1', () => {
    expect(checkMobile('13812345678')).toBeNull()
  })

  it.each(['1381234567', '138123456789', '23812345678', '138-1234-5678', '+8613812345678', ''])(
    'refuses %s',
    (m) => {
      expect(checkMobile(m)).toBe('请输入11位手机号码')
    },
  )
})

describe('checkName', () => {
  it.each([
    ['a Chinese name', '张三'],
    ['a single character', '张'],
    ['an ethnic-minority name with a middle dot', '阿卜杜拉·买买提'],
    ['spaces around the middle dot', '阿卜杜拉 · 买买提'],
    ['a bullet typed for the middle dot', '阿卜杜拉•买买提'],
    ['a katakana middle dot', '阿卜杜拉・买买提'],
    ['a full-width full stop typed for the middle dot', '阿卜杜拉．买买提'],
    ['a Latin name with a space', 'John Smith'],
    ['a CJK extension A character', '王㐀'],
    ['a CJK extension B character', '李𠀀'],
    ['a CJK extension G character', '赵\u{30000}'],
    ['surrounding spaces', '  张三  '],
    ['exactly 50 characters', '张'.repeat(50)],
    ['50 extension B characters', '𠀀'.repeat(50)],
  ])('accepts %s', (_name, name) => {
    expect(checkName(name)).toBeNull()
  })

  it.each([
    ['digits', '张三1', ACCOUNT_MESSAGES.nameChars],
    ['a comma', '张,三', ACCOUNT_MESSAGES.nameChars],
    ['a Chinese full stop', '张三。', ACCOUNT_MESSAGES.nameChars],
    ['a leading middle dot', '·张三', ACCOUNT_MESSAGES.nameChars],
    ['two middle dots in a row', '阿卜杜拉··买买提', ACCOUNT_MESSAGES.nameChars],
    ['an emoji', '张三😀', ACCOUNT_MESSAGES.nameChars],
    ['51 characters', '张'.repeat(51), ACCOUNT_MESSAGES.nameLength],
    ['only spaces', '   ', ACCOUNT_MESSAGES.nameMissing],
    ['nothing', '', ACCOUNT_MESSAGES.nameMissing],
  ])('refuses %s', (_name, name, message) => {
    expect(checkName(name)).toBe(message)
  })

  it('stores every middle dot as U+00B7 and collapses spaces', () => {
    expect(normaliseName(' 阿卜杜拉•买买提 ')).toBe('阿卜杜拉\u00B7买买提')
    expect(normaliseName('阿卜杜拉・买买提')).toBe('阿卜杜拉\u00B7买买提')
    expect(normaliseName('阿卜杜拉．买买提')).toBe('阿卜杜拉\u00B7买买提')
    expect(normaliseName('John   Smith')).toBe('John Smith')
  })
})
