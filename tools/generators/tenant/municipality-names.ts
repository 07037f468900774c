// How a municipality from SCB's list (short names like "Sollefteå") becomes a tenant: an ASCII slug
// and the Swedish display name the municipality itself uses ("Sollefteå kommun", "Sundsvalls kommun").

/** Municipalities that call themselves "stad" or carry another official name. */
const OFFICIAL_NAMES: Readonly<Record<string, string>> = {
  Gotland: 'Region Gotland',
  Stockholm: 'Stockholms stad',
  Göteborg: 'Göteborgs stad',
  Malmö: 'Malmö stad',
  Västerås: 'Västerås stad',
  Borås: 'Borås stad',
  Helsingborg: 'Helsingborgs stad',
  Landskrona: 'Landskrona stad',
  Lidingö: 'Lidingö stad',
  Mölndal: 'Mölndals stad',
  Solna: 'Solna stad',
  Sundbyberg: 'Sundbybergs stad',
  Vaxholm: 'Vaxholms stad',
  Trollhättan: 'Trollhättans stad',
  Haparanda: 'Haparanda stad',
};

/** "Sollefteå" → "solleftea", "Upplands Väsby" → "upplands-vasby". */
export function slugOf(namn: string): string {
  return namn
    .toLowerCase()
    .replace(/[åä]/g, 'a')
    .replace(/ö/g, 'o')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * Swedish genitive: a name ending in a consonant takes an s ("Sundsvalls kommun"), one ending in a
 * vowel or already in s, x or z does not ("Ånge kommun", "Kramfors kommun").
 */
export function swedishDisplayName(namn: string): string {
  const official = OFFICIAL_NAMES[namn];
  if (official) return official;
  return /[aeiouyåäösxz]$/i.test(namn) ? `${namn} kommun` : `${namn}s kommun`;
}

export function englishDisplayName(namn: string): string {
  return namn === 'Gotland' ? 'Region Gotland' : `Municipality of ${namn}`;
}
