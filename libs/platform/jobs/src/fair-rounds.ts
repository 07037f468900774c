import { requestContext } from '@kommuna/platform-tenancy';

export interface FairTenantRoundsOptions {
  /** A label for the units of work's request ids (`<label>-<tenant id>`), e.g. 'outbox'. */
  readonly label: string;
  /**
   * Municipalities worked on at once in one process (default 1). Above 1, a municipality whose
   * round is slow (a large claim, a slow operator) does not hold up the others' rounds.
   */
  readonly concurrency?: number;
  /** Called with each due tenant id; a tenant left out (e.g. no longer known) is skipped. */
  readonly contextOf?: (tenantId: string) => { tenantSlug?: string } | undefined;
}

/**
 * Fair claiming across municipalities (issue 24): a queue's round gives every municipality with
 * due work one claim of at most its batch size, so one municipality's 100,000 letters wait their
 * turn behind another's single letter instead of in front of it. The order rotates from round to
 * round (the municipality after the one that went first last time goes first), so no one is
 * always last, and with `concurrency` > 1 several are worked on side by side.
 *
 * Each municipality's work runs in its own tenant context. One municipality's failure does not
 * stop the others': the round finishes, then the first failure is thrown.
 */
export class FairTenantRounds {
  private readonly concurrency: number;
  private lastFirst: string | undefined;

  constructor(private readonly options: FairTenantRoundsOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 1);
  }

  /** The due tenants in this round's order: sorted, starting after the one that went first last round. */
  order(tenantIds: readonly string[]): string[] {
    const sorted = [...new Set(tenantIds)].sort();
    if (sorted.length === 0) return sorted;
    const last = this.lastFirst;
    const start = last === undefined ? 0 : sorted.findIndex((id) => id > last);
    const rotated = start <= 0 ? sorted : [...sorted.slice(start), ...sorted.slice(0, start)];
    this.lastFirst = rotated[0];
    return rotated;
  }

  /**
   * One round: `work` once for each due tenant, in its tenant context; the results in this round's
   * order. Once `stopping` is aborted no further tenant's work begins: the work under way finishes
   * and only its results are returned, the rest waits for the next round, here or in another replica.
   */
  async run<T>(tenantIds: readonly string[], work: (tenantId: string) => Promise<T>, stopping?: AbortSignal): Promise<T[]> {
    const order = this.order(tenantIds).flatMap((id) => {
      const context = this.options.contextOf ? this.options.contextOf(id) : {};
      return context ? [{ id, context }] : [];
    });
    const results: T[] = new Array<T>(order.length);
    const failures: unknown[] = [];
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < order.length && !stopping?.aborted) {
        const index = next++;
        const { id, context } = order[index];
        try {
          results[index] = await requestContext.run(
            { requestId: `${this.options.label}-${id}`, tenantId: id, tenantSlug: context.tenantSlug },
            () => work(id),
          );
        } catch (error) {
          failures.push(error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, order.length) }, lane));
    if (failures.length > 0) throw failures[0];
    // Tenants are begun in order: those before `next` ran.
    return next < order.length ? results.slice(0, next) : results;
  }
}
