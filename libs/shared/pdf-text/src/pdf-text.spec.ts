import fc from 'fast-check';
import { printableText, wrapText } from './pdf-text';

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
});
