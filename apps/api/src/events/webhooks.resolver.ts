import { Args, Field, GraphQLISODateTime, ID, InputType, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { auditActor } from '@kommuna/platform-audit';
import { Allow, CurrentPrincipal, Principal } from '@kommuna/platform-auth';
import {
  WebhookDelivery,
  WebhookDeliveryStatus,
  WebhookInputError,
  WebhookSubscription,
  WebhookSubscriptions,
} from '@kommuna/platform-events';
import { ComposedServices } from '@kommuna/services';

@ObjectType({ description: 'Where a municipality’s events of the chosen types are delivered as signed CloudEvents (Standard Webhooks)' })
export class WebhookSubscriptionModel {
  @Field(() => ID, { description: "The subscription's id (UUID)" })
  id!: string;

  @Field({ description: 'The target the events are posted to' })
  url!: string;

  @Field(() => [String], { description: 'CloudEvents types, e.g. se.kommuna.eforms.submission.received.v1' })
  eventTypes!: string[];

  @Field(() => String, { nullable: true, description: 'A note for the administrators; null when none' })
  description!: string | null;

  @Field({ description: 'ACTIVE or DISABLED' })
  status!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Why it is disabled: by an administrator, or the delivery that failed on every attempt',
  })
  disabledReason!: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it was disabled; null while active' })
  disabledAt!: Date | null;

  @Field({ description: 'staff:<subject> of the tenant admin who created it' })
  createdBy!: string;

  @Field(() => GraphQLISODateTime, { description: 'When it was created' })
  createdAt!: Date;
}

@ObjectType({ description: 'A new webhook subscription and its signing secret, shown this once' })
export class CreatedWebhookSubscriptionModel {
  @Field(() => WebhookSubscriptionModel, { description: 'The subscription as stored' })
  subscription!: WebhookSubscriptionModel;

  @Field({ description: 'whsec_…: shown this once; the receiver verifies webhook-signature with it' })
  secret!: string;
}

@ObjectType({ description: 'One event sent (or being sent) to one subscription; its id is the webhook-id header' })
export class WebhookDeliveryModel {
  @Field(() => ID, { description: "The delivery's id, sent as the webhook-id header" })
  id!: string;

  @Field(() => ID, { description: 'The CloudEvents id of the event' })
  eventId!: string;

  @Field({ description: 'The CloudEvents type of the event' })
  eventType!: string;

  @Field(() => GraphQLISODateTime, { description: 'When the event happened' })
  eventTime!: Date;

  @Field({ description: 'PENDING, DELIVERED or FAILED' })
  status!: string;

  @Field(() => Int, { description: 'Attempts made so far' })
  attempts!: number;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the next attempt is due; null when none is planned' })
  nextAttemptAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the last attempt was made; null before the first' })
  lastAttemptAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'The HTTP status of the last attempt; null when there was no answer' })
  lastStatusCode!: number | null;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed; null when it did not' })
  lastError!: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the target answered 2xx; null until then' })
  deliveredAt!: Date | null;
}

@InputType({ description: 'A webhook subscription to create' })
export class WebhookSubscriptionInput {
  @Field({ description: 'The target: https (http only in development), no user info' })
  url!: string;

  @Field(() => [String], { description: 'CloudEvents types, at least one' })
  eventTypes!: string[];

  @Field(() => String, { nullable: true, description: 'A note for the administrators, at most 200 characters' })
  description?: string | null;
}

@InputType({ description: 'What to change in a webhook subscription; a field left null is kept' })
export class WebhookSubscriptionChange {
  @Field(() => String, { nullable: true, description: 'The target: https (http only in development), no user info' })
  url?: string;

  @Field(() => [String], { nullable: true, description: 'CloudEvents types, at least one' })
  eventTypes?: string[];

  @Field(() => String, { nullable: true, description: 'A note for the administrators, at most 200 characters' })
  description?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'false disables it; true enables it again and sends what waited' })
  enabled?: boolean;
}

const DELIVERY_STATUSES: readonly WebhookDeliveryStatus[] = ['PENDING', 'DELIVERED', 'FAILED'];

/** The addressed municipality's webhooks, for its tenant admin; the same as REST in webhooks.controller.ts, every change audited. */
@Resolver()
export class WebhooksResolver {
  private readonly webhooks: WebhookSubscriptions;

  constructor(services: ComposedServices) {
    this.webhooks = services.webhooks;
  }

  @Allow('tenant_admin')
  @Query(() => [WebhookSubscriptionModel], { description: 'The municipality’s webhook subscriptions (never their secrets)' })
  webhookSubscriptions(): Promise<WebhookSubscription[]> {
    return this.webhooks.list();
  }

  @Allow('tenant_admin')
  @Query(() => [WebhookDeliveryModel], { description: 'A subscription’s delivery log, newest first' })
  webhookDeliveries(
    @Args('subscriptionId', { type: () => ID, description: "The subscription's id" }) subscriptionId: string,
    @Args('first', { type: () => Int, nullable: true, description: 'At most this many deliveries, 1 to 200 (default 50)' }) first?: number,
    @Args('status', { nullable: true, description: 'PENDING, DELIVERED or FAILED' }) status?: string,
  ): Promise<WebhookDelivery[]> {
    if (status !== undefined && status !== null && !DELIVERY_STATUSES.includes(status as WebhookDeliveryStatus)) {
      throw new WebhookInputError(`status is one of ${DELIVERY_STATUSES.join(', ')}`);
    }
    return this.webhooks.deliveries(subscriptionId, { first, status: (status ?? undefined) as WebhookDeliveryStatus | undefined });
  }

  @Allow('tenant_admin')
  @Mutation(() => CreatedWebhookSubscriptionModel, {
    description: 'Subscribes a target to event types; the answer holds the signing secret, shown once',
  })
  createWebhookSubscription(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { description: 'The target and the event types' }) input: WebhookSubscriptionInput,
  ): Promise<{ subscription: WebhookSubscription; secret: string }> {
    return this.webhooks.create(input, auditActor.staff(principal.subject));
  }

  @Allow('tenant_admin')
  @Mutation(() => WebhookSubscriptionModel, {
    description: "Changes a subscription's target, event types, description, or enables or disables it (tenant admin)",
  })
  updateWebhookSubscription(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID, description: "The subscription's id" }) id: string,
    @Args('change', { description: 'What to change; a field left null is kept' }) change: WebhookSubscriptionChange,
  ): Promise<WebhookSubscription> {
    return this.webhooks.update(
      id,
      {
        url: change.url ?? undefined,
        eventTypes: change.eventTypes ?? undefined,
        description: change.description,
        enabled: change.enabled ?? undefined,
      },
      auditActor.staff(principal.subject),
    );
  }

  @Allow('tenant_admin')
  @Mutation(() => Boolean, { description: 'Deletes a subscription and its delivery log' })
  deleteWebhookSubscription(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID, description: "The subscription's id" }) id: string,
  ): Promise<boolean> {
    return this.webhooks.delete(id, auditActor.staff(principal.subject));
  }

  @Allow('tenant_admin')
  @Mutation(() => Int, {
    description:
      'Sends again every event of the subscription’s types in [from, to) (at most 31 days); delivered ones keep their webhook-id. Returns how many were queued',
  })
  replayWebhookDeliveries(
    @CurrentPrincipal() principal: Principal,
    @Args('subscriptionId', { type: () => ID, description: "The subscription's id" }) subscriptionId: string,
    @Args('from', { type: () => GraphQLISODateTime, description: 'Events from this time (included)' }) from: Date,
    @Args('to', { type: () => GraphQLISODateTime, description: 'Events before this time (not included), at most 31 days after from' })
    to: Date,
  ): Promise<number> {
    return this.webhooks.replay(subscriptionId, from, to, auditActor.staff(principal.subject));
  }
}
