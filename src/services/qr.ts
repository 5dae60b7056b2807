import QRCode from 'qrcode'

/** The public page a printed form's QR code opens (by its 核验码): number, masked name and status. */
export function verifyUrl(publicUrl: string, verifyCode: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/verify?code=${encodeURIComponent(verifyCode)}`
}

/**
 * The QR code of `text` as an SVG data: URL (vector, so it prints sharp at any size). Error
 * correction M survives a stamp or a crease over part of it.
 */
export async function qrSvgDataUrl(text: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`
}
