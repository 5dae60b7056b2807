// Checks on decoded pixels (8-bit sRGB, 3 or 4 channels, row by row), kept free of I/O so they can
// be tested on arrays built in the test.

export interface RawImage {
  data: Uint8Array
  width: number
  height: number
  channels: number
}

export interface BackgroundMeasure {
  /** Mean of (R + G + B) / 3 over the sampled border, 0–255. */
  brightness: number
  /** Mean of (max − min) / max over the sampled border, 0–1: 0 is grey or white, 1 a pure colour. */
  saturation: number
  white: boolean
}

/** A white (or very light grey) studio background; blue and red ID backgrounds fail both tests. */
export const WHITE_BACKGROUND = { minBrightness: 200, maxSaturation: 0.12 } as const

/** The border strips sampled: the top, and the left and right margins of the upper half. */
const STRIP = 0.08
const SIDE_DEPTH = 0.5

/**
 * Measures the background of a portrait photo on its border: the top strip and both side strips
 * down to half the height (below that, shoulders reach the edges). Hair touching the top edge
 * lowers the mean a little; a coloured backdrop fails outright.
 */
export function measureBackground(img: RawImage): BackgroundMeasure {
  const { data, width, height, channels } = img
  const strip = Math.max(1, Math.round(Math.min(width, height) * STRIP))
  const sideRows = Math.max(strip, Math.round(height * SIDE_DEPTH))
  let count = 0
  let brightness = 0
  let saturation = 0
  const sample = (x: number, y: number) => {
    const i = (y * width + x) * channels
    const r = data[i]
    const g = data[i + 1]
    const b = data[i + 2]
    const max = Math.max(r, g, b)
    const min = Math.min(r, g, b)
    brightness += (r + g + b) / 3
    saturation += max === 0 ? 0 : (max - min) / max
    count++
  }
  for (let y = 0; y < sideRows; y++) {
    for (let x = 0; x < width; x++) {
      if (y < strip || x < strip || x >= width - strip) sample(x, y)
    }
  }
  const mean = { brightness: brightness / count, saturation: saturation / count }
  return {
    ...mean,
    white:
      mean.brightness >= WHITE_BACKGROUND.minBrightness && mean.saturation <= WHITE_BACKGROUND.maxSaturation,
  }
}
