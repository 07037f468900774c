import { appendAuditEntry } from '@kommuna/platform-audit';
import { recordEvent } from '@kommuna/platform-events';
import { Database, RawRow, rowOf, rowsOf, selectColumns, Tenant } from '@kommuna/platform-persistence';
import { EVENT_TYPES, HomeCareDeviationConfirmedData } from '@kommuna/shared-service-contracts';
import type { EntityManager } from 'typeorm';
import { HomeCareActor, HomeCareGate } from './access';
import { HomeCareDeviationReviewEntity } from './entities/review.entity';
import { HomeCareAlreadyReviewedError, HomeCareNotFoundError, HomeCareRequestError } from './errors';
import { amountsByProvider, Deviation, ProviderFigures, RULES, RuleCode } from './rules';

export const REVIEW_OUTCOMES = ['confirmed', 'dismissed'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

/** A deviation of a run: its resident, service type and rule (e.g. HC1). */
export interface DeviationRef {
  runId: string;
  residentId: string;
  serviceType: string;
  rule: string;
}

/** Which deviation of which run, and what the case worker decided about it. */
export interface ReviewDeviationInput extends DeviationRef {
  outcome: ReviewOutcome;
  /** Why: what is withheld or reclaimed, or why the deviation is explained. */
  reason: string;
}

export interface DeviationReview extends ReviewDeviationInput {
  id: string;
  month: string;
  /** Kronor confirmed (the deviation's amount at stake with LOV providers); 0 when dismissed. */
  amountSek: number;
  reviewedBy: string;
  reviewedAt: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const MAX_REASON_LENGTH = 2000;

/** The review's stored properties a DeviationReview shows (docs/architecture.md#typed-rows). */
const REVIEW_FIELDS = [
  'id',
  'month',
  'runId',
  'residentId',
  'serviceType',
  'ruleCode',
  'outcome',
  'reason',
  'amountSek',
  'reviewedBy',
  'reviewedAt',
] as const;

/**
 * The responsible unit's review of the check's deviations (issue 20, review): each deviation of a
 * month is confirmed (its amount withheld or reclaimed) or dismissed, once, with the reason, in an
 * audited transaction. A confirmation publishes se.kommuna.homecare.deviation.confirmed in the same
 * transaction (the month, rule and kronor per provider, never the resident), which the catalogue
 * meters as the service's benefit.
 */
export class DeviationReviews {
  constructor(
    private readonly database: Database,
    private readonly gate: HomeCareGate,
  ) {}

  async review(actor: HomeCareActor, tenant: Tenant, input: ReviewDeviationInput): Promise<DeviationReview> {
    this.gate.assertMayReadResidents(actor, tenant);
    const reason = input.reason.trim();
    const problems = [
      ...(UUID.test(input.runId) ? [] : [{ field: 'runId', message: 'is not a check run id' }]),
      ...((REVIEW_OUTCOMES as readonly string[]).includes(input.outcome)
        ? []
        : [{ field: 'outcome', message: 'is not confirmed or dismissed' }]),
      ...(reason === ''
        ? [{ field: 'reason', message: 'is empty: say what is withheld or reclaimed, or why the deviation is explained' }]
        : []),
      ...(reason.length > MAX_REASON_LENGTH ? [{ field: 'reason', message: `is longer than ${MAX_REASON_LENGTH} characters` }] : []),
    ];
    if (problems.length > 0) throw new HomeCareRequestError('The review was refused', problems);
    return this.database.transaction(async (em) => {
      const [run] = await em.query(
        `SELECT id, month, to_char(month, 'YYYY-MM') AS month_text FROM home_care_check_run WHERE tenant_id = $1 AND id = $2`,
        [tenant.id, input.runId],
      );
      if (!run) throw new HomeCareNotFoundError('No such check run in this municipality');
      const [line]: Array<{ figures: { providers?: ProviderFigures[] }; deviations: Deviation[] }> = await em.query(
        `SELECT figures, deviations FROM home_care_check_line WHERE tenant_id = $1 AND run_id = $2 AND resident_id = $3 AND service_type = $4`,
        [tenant.id, run.id, input.residentId, input.serviceType],
      );
      const deviation = line?.deviations.find((d) => d.rule === input.rule);
      if (!deviation)
        throw new HomeCareNotFoundError(`The run has no ${input.rule.slice(0, 10)} deviation for that resident and service type`);
      const amountSek = input.outcome === 'confirmed' ? deviation.amountSek : 0;
      const reviewedBy = this.gate.actorName(actor);
      const inserted: RawRow[] = await em.query(
        `INSERT INTO home_care_deviation_review (tenant_id, month, run_id, resident_id, service_type, rule_code, outcome, reason, amount_sek, reviewed_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (tenant_id, month, resident_id, service_type, rule_code) DO NOTHING RETURNING ${selectColumns(em, HomeCareDeviationReviewEntity, { only: REVIEW_FIELDS })}`,
        [
          tenant.id,
          run.month_text + '-01',
          run.id,
          input.residentId,
          input.serviceType,
          deviation.code,
          input.outcome,
          reason,
          amountSek.toFixed(2),
          reviewedBy,
        ],
      );
      const stored = rowOf(em, HomeCareDeviationReviewEntity, inserted, REVIEW_FIELDS);
      if (!stored) {
        const [earlier] = await em.query(
          `SELECT outcome FROM home_care_deviation_review WHERE tenant_id = $1 AND month = $2 AND resident_id = $3 AND service_type = $4 AND rule_code = $5`,
          [tenant.id, run.month_text + '-01', input.residentId, input.serviceType, deviation.code],
        );
        throw new HomeCareAlreadyReviewedError(earlier?.outcome ?? 'reviewed');
      }
      const review = reviewOf(stored);
      await appendAuditEntry(em, {
        actor: reviewedBy,
        action: `home-care.deviation.${input.outcome}`,
        targetType: 'home_care_deviation_review',
        targetId: review.id,
        details: {
          month: review.month,
          runId: review.runId,
          residentId: review.residentId,
          serviceType: review.serviceType,
          rule: review.rule,
          amountSek: review.amountSek,
        },
      });
      if (input.outcome === 'confirmed') {
        // What the catalogue meters the benefit by, in the same transaction: no resident, case or reason.
        await recordEvent<HomeCareDeviationConfirmedData>(em, {
          type: EVENT_TYPES.homeCareDeviationConfirmed,
          source: '/home-care',
          subject: review.id,
          data: {
            reviewId: review.id,
            month: review.month,
            rule: review.rule,
            amountSek: review.amountSek,
            providers: amountsByProvider(deviation, line.figures.providers ?? []),
            confirmedAt: review.reviewedAt.toISOString(),
          },
        });
      }
      return review;
    });
  }

  /** The month's reviews, keyed by resident, service type and rule code (for the lines a read returns). */
  static async ofMonth(em: EntityManager, tenantId: string, firstDay: string): Promise<Map<string, DeviationReview>> {
    const raw: RawRow[] = await em.query(
      `SELECT ${selectColumns(em, HomeCareDeviationReviewEntity, { only: REVIEW_FIELDS })} FROM home_care_deviation_review WHERE tenant_id = $1 AND month = $2`,
      [tenantId, firstDay],
    );
    return new Map(
      rowsOf(em, HomeCareDeviationReviewEntity, raw, REVIEW_FIELDS).map((r) => [
        reviewKey(r.residentId, r.serviceType, r.ruleCode),
        reviewOf(r),
      ]),
    );
  }
}

export const reviewKey = (residentId: string, serviceType: string, code: string) => `${residentId}\u0000${serviceType}\u0000${code}`;

/** A stored review (the entity, read with rowsOf) as shown: the month as YYYY-MM, the rule by its id (HC1), kronor as a number. */
function reviewOf({
  month,
  ruleCode,
  outcome,
  amountSek,
  ...review
}: Pick<HomeCareDeviationReviewEntity, (typeof REVIEW_FIELDS)[number]>): DeviationReview {
  return {
    ...review,
    month: month.slice(0, 7),
    rule: RULES[ruleCode as RuleCode]?.id ?? ruleCode,
    outcome: outcome as ReviewOutcome,
    amountSek: Number(amountSek),
  };
}
