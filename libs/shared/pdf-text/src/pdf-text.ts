/**
 * Laying out plain text for PDFs drawn with the standard fonts (receipts, printed letters).
 * Independent of the PDF library: the caller passes how wide a string is and which characters
 * its font can encode.
 */

/** Breaks one paragraph into lines no wider than `width`; a single word wider than a line is cut by characters. */
export function wrapText(text: string, measure: (text: string) => number, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = current ? `${current} ${word}` : word;
    if (measure(candidate) <= width) {
      current = candidate;
      continue;
    }
    if (current) lines.push(current);
    let rest = word;
    while (measure(rest) > width) {
      let cut = rest.length - 1;
      while (cut > 1 && measure(rest.slice(0, cut)) > width) cut--;
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    current = rest;
  }
  lines.push(current);
  return lines;
}

/**
 * The standard PDF fonts encode WinAnsi only (Swedish å, ä, ö, é are in it): any other character
 * is shown as "?" rather than failing the whole document; tabs become spaces.
 */
export function printableText(text: string, encodable: ReadonlySet<number>): string {
  // Most text is Latin-1, which the standard fonts encode whole: one check instead of one per character.
  if (LATIN1_PRINTABLE.test(text) && encodesLatin1(encodable)) return text;
  return Array.from(text.replace(/\t/g, ' '), (c) => (encodable.has(c.codePointAt(0) ?? 0) ? c : '?')).join('');
}

const LATIN1_PRINTABLE = /^[\x20-\x7e\xa0-\xff]*$/;
const latin1Sets = new WeakMap<ReadonlySet<number>, boolean>();

function encodesLatin1(encodable: ReadonlySet<number>): boolean {
  let whole = latin1Sets.get(encodable);
  if (whole === undefined) {
    whole = true;
    for (let code = 0x20; code <= 0xff && whole; code++) if ((code <= 0x7e || code >= 0xa0) && !encodable.has(code)) whole = false;
    latin1Sets.set(encodable, whole);
  }
  return whole;
}

/** WinAnsiEncoding (PDF 1.7, annex D): Latin-1's printable range and the cp1252 extras in 0x80–0x9f. */
const WIN_ANSI_EXTRAS = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';
const WIN_ANSI: ReadonlySet<number> = new Set([
  ...Array.from({ length: 0x100 }, (_, code) => code).filter((code) => (code >= 0x20 && code <= 0x7e) || code >= 0xa0),
  ...Array.from(WIN_ANSI_EXTRAS, (c) => c.codePointAt(0) ?? 0),
]);

/**
 * The characters of `text` a standard PDF font (Helvetica, WinAnsi) cannot print, each once, in
 * order; line breaks and tabs are layout. For refusing text where it is accepted, so a printed
 * letter never shows "?" where the sender wrote something else.
 */
export function unprintableInStandardFonts(text: string): string[] {
  if (LATIN1_PRINTABLE.test(text)) return [];
  const missing = new Set<string>();
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    if (code === 0x0a || code === 0x0d || code === 0x09) continue;
    if (!WIN_ANSI.has(code)) missing.add(character);
  }
  return [...missing];
}

/** Characters named for an error message: `"≤" (U+2264), "ŉ" (U+0149)`, at most five, then "…". */
export function nameCharacters(characters: readonly string[]): string {
  const named = characters
    .slice(0, 5)
    .map((c) => `"${c}" (U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')})`)
    .join(', ');
  return characters.length > 5 ? `${named}, …` : named;
}
