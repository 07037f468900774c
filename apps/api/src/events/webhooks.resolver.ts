import { Args, Field, GraphQLISODateTime, ID, InputType, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
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
  @Field(() => ID)
  id!: string;

  @Field()
  url!: string;

  @Field(() => [String], { description: 'CloudEvents types, e.g. se.kommuna.eforms.submission.received.v1' })
  eventTypes!: string[];

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field({ description: 'ACTIVE or DISABLED' })
  status!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Why it is disabled: by an administrator, or the delivery that failed on every attempt',
  })
  disabledReason!: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  disabledAt!: Date | null;

  @Field()
  createdBy!: string;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}

@ObjectType()
export class CreatedWebhookSubscriptionModel {
  @Field(() => WebhookSubscriptionModel)
  subscription!: WebhookSubscriptionModel;

  @Field({ description: 'whsec_…: shown this once; the receiver verifies webhook-signature with it' })
  secret!: string;
}

@ObjectType({ description: 'One event sent (or being sent) to one subscription; its id is the webhook-id header' })
export class WebhookDeliveryModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  eventId!: string;

  @Field()
  eventType!: string;

  @Field(() => GraphQLISODateTime)
  eventTime!: Date;

  @Field({ description: 'PENDING, DELIVERED or FAILED' })
  status!: string;

  @Field(() => Int)
  attempts!: number;

  @Field(() => GraphQLISODateTime, { nullable: true })
  nextAttemptAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  lastAttemptAt!: Date | null;

  @Field(() => Int, { nullable: true })
  lastStatusCode!: number | null;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  deliveredAt!: Date | null;
}

@InputType()
export class WebhookSubscriptionInput {
  @Field()
  url!: string;

  @Field(() => [String])
  eventTypes!: string[];

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@InputType()
export class WebhookSubscriptionChange {
  @Field(() => String, { nullable: true })
  url?: string;

  @Field(() => [String], { nullable: true })
  eventTypes?: string[];

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'false disables it; true enables it again and sends what waited' })
  enabled?: boolean;
}

const DELIVERY_STATUSES: readonly WebhookDeliveryStatus[] = ['PENDING', 'DELIVERED', 'FAILED'];

/** The addressed municipality's webhooks, for its tenant admin. */
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
    @Args('subscriptionId', { type: () => ID }) subscriptionId: string,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
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
    @Args('input') input: WebhookSubscriptionInput,
  ): Promise<{ subscription: WebhookSubscription; secret: string }> {
    return this.webhooks.create(input, `staff:${principal.subject}`);
  }

  @Allow('tenant_admin')
  @Mutation(() => WebhookSubscriptionModel)
  updateWebhookSubscription(
    @Args('id', { type: () => ID }) id: string,
    @Args('change') change: WebhookSubscriptionChange,
  ): Promise<WebhookSubscription> {
    return this.webhooks.update(id, {
      url: change.url ?? undefined,
      eventTypes: change.eventTypes ?? undefined,
      description: change.description,
      enabled: change.enabled ?? undefined,
    });
  }

  @Allow('tenant_admin')
  @Mutation(() => Boolean, { description: 'Deletes a subscription and its delivery log' })
  deleteWebhookSubscription(@Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.webhooks.delete(id);
  }

  @Allow('tenant_admin')
  @Mutation(() => Int, {
    description:
      'Sends again every event of the subscription’s types in [from, to) (at most 31 days); delivered ones keep their webhook-id. Returns how many were queued',
  })
  replayWebhookDeliveries(
    @Args('subscriptionId', { type: () => ID }) subscriptionId: string,
    @Args('from', { type: () => GraphQLISODateTime }) from: Date,
    @Args('to', { type: () => GraphQLISODateTime }) to: Date,
  ): Promise<number> {
    return this.webhooks.replay(subscriptionId, from, to);
  }
}
