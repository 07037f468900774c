import { Database, Tenant } from '@kommuna/platform-persistence';
import { DigitalMailAdapters, PermanentAdapterError, TransientAdapterError } from '../../adapters/types';
import { DigitalMailSettings } from '../../settings';
import { DeliveryQueue } from '../delivery-queue';
import type { PrintRenderer } from '../print-render-pool';

/** What one round of the delivery pipeline did, summed over its steps and municipalities. */
export interface RoundResult {
  expanded: number;
  checked: number;
  sentDigitally: number;
  printed: number;
  released: number;
  finished: number;
  retried: number;
}

export const emptyRound = (): RoundResult => ({
  expanded: 0,
  checked: 0,
  sentDigitally: 0,
  printed: 0,
  released: 0,
  finished: 0,
  retried: 0,
});

export const workDone = (r: RoundResult): number =>
  r.expanded + r.checked + r.sentDigitally + r.printed + r.released + r.finished + r.retried;

/** One municipality's round, as each step gets it: the queue, the parties it calls and where to count. */
export interface StepContext {
  readonly database: Database;
  readonly queue: DeliveryQueue;
  readonly tenant: Tenant;
  readonly settings: DigitalMailSettings;
  readonly adapters: DigitalMailAdapters;
  readonly result: RoundResult;
  /** Renders print letters' PDFs (the worker's render threads). */
  readonly render: PrintRenderer;
  readonly onError?: (error: Error, context: { tenantId: string; step: string }) => void;
  /** Aborted when the worker stops: a claim's letters not yet begun are handed back (DeliveryQueue.release). */
  readonly stopping?: AbortSignal;
}

/** A fault of the outside party (recorded against the jobs), as opposed to a bug or a database error (leases expire). */
export const isAdapterError = (error: unknown): error is Error =>
  error instanceof TransientAdapterError || error instanceof PermanentAdapterError;

/** Records a claim's failure and counts it. */
export async function recordFailure(
  ctx: StepContext,
  claimId: string,
  jobs: Parameters<DeliveryQueue['fail']>[2],
  error: Error,
): Promise<void> {
  const { retried, finished } = await ctx.queue.fail(ctx.tenant.id, claimId, jobs, error);
  ctx.result.retried += retried;
  ctx.result.finished += finished;
}
