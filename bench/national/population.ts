// How big each of the 290 municipalities is, for sizing the national data set. The register
// (allKommuner() in @kommuna/shared-identifiers) has codes and names but no population, so:
// the largest (and a few others) carry their approximate population (SCB, end of 2023, rounded to the thousand);
// the others share the rest of Sweden's ~10.55 million by a deterministic log-normal spread
// (median near 15,000, none under 2,400, as in reality). Plausible, not official statistics.
import { allKommuner, Kommun } from '@kommuna/shared-identifiers';

export const NATIONAL_POPULATION = 10_550_000;

/** Approximate populations of the largest municipalities, by kommunkod. */
const LARGEST: Record<string, number> = {
  '0180': 984_000, // Stockholm
  '1480': 604_000, // Göteborg
  '1280': 362_000, // Malmö
  '0380': 245_000, // Uppsala
  '0580': 167_000, // Linköping
  '1880': 160_000, // Örebro
  '1980': 157_000, // Västerås
  '1283': 152_000, // Helsingborg
  '0581': 145_000, // Norrköping
  '0680': 145_000, // Jönköping
  '2480': 132_000, // Umeå
  '1281': 129_000, // Lund
  '0126': 115_000, // Huddinge
  '1490': 115_000, // Borås
  '0182': 108_000, // Nacka
  '0484': 107_000, // Eskilstuna
  '1380': 105_000, // Halmstad
  '2180': 103_000, // Gävle
  '0181': 102_000, // Södertälje
  '2281': 100_000, // Sundsvall
  '0780': 97_000, // Växjö
  '0136': 96_000, // Haninge
  '0127': 95_000, // Botkyrka
  '1780': 95_000, // Karlstad
  '0184': 85_000, // Solna
  '2580': 80_000, // Luleå
  '0160': 75_000, // Täby
  '0163': 76_000, // Sollentuna
  '0114': 48_000, // Upplands Väsby
};

export interface SizedKommun extends Kommun {
  population: number;
}

/** A deterministic number in [0, 1) from a string (FNV-1a), so the spread is the same every run. */
function unitHash(text: string, salt: number): number {
  let h = 0x811c9dc5 ^ salt;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 0x1_0000_0000;
}

/** Every municipality of the register with a population; they sum to NATIONAL_POPULATION. */
export function sizedKommuner(kommuner: readonly Kommun[] = allKommuner()): SizedKommun[] {
  const known = kommuner.filter((k) => LARGEST[k.kod] !== undefined);
  const rest = kommuner.filter((k) => LARGEST[k.kod] === undefined);
  const knownTotal = known.reduce((sum, k) => sum + LARGEST[k.kod], 0);
  // Log-normal weights (Box-Muller on two hashes), sigma 0.75, capped below the smallest named one.
  const weights = rest.map((k) => {
    const u1 = Math.max(unitHash(k.kod, 1), 1e-9);
    const u2 = unitHash(k.kod, 2);
    const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    return Math.min(Math.exp(0.75 * normal), 4);
  });
  const floor = 2_400;
  const spread = splitByWeight(NATIONAL_POPULATION - knownTotal - floor * rest.length, weights);
  const byKod = new Map<string, number>([
    ...known.map((k) => [k.kod, LARGEST[k.kod]] as const),
    ...rest.map((k, i) => [k.kod, floor + spread[i]] as const),
  ]);
  return kommuner.map((k) => ({ ...k, population: byKod.get(k.kod)! }));
}

/**
 * `total` split into whole parts proportional to `weights` (largest remainder): the parts sum
 * to `total` exactly and each is within 1 of its exact share.
 */
export function splitByWeight(total: number, weights: readonly number[]): number[] {
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`total must be a whole number ≥ 0, got ${total}`);
  const sum = weights.reduce((s, w) => s + w, 0);
  if (weights.some((w) => !(w >= 0)) || !(sum > 0)) throw new RangeError('weights must be ≥ 0 with a positive sum');
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((s, p) => s + p, 0);
  const byRemainder = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of byRemainder) {
    if (left-- <= 0) break;
    parts[i] += 1;
  }
  return parts;
}

/** The national volumes at scale 1.0 (issue 24). */
export const NATIONAL_VOLUME = { cases: 10_000_000, eventsPerCase: 5, letters: 30_000_000, submissions: 5_000_000 } as const;

export interface TenantShare {
  kod: string;
  population: number;
  /** Residents generated as parties (population × scale). */
  residents: number;
  cases: number;
  letters: number;
  submissions: number;
}

/** Each municipality's share of the national volume at `scale`, by population. */
export function nationalPlan(scale: number, kommuner: readonly SizedKommun[] = sizedKommuner()): TenantShare[] {
  if (!(scale > 0 && scale <= 1)) throw new RangeError(`scale must be in (0, 1], got ${scale}`);
  const populations = kommuner.map((k) => k.population);
  const split = (n: number) => splitByWeight(Math.round(n * scale), populations);
  const residents = split(NATIONAL_POPULATION).map((r) => Math.max(r, 1));
  const cases = split(NATIONAL_VOLUME.cases);
  const letters = split(NATIONAL_VOLUME.letters);
  const submissions = split(NATIONAL_VOLUME.submissions);
  return kommuner.map((k, i) => ({
    kod: k.kod,
    population: k.population,
    residents: residents[i],
    cases: cases[i],
    letters: letters[i],
    submissions: submissions[i],
  }));
}
