import Joi from 'joi'
import { cleanInput, inputProblems, parseQuery } from '../../src/middleware/input'
import { validate } from '../../src/web/formValidation'

// The fields as a handler reads them (the problems ride along under a symbol).
const fields = (o: object) => JSON.parse(JSON.stringify(o)) as unknown

describe('cleanInput, the input boundary', () => {
  it.each([
    ['a NUL', 'a\u0000b', 'ab'],
    ['a bell and an escape', '\u0007甲\u001b', '甲'],
    ['DEL and a C1 control', 'a\u007f\u0085b', 'ab'],
    ['a lone high surrogate', 'a\ud800b', 'ab'],
    ['a lone low surrogate', 'a\udc00b', 'ab'],
  ])('removes %s and says so', (_what, raw, clean) => {
    const out = cleanInput({ name: raw })
    expect(fields(out)).toEqual({ name: clean })
    expect(inputProblems(out)).toEqual({ name: 'control' })
  })

  it.each([
    ['tab, LF and CR', '甲\t乙\r\n丙'],
    ['a character outside the BMP (a surrogate pair)', '𠮷野家'],
    ['plain Chinese text', '张三'],
  ])('keeps %s as it is', (_what, raw) => {
    const out = cleanInput({ name: raw })
    expect(fields(out)).toEqual({ name: raw })
    expect(inputProblems(out)).toEqual({})
  })

  it('cleans repeated fields and nested rows, and drops names with control characters and __proto__', () => {
    const parsed = JSON.parse(
      '{"a":["x\\u0000","y"],"rows":[{"unit":"一中\\u0000"}],"b\\u0000":"z","__proto__":["p"]}',
    ) as unknown
    const out = cleanInput(parsed)
    expect(fields(out)).toEqual({ a: ['x', 'y'], rows: [{ unit: '一中' }] })
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(inputProblems(out)).toEqual({ a: 'control', rows: 'control' })
  })

  it('drops a query value with control characters whole, and keeps a flat query flat', () => {
    const q = parseQuery('q=a%00b&status=pending&x[y]=1&page=1&page=2')
    expect(fields(q)).toEqual({ status: 'pending', 'x[y]': '1', page: ['1', '2'] })
    expect(inputProblems(q)).toEqual({ q: 'control' })
  })
})

describe('validate, with what the boundary found', () => {
  const schema = Joi.object({
    name: Joi.string().max(50).required().label('姓名'),
    stages: Joi.array().items(Joi.string()).single().default([]).label('学段'),
  })

  it('shows a removed control character beside its field, and keeps the cleaned value', () => {
    const { value, errors } = validate(schema, cleanInput({ name: '张\u0000三' }))
    expect(errors).toEqual({ name: '姓名不能包含控制字符' })
    expect(value.name).toBe('张三')
  })

  it('refuses a repeated field that takes one value, keeping its first, and lets a list repeat', () => {
    const { value, errors } = validate(schema, { name: ['张三', '李四'], stages: ['1', '2'] })
    expect(errors).toEqual({ name: '姓名只能填写一项' })
    expect(value).toEqual({ name: '张三', stages: ['1', '2'] })
  })

  it('refuses an object where a value is expected', () => {
    const { value, errors } = validate(schema, { name: { b: 'x' } })
    expect(errors).toEqual({ name: '姓名格式不正确' })
    expect(typeof value.name).toBe('string')
  })

  it('says nothing about fields the form does not have', () => {
    expect(validate(schema, cleanInput({ name: '张三', other: ['a\u0000', 'b'] })).errors).toEqual({})
  })
})
