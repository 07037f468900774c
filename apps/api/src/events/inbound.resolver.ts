import { Args, Field, GraphQLISODateTime, ID, InputType, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Allow, CurrentPrincipal, Principal } from '@kommuna/platform-auth';
import { InboundEventType, StoredInboundEvent } from '@kommuna/platform-events';
import { ComposedServices } from '@kommuna/services';

@ObjectType({ description: 'An event type the municipality accepts from its systems and sensors (CloudEvents, versioned)' })
export class InboundEventTypeModel {
  @Field({ description: 'e.g. se.kommuna.sensor.pollen.level-measured.v1' })
  cloudEventType!: string;

  @Field()
  summary!: string;

  @Field(() => GraphQLJSONObject, { description: 'JSON Schema (2020-12) of the event’s data' })
  dataSchema!: Record<string, unknown>;

  @Field({ description: 'shared (every municipality, registered by the platform’s services) or municipality (its own)' })
  scope!: string;

  @Field(() => String, { nullable: true })
  createdBy?: string;
}

@ObjectType({ description: 'An event a system or sensor delivered, stored once per source and id' })
export class InboundEventModel {
  @Field(() => ID)
  inboundEventId!: string;

  @Field({ description: 'The sender’s CloudEvents id' })
  id!: string;

  @Field()
  source!: string;

  @Field()
  type!: string;

  @Field(() => String, { nullable: true })
  subject!: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  time!: Date | null;

  @Field(() => GraphQLJSONObject, { description: 'As its type accepted it; identity numbers replaced by party ids' })
  data!: Record<string, unknown>;

  @Field({ description: 'http or nats' })
  receivedVia!: string;

  @Field()
  receivedFrom!: string;

  @Field(() => GraphQLISODateTime)
  receivedAt!: Date;
}

@InputType()
export class InboundEventTypeInput {
  @Field({ description: 'The municipality’s own type, reverse-DNS with the version last: se.<kommun>.<area>.<event>.v1' })
  cloudEventType!: string;

  @Field()
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
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('type', { type: () => String, nullable: true }) type?: string,
  ): Promise<StoredInboundEvent[]> {
    return this.services.inbound.list({ first, type: type ?? undefined });
  }

  @Allow('tenant_admin')
  @Mutation(() => InboundEventTypeModel, {
    description: 'Registers an event type of the municipality’s own; a changed schema is a new version (…v2)',
  })
  registerInboundEventType(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: InboundEventTypeInput,
  ): Promise<InboundEventType> {
    return this.services.inbound.types.register(input, `staff:${principal.subject}`);
  }
}
