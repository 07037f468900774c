import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { appendAuditEntry } from '@kommuna/platform-audit';
import { returnedRows } from '@kommuna/platform-jobs';
import { Database, RawRow, rowsOf, selectColumns, selectRows } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { EVENT_CONTRACTS, NotFoundError, ValidationFailedError } from '@kommuna/shared-service-contracts';
import { WebhookDeliveryEntity, WebhookDeliveryStatus, WebhookSubscriptionEntity } from './entities';
import { enqueueForSubscription } from './fan-out';
import { assertAllowedTarget, checkTargetUrl, WebhookEnvironment } from './target-policy';

export type { WebhookDeliveryStatus, WebhookSubscriptionStatus } from './entities';

/** The webhook_subscription columns its admin reads: never its secret (also the REST schema's fields). */
export const WEBHOOK_SUBSCRIPTION_COLUMNS = [
  'id',
  'url',
  'eventTypes',
  'description',
  'status',
  'disabledReason',
  'disabledAt',
  'createdBy',
  'createdAt',
] as const;

/**
 * A subscription as its admin reads it: never its secret. `disabledReason` says why it is
 * disabled: by its admin, or the failure that disabled it.
 */
export type WebhookSubscription = Pick<WebhookSubscriptionEntity, (typeof WEBHOOK_SUBSCRIPTION_COLUMNS)[number]>;

/** The webhook_delivery columns of the delivery log (not the body, nor the claim; also the REST schema's fields). */
export const WEBHOOK_DELIVERY_COLUMNS = [
  'id',
  'subscriptionId',
  'eventId',
  'eventType',
  'eventTime',
  'status',
  'attempts',
  'nextAttemptAt',
  'lastAttemptAt',
  'lastStatusCode',
  'lastError',
  'deliveredAt',
  'createdAt',
] as const;

/** One entry of the delivery log. Its id is the webhook-id header the receiver sees. */
export interface WebhookDelivery extends Pick<WebhookDeliveryEntity, Exclude<(typeof WEBHOOK_DELIVERY_COLUMNS)[number], 'nextAttemptAt'>> {
  /** When a pending delivery is sent next; null once it is finished, or parked (its subscription disabled). */
  nextAttemptAt: Date | null;
}

export interface WebhookSubscriptionInput {
  url: string;
  /** CloudEvents types, versioned (se.kommuna.eforms.submission.received.v1); at least one. */
  eventTypes: string[];
  description?: string | null;
}

export class WebhookInputError extends ValidationFailedError {}

export class WebhookSubscriptionNotFoundError extends NotFoundError {
  constructor(id: string) {
    super(`No webhook subscription ${id} in this municipality`);
  }
}

/** The event types a subscription may name: every published contract's CloudEvents type. */
export const WEBHOOK_EVENT_TYPES: readonly string[] = EVENT_CONTRACTS.map((contract) => contract.cloudEventType);

/** A Standard Webhooks secret: whsec_ and 24 random bytes in base64 (192 bits). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_REPLAY_MS = 31 * 86_400_000;

/** A subscription as the audit trail records it: what it sends where, never its secret. */
const audited = (row: WebhookSubscription) => ({
  url: row.url,
  eventTypes: row.eventTypes,
  description: row.description,
  status: row.status,
});

const audit = (em: EntityManager, actor: string, action: string, subscriptionId: string, details: Record<string, unknown>) =>
  appendAuditEntry(em, { actor, action, targetType: 'webhook_subscription', targetId: subscriptionId, details });

/**
 * A municipality's webhook subscriptions, managed by its tenant admin: always the addressed
 * municipality's (request context), under row-level security, so no id from another one is found.
 * Every change is audited in the same transaction (actor as auditActor names them: staff:<sub>,
 * service:<client>), with what changed but never the secret.
 */
export class WebhookSubscriptions {
  constructor(
    private readonly database: Database,
    private readonly env: WebhookEnvironment,
    /** The tenant slug of a tenant id (the TenantDirectory's), for a replayed event's `kommunatenant`. */
    private readonly slugOf: (tenantId: string) => string | undefined,
  ) {}

  async list(): Promise<WebhookSubscription[]> {
    return this.database.transaction((em) =>
      selectRows(
        em,
        WebhookSubscriptionEntity,
        WEBHOOK_SUBSCRIPTION_COLUMNS,
        `FROM webhook_subscription WHERE tenant_id = $1 ORDER BY created_at, id`,
        [requestContext.tenantId()],
      ),
    );
  }

  async get(id: string): Promise<WebhookSubscription> {
    if (!UUID.test(id)) throw new WebhookSubscriptionNotFoundError(id);
    const [row] = await this.database.transaction((em) =>
      selectRows(
        em,
        WebhookSubscriptionEntity,
        WEBHOOK_SUBSCRIPTION_COLUMNS,
        `FROM webhook_subscription WHERE tenant_id = $1 AND id = $2`,
        [requestContext.tenantId(), id],
      ),
    );
    if (!row) throw new WebhookSubscriptionNotFoundError(id);
    return row;
  }

  /** Creates a subscription; the secret is in the answer this once and never again. `createdBy` is the audited actor. */
  async create(input: WebhookSubscriptionInput, createdBy: string): Promise<{ subscription: WebhookSubscription; secret: string }> {
    const { url, eventTypes, description } = await this.checked(input);
    const secret = newWebhookSecret();
    const subscription = await this.database.transaction(async (em) => {
      const [created] = subscriptionsOf(
        em,
        await em.query(
          `INSERT INTO webhook_subscription (tenant_id, url, event_types, description, secret, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${subscriptionColumns(em)}`,
          [requestContext.tenantId(), url, eventTypes, description, secret, createdBy.slice(0, 200)],
        ),
      );
      await audit(em, createdBy, 'webhook.subscription.created', created.id, audited(created));
      return created;
    });
    return { subscription, secret };
  }

  /**
   * Changes target, types or description, and enables or disables it. Enabling clears the reason
   * and sends what waited at once; disabling parks its pending deliveries (a replay re-sends a range).
   */
  async update(id: string, change: Partial<WebhookSubscriptionInput> & { enabled?: boolean }, actor: string): Promise<WebhookSubscription> {
    const current = await this.get(id);
    const next = await this.checked({
      url: change.url ?? current.url,
      eventTypes: change.eventTypes ?? current.eventTypes,
      description: change.description === undefined ? current.description : change.description,
    });
    const tenantId = requestContext.tenantId();
    const enable = change.enabled === true && current.status === 'DISABLED';
    const disable = change.enabled === false && current.status === 'ACTIVE';
    const [row] = await this.database.transaction(async (em) => {
      const updated = subscriptionsOf(
        em,
        returnedRows(
          await em.query(
            `UPDATE webhook_subscription SET url = $3, event_types = $4, description = $5,
                status = CASE WHEN $6 THEN 'ACTIVE' WHEN $7 THEN 'DISABLED' ELSE status END,
                disabled_reason = CASE WHEN $6 THEN NULL WHEN $7 THEN 'Disabled by an administrator' ELSE disabled_reason END,
                disabled_at = CASE WHEN $6 THEN NULL WHEN $7 THEN now() ELSE disabled_at END
          WHERE tenant_id = $1 AND id = $2 RETURNING ${subscriptionColumns(em)}`,
            [tenantId, id, next.url, next.eventTypes, next.description, enable, disable],
          ),
        ),
      );
      const [after] = updated;
      if (after) {
        const before = { url: current.url, eventTypes: current.eventTypes, description: current.description, status: current.status };
        const now = audited(after);
        const changed = (Object.keys(now) as Array<keyof typeof now>).filter(
          (key) => JSON.stringify(before[key]) !== JSON.stringify(now[key]),
        );
        await audit(
          em,
          actor,
          enable ? 'webhook.subscription.enabled' : disable ? 'webhook.subscription.disabled' : 'webhook.subscription.updated',
          id,
          {
            changed,
            before: Object.fromEntries(changed.map((key) => [key, before[key]])),
            after: Object.fromEntries(changed.map((key) => [key, now[key]])),
          },
        );
      }
      if (enable)
        await em.query(
          `UPDATE webhook_delivery SET next_attempt_at = now(), claim_id = NULL WHERE tenant_id = $1 AND subscription_id = $2 AND status = 'PENDING'`,
          [tenantId, id],
        );
      if (disable)
        await em.query(
          `UPDATE webhook_delivery SET next_attempt_at = 'infinity' WHERE tenant_id = $1 AND subscription_id = $2 AND status = 'PENDING'`,
          [tenantId, id],
        );
      return updated;
    });
    if (!row) throw new WebhookSubscriptionNotFoundError(id);
    return row;
  }

  /** Deletes a subscription with its delivery log. */
  async delete(id: string, actor: string): Promise<boolean> {
    const current = await this.get(id);
    await this.database.transaction(async (em) => {
      const [, deleted]: [unknown, number] = await em.query(`DELETE FROM webhook_subscription WHERE tenant_id = $1 AND id = $2`, [
        requestContext.tenantId(),
        id,
      ]);
      if (deleted === 0) throw new WebhookSubscriptionNotFoundError(id);
      await audit(em, actor, 'webhook.subscription.deleted', id, {
        url: current.url,
        eventTypes: current.eventTypes,
        description: current.description,
        status: current.status,
      });
    });
    return true;
  }

  /** The delivery log of one subscription, newest first. */
  async deliveries(subscriptionId: string, options: { first?: number; status?: WebhookDeliveryStatus } = {}): Promise<WebhookDelivery[]> {
    await this.get(subscriptionId);
    const first = Math.min(Math.max(options.first ?? 50, 1), 200);
    const rows = await this.database.transaction((em) =>
      selectRows(
        em,
        WebhookDeliveryEntity,
        WEBHOOK_DELIVERY_COLUMNS,
        `FROM webhook_delivery WHERE tenant_id = $1 AND subscription_id = $2 AND ($3::text IS NULL OR status = $3)
            ORDER BY created_at DESC, id DESC LIMIT $4`,
        [requestContext.tenantId(), subscriptionId, options.status ?? null, first],
      ),
    );
    // A finished delivery (null), a parked one ('infinity', an invalid Date here) and one being sent from a hand-over (null) have no next attempt.
    return rows.map((row) => ({
      ...row,
      nextAttemptAt:
        row.status === 'PENDING' && row.nextAttemptAt !== null && Number.isFinite(new Date(row.nextAttemptAt).getTime())
          ? row.nextAttemptAt
          : null,
    }));
  }

  /**
   * Sends again every event of the subscription's types that occurred in [from, to): those
   * delivered before under their own webhook-id (a receiver that de-duplicates sees no new one),
   * and those it never had (it did not exist yet, or was disabled) as new deliveries. Reads the
   * webhook event log, so as far back as it keeps events (KOMMUNA_WEBHOOK_EVENT_RETENTION_DAYS,
   * default 90 days), at most 31 days per replay. Returns how many deliveries were queued.
   */
  async replay(subscriptionId: string, from: Date, to: Date, actor: string): Promise<number> {
    const subscription = await this.get(subscriptionId);
    if (!(from instanceof Date) || !(to instanceof Date) || Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) {
      throw new WebhookInputError('A replay needs a time range with from before to');
    }
    if (to.getTime() - from.getTime() > MAX_REPLAY_MS) throw new WebhookInputError('A replay covers at most 31 days at a time');
    if (subscription.status !== 'ACTIVE') throw new WebhookInputError('Enable the subscription before replaying to it');
    const tenantId = requestContext.tenantId();
    const slug = this.slugOf(tenantId);
    if (!slug) throw new WebhookSubscriptionNotFoundError(subscriptionId);
    return this.database.transaction(async (em) => {
      const queued = await enqueueForSubscription(em, tenantId, slug, subscriptionId, subscription.eventTypes, from, to);
      await audit(em, actor, 'webhook.deliveries.replayed', subscriptionId, { from: from.toISOString(), to: to.toISOString(), queued });
      return queued;
    });
  }

  private async checked(input: WebhookSubscriptionInput): Promise<{ url: string; eventTypes: string[]; description: string | null }> {
    if (typeof input.url !== 'string') throw new WebhookInputError('url is required');
    const url = checkTargetUrl(input.url.trim(), this.env);
    await assertAllowedTarget(url, this.env);
    const eventTypes = [...new Set(input.eventTypes ?? [])];
    if (eventTypes.length === 0) throw new WebhookInputError(`Name at least one event type: ${WEBHOOK_EVENT_TYPES.join(', ')}`);
    const unknown = eventTypes.filter((type) => !WEBHOOK_EVENT_TYPES.includes(type));
    if (unknown.length > 0)
      throw new WebhookInputError(
        `Unknown event type${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}; the types are ${WEBHOOK_EVENT_TYPES.join(', ')}`,
      );
    const description = input.description?.trim() || null;
    if (description && description.length > 200) throw new WebhookInputError('A description is at most 200 characters');
    return { url: url.toString(), eventTypes, description };
  }
}

const subscriptionColumns = (em: EntityManager) => selectColumns(em, WebhookSubscriptionEntity, { only: WEBHOOK_SUBSCRIPTION_COLUMNS });

const subscriptionsOf = (em: EntityManager, raw: readonly RawRow[]): WebhookSubscription[] =>
  rowsOf(em, WebhookSubscriptionEntity, raw, WEBHOOK_SUBSCRIPTION_COLUMNS);
