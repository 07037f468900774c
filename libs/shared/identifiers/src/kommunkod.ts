// SCB kommunkoder: four digits, the first two being the län code. The list in
// data/kommuner.json covers all 290 municipalities in the current division
// (unchanged since Knivsta was formed in 2003 and Heby moved to Uppsala län,
// code 0331, in 2007).

import kommunerData from './data/kommuner.json';

export interface Kommun {
  /** Four-digit kommunkod, e.g. `2281`. */
  readonly kod: string;
  /** Short name without "kommun"/"stad", e.g. `Sundsvall`. */
  readonly namn: string;
  /** Two-digit länskod, e.g. `22`. */
  readonly lan: string;
  /** e.g. `Västernorrlands län` */
  readonly lanNamn: string;
}

export interface Lan {
  /** Two-digit länskod, e.g. `22`. */
  readonly kod: string;
  /** e.g. `Västernorrlands län` */
  readonly namn: string;
}

// Frozen so callers cannot mutate the shared reference data.
const KOMMUNER: readonly Kommun[] = Object.freeze(kommunerData.map((kommun): Kommun => Object.freeze({ ...kommun })));

const KOMMUN_BY_KOD: ReadonlyMap<string, Kommun> = new Map(KOMMUNER.map((kommun) => [kommun.kod, kommun]));

const LAN: readonly Lan[] = Object.freeze(
  [...new Map(KOMMUNER.map((kommun) => [kommun.lan, kommun.lanNamn])).entries()]
    .map(([kod, namn]): Lan => Object.freeze({ kod, namn }))
    .sort((a, b) => a.kod.localeCompare(b.kod)),
);

/** True for a four-digit string that is the code of an existing kommun. */
export function isKommunkod(value: unknown): value is string {
  return typeof value === 'string' && KOMMUN_BY_KOD.has(value);
}

export function findKommun(kod: string): Kommun | undefined {
  return KOMMUN_BY_KOD.get(kod);
}

/** All 290 kommuner, ordered by kommunkod. */
export function allKommuner(): readonly Kommun[] {
  return KOMMUNER;
}

/** All 21 län, ordered by länskod. */
export function allLan(): readonly Lan[] {
  return LAN;
}
