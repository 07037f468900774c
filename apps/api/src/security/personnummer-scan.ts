import { isValidPersonnummer } from '@kommuna/shared-identifiers';

/**
 * Every valid personnummer or samordningsnummer in a text (12 or 10 digits, with or without the
 * separator, checksum and date checked), so a test can assert that none leaked into logs, events
 * or URLs. Digits inside longer digit runs (ids, hashes) are not numbers of people.
 */
export function personnummerOf(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(/(?<![\d])(\d{8}|\d{6})[-+]?(\d{4})(?![\d])/g)) {
    const candidate = `${match[1]}${match[2]}`;
    if (isValidPersonnummer(candidate)) found.add(match[0]);
  }
  return [...found];
}
