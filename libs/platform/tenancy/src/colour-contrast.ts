/** A colour as tenant.yaml writes it: #rrggbb. */
export const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;

/** WCAG 2.1 relative luminance of an sRGB #rrggbb colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The WCAG 2.1 contrast ratio of two #rrggbb colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [lighter, darker] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (lighter + 0.05) / (darker + 0.05);
}

/** WCAG 2.1 AA for normal text (1.4.3): the web writes white on the brand colour and the brand colour on white. */
export const AA_TEXT_CONTRAST = 4.5;
