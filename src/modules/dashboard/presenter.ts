// The bar chart of the 运行概况 page as numbers a template draws as SVG: one horizontal bar per
// status, its label on the left and its count at its end, so the chart reads without colour and
// without JavaScript. The table beside it carries the same numbers.

export interface Bar {
  label: string
  count: number
  /** top of the bar's row */
  y: number
  width: number
}

export interface BarChart {
  title: string
  /** the whole chart in one sentence, for screen readers (<desc>) */
  description: string
  width: number
  height: number
  /** where the bars start (the labels are to their left) */
  barX: number
  barHeight: number
  rowHeight: number
  bars: Bar[]
}

const LABEL_WIDTH = 130
const BAR_SPACE = 300
const COUNT_SPACE = 60
const ROW = 28
const BAR = 18

export function barChart(title: string, data: { label: string; count: number }[]): BarChart {
  const max = Math.max(1, ...data.map((d) => d.count))
  return {
    title,
    description: data.map((d) => `${d.label} ${d.count} 件`).join('，'),
    width: LABEL_WIDTH + BAR_SPACE + COUNT_SPACE,
    height: Math.max(1, data.length) * ROW,
    barX: LABEL_WIDTH,
    barHeight: BAR,
    rowHeight: ROW,
    // A count above 0 always shows at least a sliver, so a small number is not read as none.
    bars: data.map((d, i) => ({
      label: d.label,
      count: d.count,
      y: i * ROW,
      width: d.count === 0 ? 0 : Math.max(2, Math.round((d.count / max) * BAR_SPACE)),
    })),
  }
}
