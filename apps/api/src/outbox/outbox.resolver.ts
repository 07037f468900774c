import { Args, Field, GraphQLISODateTime, ID, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { AuditLog, auditActor } from '@kommuna/platform-audit';
import { Allow, CurrentPrincipal, Principal } from '@kommuna/platform-auth';
import { OutboxDeadLetter, OutboxDeadLetterPage, outboxDeadLetters } from '@kommuna/platform-events';
import { Database } from '@kommuna/platform-persistence';

@ObjectType({ description: 'An event whose delivery to the services failed on every attempt: kept with its error until retried' })
export class OutboxDeadLetterModel {
  @Field(() => ID, { description: "The event's id (CloudEvents id)" })
  id!: string;

  @Field({ description: 'The event type, e.g. se.kommuna.eforms.submission.received' })
  type!: string;

  @Field({ description: 'The CloudEvents source: the service that emitted it' })
  source!: string;

  @Field(() => String, { nullable: true, description: 'The CloudEvents subject (what the event is about); null when it has none' })
  subject!: string | null;

  @Field(() => GraphQLISODateTime, { description: 'When the event happened' })
  occurredAt!: Date;

  @Field(() => GraphQLISODateTime, { description: 'When its attempts were spent' })
  deadLetteredAt!: Date;

  @Field(() => Int, { description: 'Delivery attempts made' })
  attempts!: number;

  @Field(() => String, { nullable: true, description: '<handler>: <message> of the last failed attempt' })
  lastError!: string | null;
}

@ObjectType({ description: 'A page of dead letters' })
export class OutboxDeadLetterPageModel {
  @Field(() => [OutboxDeadLetterModel], { description: 'Newest first' })
  items!: OutboxDeadLetterModel[];

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page; null on the last' })
  nextCursor!: string | null;
}

/** The addressed municipality's outbox dead letters, for its tenant admin (issue 18 item 7). */
@Resolver()
export class OutboxResolver {
  constructor(
    private readonly database: Database,
    private readonly audit: AuditLog,
  ) {}

  @Allow('tenant_admin')
  @Query(() => OutboxDeadLetterPageModel, { description: 'Events the platform gave up delivering to its services, with their errors' })
  outboxDeadLetters(
    @Args('first', { type: () => Int, nullable: true, description: 'At most 100 (default 20)' }) first?: number,
    @Args('after', { nullable: true, description: 'The nextCursor of the previous page; null: the first page' }) after?: string,
  ): Promise<OutboxDeadLetterPage> {
    return this.database.transaction((em) => outboxDeadLetters.list(em, { first: first ?? 20, after }));
  }

  @Allow('tenant_admin')
  @Mutation(() => OutboxDeadLetterModel, {
    description: 'Queues a dead letter again once its cause is fixed: its attempts start over and the next round delivers it (audited)',
  })
  retryOutboxEvent(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID, description: "The dead letter's id" }) id: string,
  ): Promise<OutboxDeadLetter> {
    return this.database.transaction(async (em) => {
      const event = await outboxDeadLetters.retry(em, id);
      await this.audit.record(em, {
        actor: auditActor.staff(principal.subject),
        action: 'outbox.event.retried',
        targetType: 'outbox_event',
        targetId: event.id,
        details: { type: event.type, attempts: event.attempts, lastError: event.lastError },
      });
      return event;
    });
  }
}
