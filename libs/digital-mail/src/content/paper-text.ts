import { nameCharacters, unprintableInStandardFonts } from '@kommuna/shared-pdf-text';
import { FieldProblem, ValidationFailedError } from '../errors';

/**
 * A letter that may go on paper is printed in the standard PDF fonts (WinAnsi: Swedish and the
 * rest of Western European Latin). Text with a character they cannot print is refused when the
 * letter is accepted, naming the field and the character, rather than printed with "?" in its place.
 */
export function assertPrintableOnPaper(fields: Record<string, string | null | undefined>): void {
  const problems: FieldProblem[] = [];
  for (const [field, text] of Object.entries(fields)) {
    if (!text) continue;
    const missing = unprintableInStandardFonts(text);
    if (missing.length === 0) continue;
    problems.push({ field, message: `cannot be printed on a paper letter: ${nameCharacters(missing)}` });
  }
  if (problems.length > 0) {
    throw new ValidationFailedError(
      'The letter may go on paper, and has characters a printed letter cannot show: replace them, or send with allowPaper false',
      problems,
    );
  }
}
