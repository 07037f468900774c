import { Args, Field, GraphQLISODateTime, ID, InputType, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Allow, CurrentPrincipal, Principal } from '@kommuna/platform-auth';
import { InboundEventType, StoredInboundEvent } from '@kommuna/platform-events';
import { ComposedServices } from '@kommuna/services';

@ObjectType({ description: 'An event type the municipality accepts from its systems and sensors (CloudEvents, versioned)' })
export class InboundEventTypeModel {
  @Field({ description: 'e.g. se.kommuna.sensor.pollen.level-measured.v1' })
  cloudEventType!: string;

  @Field({ description: 'What the event says, in a sentence' })
  summary!: string;

  @Field(() => GraphQLJSONObject, { description: 'JSON Schema (2020-12) of the event’s data' })
  dataSchema!: Record<string, unknown>;

  @Field({ description: 'shared (every municipality, registered by the platform’s services) or municipality (its own)' })
  scope!: string;

  @Field(() => String, { nullable: true, description: 'staff:<subject> of the tenant admin who registered it; null for a shared type' })
  createdBy?: string;
}

@ObjectType({ description: 'An event a system or sensor delivered, stored once per source and id' })
export class InboundEventModel {
  @Field(() => ID, { description: "The platform's id of the stored event (UUID)" })
  inboundEventId!: string;

  @Field({ description: 'The sender’s CloudEvents id' })
  id!: string;

  @Field({ description: 'The CloudEvents source: the system or sensor that sent it' })
  source!: string;

  @Field({ description: 'The CloudEvents type, versioned, e.g. se.kommuna.sensor.pollen.level-measured.v1' })
  type!: string;

  @Field(() => String, { nullable: true, description: 'The CloudEvents subject; null when the sender gave none' })
  subject!: string | null;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When the event happened, as the sender says; null when it gave no time',
  })
  time!: Date | null;

  @Field(() => GraphQLJSONObject, { description: 'As its type accepted it; identity numbers replaced by party ids' })
  data!: Record<string, unknown>;

  @Field({ description: 'http or nats' })
  receivedVia!: string;

  @Field({ description: "Who delivered it: the service account's client id (over HTTP) or the NATS subject" })
  receivedFrom!: string;

  @Field(() => GraphQLISODateTime, { description: 'When the platform received it' })
  receivedAt!: Date;
}

@InputType({ description: "An event type of the municipality's own to register" })
export class InboundEventTypeInput {
  @Field({ description: 'The municipality’s own type, reverse-DNS with the version last: se.<kommun>.<area>.<event>.v1' })
  cloudEventType!: string;

  @Field({ description: 'What the event says, in a sentence' })
  summary!: string;

  @Field(() => GraphQLJSONObject, { description: 'JSON Schema (2020-12) of data, an object schema' })
  dataSchema!: Record<string, unknown>;
}

/** Events in, for the municipality's tenant admin: which types it accepts (and its own), and what came in. */
@Resolver()
export class InboundEventsResolver {
  constructor(private readonly services: ComposedServices) {}

  @Allow('tenant_admin')
  @Query(() => [InboundEventTypeModel], { description: 'The event types the municipality accepts: the shared ones and its own' })
  inboundEventTypes(): Promise<InboundEventType[]> {
    return this.services.inbound.types.list();
  }

  @Allow('tenant_admin')
  @Query(() => [InboundEventModel], { description: 'The latest events the municipality’s systems and sensors delivered, newest first' })
  inboundEvents(
    @Args('first', { type: () => Int, nullable: true, description: 'At most this many events, 1 to 200 (default 50)' }) first?: number,
    @Args('type', { type: () => String, nullable: true, description: 'Only events of this CloudEvents type' }) type?: string,
  ): Promise<StoredInboundEvent[]> {
    return this.services.inbound.list({ first, type: type ?? undefined });
  }

  @Allow('tenant_admin')
  @Mutation(() => InboundEventTypeModel, {
    description: 'Registers an event type of the municipality’s own; a changed schema is a new version (…v2)',
  })
  registerInboundEventType(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { description: 'The event type and its data schema' }) input: InboundEventTypeInput,
  ): Promise<InboundEventType> {
    return this.services.inbound.types.register(input, `staff:${principal.subject}`);
  }
}
