import { renderSVG } from 'uqr';

/**
 * A QR code as an SVG document (uqr: small, dependency-free, runs on Workers). Error correction M
 * survives a poster being creased or a little smudged; the quiet zone of 2 modules is what phone
 * scanners need around the code.
 */
export function qrSvg(text: string): string {
  return renderSVG(text, { ecc: 'M', border: 2, pixelSize: 8 });
}
