import { DigitalMailError } from '../errors';

const PLACEHOLDER = /\{\{\s*([a-zA-Z][a-zA-Z0-9_]{0,63})\s*\}\}/g;

/** The named placeholders ({{name}}) a text uses, in order of first use. */
export function placeholdersOf(...texts: string[]): string[] {
  const names = new Set<string>();
  for (const text of texts) for (const match of text.matchAll(PLACEHOLDER)) names.add(match[1]);
  return [...names];
}

export class MissingPlaceholderError extends DigitalMailError {
  constructor(readonly missing: string[]) {
    super('TEMPLATE_VALUES_MISSING', `Values missing for the placeholders: ${missing.join(', ')}`, { missing });
  }
}

/**
 * Fills the placeholders. `escape` is applied to every value (HTML bodies escape them, so a
 * recipient's name cannot inject markup).
 */
export function renderPlaceholders(text: string, values: Record<string, string>, escape: (value: string) => string = (v) => v): string {
  const missing = placeholdersOf(text).filter((name) => values[name] === undefined);
  if (missing.length > 0) throw new MissingPlaceholderError(missing);
  return text.replace(PLACEHOLDER, (_all, name: string) => escape(values[name]));
}

export const escapeHtml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
