import { parseOrganisationsnummer, parsePersonnummer } from '@kommuna/shared-identifiers';

/** What the platform knows about a case's parties, to find them in its text. */
export interface KnownParty {
  /** Personnummer, samordningsnummer or organisationsnummer, in any usual form. */
  identityNumber?: string | null;
  /** Full names and name parts as they may appear (e.g. "Anna Andersson", "Anna"). */
  names?: readonly string[];
  addresses?: readonly string[];
}

export type PlaceholderType = 'PNR' | 'ORGNR' | 'PERSON' | 'ADRESS';

/** Text on its way to a model, with the mapping that never leaves the platform. */
export interface PseudonymisedText {
  text: string;
  /** Placeholder → the original it stands for. */
  mapping: ReadonlyMap<string, string>;
}

export interface RestoredText {
  text: string;
  /** Placeholders the model wrote in another form or invented; the draft is flagged with them. */
  warnings: string[];
}

// Ten or twelve digits, an optional separator before the last four; not inside a longer number.
const IDENTITY_NUMBER = /(?<![\d-])(\d{6}|\d{8})([-+ ]?)(\d{4})(?![\d])/g;
const LETTER = '\\p{L}\\p{N}';
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// What a model makes of [PERSON_1]: PERSON_1, [Person 1], [PERSON-1], [ PERSON_1 ], PERSON1 …
const PLACEHOLDER_LIKE = /\[?\s*\b(PNR|ORGNR|PERSON|ADRESS)[ _-]?(\d{1,4})\b\s*\]?/gi;

/**
 * Replaces personnummer and samordningsnummer (by pattern and Luhn), organisationsnummer, and the
 * case's known party names and addresses with typed, stable placeholders ([PNR_1], [PERSON_2]) before
 * text goes to a model, and restores them in the answer. One instance per request: the same string
 * gets the same placeholder throughout, so the model can tell the parties apart.
 */
export class Pseudonymiser {
  private readonly byOriginal = new Map<string, string>();
  private readonly byPlaceholder = new Map<string, string>();
  private readonly counters: Record<PlaceholderType, number> = { PNR: 0, ORGNR: 0, PERSON: 0, ADRESS: 0 };
  private readonly names: RegExp | undefined;
  private readonly addresses: RegExp | undefined;

  constructor(parties: readonly KnownParty[] = []) {
    this.names = alternation(parties.flatMap((p) => p.names ?? []));
    this.addresses = alternation(parties.flatMap((p) => p.addresses ?? []));
  }

  pseudonymise(text: string): PseudonymisedText {
    let out = text.replace(IDENTITY_NUMBER, (match) => {
      const compact = match.replace(/[ ]/g, '');
      if (parsePersonnummer(compact).ok) return this.placeholder('PNR', match);
      if (parseOrganisationsnummer(compact).ok) return this.placeholder('ORGNR', match);
      return match;
    });
    // Addresses before names: "Storgatan 1" may hold a name-like word.
    if (this.addresses) out = out.replace(this.addresses, (match) => this.placeholder('ADRESS', match));
    if (this.names) out = out.replace(this.names, (match) => this.placeholder('PERSON', match));
    return { text: out, mapping: new Map(this.byPlaceholder) };
  }

  /** The model's answer with the originals back; mangled or unknown placeholders become warnings. */
  restore(text: string): RestoredText {
    const warnings: string[] = [];
    const restored = text.replace(PLACEHOLDER_LIKE, (match, type: string, n: string) => {
      const canonical = `[${type.toUpperCase()}_${Number(n)}]`;
      const original = this.byPlaceholder.get(canonical);
      if (original === undefined) {
        warnings.push(`unknown placeholder ${match.trim()}`);
        return match;
      }
      if (match !== canonical) {
        // Restored all the same (the number is known), but the reviewer is told to check it.
        warnings.push(`placeholder written as ${match.trim()} instead of ${canonical}`);
        return match.replace(match.trim(), original);
      }
      return original;
    });
    return { text: restored, warnings };
  }

  private placeholder(type: PlaceholderType, original: string): string {
    const known = this.byOriginal.get(original);
    if (known) return known;
    const placeholder = `[${type}_${++this.counters[type]}]`;
    this.byOriginal.set(original, placeholder);
    this.byPlaceholder.set(placeholder, original);
    return placeholder;
  }
}

/** Whole-word, case-insensitive, longest first (so "Anna Andersson" wins over "Anna"). */
function alternation(values: readonly string[]): RegExp | undefined {
  const words = [...new Set(values.map((v) => v.trim()).filter((v) => v.length >= 2))].sort((a, b) => b.length - a.length);
  if (words.length === 0) return undefined;
  return new RegExp(`(?<![${LETTER}])(?:${words.map((w) => escape(w).replace(/\s+/g, '\\s+')).join('|')})(?![${LETTER}])`, 'giu');
}
