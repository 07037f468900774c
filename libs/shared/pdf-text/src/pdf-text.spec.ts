import fc from 'fast-check';
import { printableText, unprintableInStandardFonts, wrapText } from './pdf-text';

const measure = (text: string) => text.length; // one unit per character

describe('wrapText', () => {
  it('breaks at spaces within the width and cuts words longer than a line', () => {
    expect(wrapText('Ansökan om parkeringstillstånd för rörelsehindrade', measure, 20)).toEqual([
      'Ansökan om',
      'parkeringstillstånd',
      'för rörelsehindrade',
    ]);
    expect(wrapText('a'.repeat(25), measure, 10)).toEqual(['aaaaaaaaaa', 'aaaaaaaaaa', 'aaaaa']);
    expect(wrapText('', measure, 10)).toEqual(['']);
  });

  it('never exceeds the width and never loses a word', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-zåäö]{1,30}$/), { maxLength: 30 }), fc.integer({ min: 2, max: 40 }), (words, width) => {
        const lines = wrapText(words.join(' '), measure, width);
        expect(lines.every((line) => measure(line) <= width)).toBe(true);
        expect(lines.join('').replace(/ /g, '')).toBe(words.join(''));
      }),
    );
  });
});

describe('printableText', () => {
  it('keeps what the font encodes and marks the rest', () => {
    const winAnsiish = new Set(Array.from('Hej Åsa, välkommen! ', (c) => c.codePointAt(0)!));
    expect(printableText('Hej Åsa, välkommen!\t😀', winAnsiish)).toBe('Hej Åsa, välkommen! ?');
  });

  const latin1 = new Set(Array.from({ length: 0x100 }, (_, code) => code).filter((code) => (code >= 0x20 && code <= 0x7e) || code >= 0xa0));
  const oneByOne = (text: string, encodable: ReadonlySet<number>) =>
    Array.from(text.replace(/\t/g, ' '), (c) => (encodable.has(c.codePointAt(0) ?? 0) ? c : '?')).join('');

  it('marks a Latin-1 character the font lacks even in otherwise plain text', () => {
    const withoutE = new Set([...latin1].filter((code) => code !== 'é'.codePointAt(0)));
    expect(printableText('Café i Sundsvall', withoutE)).toBe('Caf? i Sundsvall');
    expect(printableText('Café i Sundsvall', latin1)).toBe('Café i Sundsvall');
  });

  it('gives what checking every character gives', () => {
    const withoutSome = new Set([...latin1].filter((code) => code % 7 !== 0));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.string({ unit: fc.integer({ min: 0, max: 0xff }).map((code) => String.fromCharCode(code)) }),
        ),
        (text) => {
          expect(printableText(text, latin1)).toBe(oneByOne(text, latin1));
          expect(printableText(text, withoutSome)).toBe(oneByOne(text, withoutSome));
        },
      ),
    );
  });
});

describe('unprintableInStandardFonts', () => {
  it('names what WinAnsi lacks, once each, and passes Swedish, the cp1252 extras and layout', () => {
    expect(unprintableInStandardFonts('Hej Åsa – välkommen… “citat” €5\tny\r\nrad')).toEqual([]);
    expect(unprintableInStandardFonts('Avgift ≤ 500 kr, ŉ och ≤ igen, 😀')).toEqual(['≤', 'ŉ', '😀']);
  });

  it('agrees with pdf-lib, which draws the standard fonts', async () => {
    const { PDFDocument, StandardFonts } = await import('pdf-lib');
    const font = await (await PDFDocument.create()).embedFont(StandardFonts.Helvetica);
    const encodable = new Set(font.getCharacterSet());
    const disagreements: string[] = [];
    for (let code = 0x20; code < 0x3000; code++) {
      const character = String.fromCodePoint(code);
      if ((unprintableInStandardFonts(character).length === 0) !== encodable.has(code)) disagreements.push(character);
    }
    expect(disagreements).toEqual([]);
  });
});
