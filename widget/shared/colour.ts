// WCAG 2 contrast arithmetic, shared by the loader (launcher button) and the frame (header,
// visitor bubbles): the site owner picks any brand colour, we pick the text colour that reads on it.

/** Relative luminance of `#rgb` / `#rrggbb` per WCAG 2.x. */
function luminance(hex: string): number {
  const h = hex.length === 4 ? hex.replace(/[0-9a-f]/gi, (d) => d + d) : hex;
  const channel = (i: number): number => {
    const c = parseInt(h.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** Contrast ratio between two colours, 1 … 21. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** White or black, whichever contrasts more with `background`. */
export function textOn(background: string): string {
  return contrast(background, '#ffffff') >= contrast(background, '#000000') ? '#ffffff' : '#000000';
}

export const DEFAULT_COLOUR = '#1d4ed8';

/** A CSS colour a site owner may set: `#rgb` or `#rrggbb` only, so nothing else reaches CSS. */
export const HEX_COLOUR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
