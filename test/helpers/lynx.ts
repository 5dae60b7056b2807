import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'

// Lynx, the text browser, driven as a person at a terminal drives it: each page is opened in a real
// lynx on a pseudo-terminal (util-linux `script`), and a keystroke file (-cmd_script) moves from field
// to field with the arrow keys, types (Chinese as its UTF-8 bytes), ticks boxes, chooses options,
// names the file to upload and presses the button. Cookies persist between runs in the jar of the
// person's own directory. What a page offers is read beforehand from `lynx -dump -number_fields`,
// whose numbers are the order the arrow keys visit links and fields in.

const run = promisify(execFile)

const find = (names: string[]) =>
  names.find((p) => {
    try {
      fs.accessSync(p, fs.constants.X_OK)
      return true
    } catch {
      return false
    }
  })

export const LYNX = find(['/usr/bin/lynx', '/usr/local/bin/lynx'])
const SCRIPT = find(['/usr/bin/script', '/bin/script'])
/** Why the text-browser journeys cannot run here, or null when they can. */
export const lynxMissing = !LYNX
  ? 'no lynx (apt-get install lynx)'
  : !SCRIPT
    ? 'no util-linux `script` to give lynx a terminal'
    : null

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** What one link or form field of a dumped page is, by its number. */
export interface Numbered {
  n: number
  /** 'link' or the dump's kind of form field ('text entry field', 'checkbox', 'submit button', …) */
  kind: string
}

/** A page as `lynx -dump -number_fields` shows it: its text and what each number is. */
export class Dump {
  readonly body: string
  readonly numbered = new Map<number, Numbered>()
  constructor(readonly text: string) {
    const [body, refs = ''] = text.split(/\n\s*References\n/)
    this.body = body
    for (const m of refs.matchAll(/^\s*(\d+)\. (.*)$/gm)) {
      const n = Number(m[1])
      const field = /^form field = (.*)$/.exec(m[2])
      this.numbered.set(n, { n, kind: field ? field[1] : 'link' })
    }
  }

  private at(text: string, from = 0): number {
    const i = this.body.indexOf(text, from)
    if (i < 0) throw new Error(`"${text}" is not on the page:\n${this.body}`)
    return i
  }

  /**
   * The number of the first field after `label` (below or beside it). A page lynx printed to a file
   * may show a field's blanks over its number (`密码* [_____`): such fields before the next number
   * are counted back from it.
   */
  after(label: string, within?: string): number {
    const from = within ? this.at(within) : 0
    // A label starting its line (`上 [17]___`) before the same words inside a sentence.
    const line = new RegExp(`\\n[ \\t]*${escape(label)}`).exec(this.body.slice(from))
    const i = line ? from + line.index + line[0].length - label.length : this.at(label, from)
    const rest = this.body.slice(i + label.length)
    const m = /\[(\d+)\]/.exec(rest)
    if (!m) throw new Error(`nothing numbered after "${label}"`)
    const overwritten = rest.slice(0, m.index).match(/\S*_{3,}/g) ?? []
    return Number(m[1]) - overwritten.length
  }

  /**
   * The number just before `text`: a checkbox or radio button (`[16][ ] 长期`, or `[8](*)` with its
   * words on the next line), or a button.
   */
  before(text: string, within?: string): number {
    // The first place `text` stands right after a number (it may stand in a hint before that).
    for (let i = this.at(text, within ? this.at(within) : 0); i >= 0; i = this.body.indexOf(text, i + 1)) {
      const m = /\[(\d+)\](?:\[.\]|\(.\))?$/.exec(this.body.slice(Math.max(0, i - 60), i).trimEnd())
      if (m) return Number(m[1])
    }
    throw new Error(`nothing numbered just before "${text}"`)
  }

  /** The number of the link whose words are `text`. */
  link(text: string): number {
    return this.numberOf(`\\[(\\d+)\\]${escape(text)}`, `no link "${text}"`)
  }

  /** The number of the button whose words are `text` (lynx writes `([9]BUTTON) 登录`). */
  button(text: string): number {
    return this.numberOf(`\\(\\[(\\d+)\\][^)]*\\) ${escape(text)}`, `no button "${text}"`)
  }

  private numberOf(pattern: string, missing: string): number {
    const m = new RegExp(pattern).exec(this.body)
    if (!m) throw new Error(`${missing}:\n${this.body}`)
    return Number(m[1])
  }
}

/** The keystrokes for one page, built against its dump. The cursor starts on the first link. */
export class Keys {
  readonly lines: string[] = []
  private cursor = 1
  constructor(readonly page: Dump) {}

  /** Down (or Up) arrow to number `n`: what Tab does in a graphical browser. */
  go(n: number): this {
    const key = n > this.cursor ? 'Down Arrow' : 'Up Arrow'
    for (let i = 0; i < Math.abs(n - this.cursor); i++) this.lines.push(`key ${key}`)
    this.cursor = n
    return this
  }

  /** Types `text` into the field the cursor is on (clearing it first); any character, as UTF-8 bytes. */
  type(text: string): this {
    this.lines.push('key ^U')
    for (const ch of text) {
      if (/^[\x21-\x7e]$/.test(ch)) this.lines.push(`key ${ch}`)
      else for (const b of Buffer.from(ch)) this.lines.push(`key 0x${b.toString(16)}`)
    }
    return this
  }

  /** Goes to the field after `label` and types `text` into it. */
  fill(label: string, text: string, within?: string): this {
    return this.go(this.page.after(label, within)).type(text)
  }

  /** Ticks the checkbox or chooses the radio button (or option, with -popup) before `text`. */
  choose(text: string, within?: string): this {
    this.go(this.page.before(text, within))
    this.lines.push('key ^J')
    return this
  }

  /** Presses the button before `text` (or follows the link `text`, by: 'link'): the page then loads. */
  press(text: string, by: 'button' | 'link' = 'button'): this {
    this.go(by === 'link' ? this.page.link(text) : this.page.button(text))
    this.lines.push('key ^J')
    return this
  }
}

/** One person's lynx: their cookie jar and configuration in `dir`, the app at `base`. */
export class Lynx {
  private readonly cfg: string
  private runs = 0
  constructor(
    readonly base: string,
    readonly dir: string,
  ) {
    fs.mkdirSync(dir, { recursive: true })
    this.cfg = path.join(dir, 'lynx.cfg')
    const jar = path.join(dir, 'cookies')
    fs.writeFileSync(
      this.cfg,
      [
        'INCLUDE:/etc/lynx/lynx.cfg',
        'ACCEPT_ALL_COOKIES:TRUE',
        'PERSISTENT_COOKIES:TRUE',
        `COOKIE_FILE:${jar}`,
        `COOKIE_SAVE_FILE:${jar}`,
        'CHARACTER_SET:utf-8',
        'ASSUME_CHARSET:utf-8',
        // No pause after a status message: the script's next key follows at once.
        'INFOSECS:0',
        'MESSAGESECS:0',
        'ALERTSECS:0',
        '',
      ].join('\n'),
    )
  }

  private args(...extra: string[]) {
    return [`-cfg=${this.cfg}`, '-nopause', '-noreferer', '-popup', ...extra]
  }

  /** The page at `url` as the person would read it (`lynx -dump -number_fields`). */
  async dump(url: string): Promise<Dump> {
    const { stdout } = await run(LYNX!, this.args('-dump', '-number_fields', '-width=400', this.base + url), {
      maxBuffer: 10 * 1024 * 1024,
    })
    return new Dump(stdout)
  }

  /** What `url` sends (a PDF, an image), as lynx saves it (`lynx -source`). */
  async source(url: string): Promise<Buffer> {
    const { stdout } = await run(LYNX!, this.args('-source', this.base + url), {
      encoding: 'buffer',
      maxBuffer: 20 * 1024 * 1024,
    })
    return stdout
  }

  /**
   * Opens `url` in lynx on a terminal, works through `steps` one page after another (each builds its
   * keystrokes against the page the previous one led to) and returns the page lynx shows at the end,
   * as lynx prints it to a file (P, 'Save to a local file'). A later step needs the page an earlier
   * one leads to, which may exist only once (a form shown again with what was posted): lynx is run
   * again from `url` with the steps so far and that page printed, and the last run does them all.
   */
  async act(url: string, ...steps: ((keys: Keys) => Keys)[]): Promise<Dump> {
    let page = await this.dump(url)
    const lines: string[] = []
    for (const step of steps) {
      lines.push(...step(new Keys(page)).lines)
      page = await this.printedAfter(url, lines)
    }
    return page
  }

  /** Runs lynx at `url` with `lines`, prints the page it ends on, quits; the printed page. */
  private async printedAfter(url: string, lines: string[]): Promise<Dump> {
    this.runs += 1
    const printed = path.join(this.dir, `page-${this.runs}.txt`)
    const script = path.join(this.dir, `keys-${this.runs}.txt`)
    const print = ['key p', 'key ^J', ...new Keys(new Dump('')).type(printed).lines, 'key ^J']
    fs.writeFileSync(script, [...lines, ...print, 'key q', 'key y', ''].join('\n'))
    const inner = [LYNX!, ...this.args('-number_fields', `-cmd_script=${script}`, this.base + url)]
      .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
      .join(' ')
    const { stdout } = await run(SCRIPT!, ['-qec', `stty rows 400 cols 400; ${inner}`, '/dev/null'], {
      env: { ...process.env, TERM: 'vt100' },
      timeout: 120_000,
      maxBuffer: 20 * 1024 * 1024,
    })
    if (!fs.existsSync(printed))
      throw new Error(`lynx printed no page; the terminal showed:\n${screenText(stdout)}`)
    return new Dump(fs.readFileSync(printed, 'utf8'))
  }
}

/** A terminal's output as text: escape sequences and shift codes dropped, one line per screen write. */
function screenText(out: string): string {
  return (
    out
      // eslint-disable-next-line no-control-regex -- a terminal's escape sequences are what is removed
      .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '\n')
      // eslint-disable-next-line no-control-regex -- as above: character set shifts
      .replace(/\x1b[()][0-9A-B]|[\x0e\x0f]/g, '')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(-200)
      .join('\n')
  )
}
