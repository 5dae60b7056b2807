// Texts an administrator may edit (须知, checklists), kept as plain lines: one paragraph a line. The
// manuals' layout comes back from the lines themselves, so the same textarea edits it: 「一、注册范围」
// starts a section, 「(1)…」 / 「（1）…」 items are a list, anything else is a paragraph.

export type TextBlock =
  { kind: 'heading'; text: string } | { kind: 'paragraph'; text: string } | { kind: 'list'; items: string[] }

/** The non-empty lines of a text, trimmed. */
export const linesOf = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)

const HEADING = /^[一二三四五六七八九十]+、/
const ITEM = /^[（(]\d+[)）]/

export function textBlocks(lines: readonly string[]): TextBlock[] {
  const blocks: TextBlock[] = []
  for (const line of lines) {
    const last = blocks[blocks.length - 1]
    if (HEADING.test(line)) blocks.push({ kind: 'heading', text: line })
    else if (!ITEM.test(line)) blocks.push({ kind: 'paragraph', text: line })
    else if (last?.kind === 'list') last.items.push(line)
    else blocks.push({ kind: 'list', items: [line] })
  }
  return blocks
}
