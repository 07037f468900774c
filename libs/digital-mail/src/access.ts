import { UnitRequiredError } from './errors';

/**
 * Whose letters a caller acts for: the second boundary after the municipality (OSL unit secrecy,
 * the same rule Mina sidor and e-forms apply to cases). A letter's `department` is the unit it
 * belongs to. A unit scope reads, counts and sends only its own unit's letters, batches and
 * statistics, and uses its own unit's templates and the municipality's shared ones (no
 * department); the municipality scope (a municipal system, a tenant admin's templates, the
 * steering group's counts) spans every unit. Every query takes the scope, so no caller can
 * forget it.
 */
export type MailScope = { readonly kind: 'unit'; readonly unit: string } | { readonly kind: 'municipality' };

export const WHOLE_MUNICIPALITY: MailScope = Object.freeze({ kind: 'municipality' });

/** A case worker's scope; without a unit there is nothing they may see (as for cases). */
export function unitScope(unit: string | null | undefined): MailScope {
  if (typeof unit !== 'string' || unit.trim().length === 0) throw new UnitRequiredError();
  return Object.freeze({ kind: 'unit', unit: unit.trim() });
}

/** The unit a query is narrowed to, as an SQL parameter: null for the whole municipality. */
export const unitOf = (scope: MailScope): string | null => (scope.kind === 'unit' ? scope.unit : null);
