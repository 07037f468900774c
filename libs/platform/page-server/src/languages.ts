/** The languages the pages are written in: Swedish first, English for those who need it. */
export type Lang = 'sv' | 'en';
export const LANGS: readonly Lang[] = ['sv', 'en'];

/** The language a cookie (or a path segment) names; Swedish for anything else, missing or malformed. */
export const langFrom = (value: unknown): Lang => (LANGS.includes(value as Lang) ? (value as Lang) : 'sv');

/** How numbers and dates are written in the language: as in Sweden, or in British English. */
export const localeOf = (lang: Lang): string => (lang === 'sv' ? 'sv-SE' : 'en-GB');

/** A value's label from a table of labels by value; the value itself when the table has none. */
export const labelOf = (table: Readonly<Record<string, Readonly<Record<Lang, string>>>>, value: string, lang: Lang): string =>
  table[value]?.[lang] ?? value;
