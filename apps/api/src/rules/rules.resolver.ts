import { Args, Field, GraphQLISODateTime, ID, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Allow, CurrentPrincipal, Principal } from '@kommuna/platform-auth';
import { RuleBook, RuleFiring, RuleTask, RuleVersion } from '@kommuna/rules';

@ObjectType({ description: 'Swedish and English' })
export class RuleTextModel {
  @Field()
  sv!: string;

  @Field()
  en!: string;
}

@ObjectType({ description: 'One version of a municipality’s rule: a JSON Logic condition over an inbound event and an action' })
export class RuleVersionModel {
  @Field(() => ID)
  id!: string;

  @Field()
  key!: string;

  @Field(() => Int)
  version!: number;

  @Field()
  enabled!: boolean;

  @Field(() => GraphQLJSONObject, { description: 'name, description, eventType, condition (JSON Logic), action, enabled' })
  definition!: Record<string, unknown>;

  @Field({ description: 'staff:<subject> (its tenant admin) or file:<path> (shipped in tenants/<slug>/rules)' })
  createdBy!: string;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}

@ObjectType({ description: 'A rule that fired: its version, the inbound event that caused it, and what its action made' })
export class RuleFiringModel {
  @Field(() => ID)
  id!: string;

  @Field()
  ruleKey!: string;

  @Field(() => Int)
  ruleVersion!: number;

  @Field(() => ID)
  inboundEventId!: string;

  @Field()
  eventSource!: string;

  @Field()
  eventId!: string;

  @Field()
  eventType!: string;

  @Field({ description: 'task, case, decision or letter' })
  actionKind!: string;

  @Field(() => GraphQLJSONObject)
  outcome!: Record<string, unknown>;

  @Field(() => GraphQLISODateTime)
  firedAt!: Date;
}

@ObjectType({ description: 'A task a rule put in a unit’s inbox' })
export class RuleTaskModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  firingId!: string;

  @Field()
  unit!: string;

  @Field(() => RuleTextModel)
  title!: RuleTextModel;

  @Field(() => RuleTextModel)
  description!: RuleTextModel;

  @Field(() => GraphQLISODateTime, { nullable: true })
  dueAt!: Date | null;

  @Field({ description: 'OPEN or DONE' })
  status!: string;

  @Field(() => String, { nullable: true })
  doneBy!: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  doneAt!: Date | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}

/**
 * The addressed municipality's rules (docs/rules.md): managed by its tenant admin, versioned on
 * each save; the firing log; and the tasks rules put in a unit's inbox, for that unit's case workers.
 */
@Resolver()
export class RulesResolver {
  constructor(private readonly book: RuleBook) {}

  @Allow('tenant_admin')
  @Query(() => [RuleVersionModel], { description: 'The newest version of every rule of the municipality' })
  rules(@CurrentPrincipal() principal: Principal): Promise<RuleVersion[]> {
    return this.book.list(principal);
  }

  @Allow('tenant_admin')
  @Query(() => [RuleVersionModel], { description: 'Every version of one rule, newest first' })
  ruleVersions(@CurrentPrincipal() principal: Principal, @Args('key') key: string): Promise<RuleVersion[]> {
    return this.book.versions(principal, key);
  }

  @Allow('tenant_admin')
  @Query(() => [RuleFiringModel], { description: 'Rules that fired, newest first (optionally one rule’s)' })
  ruleFirings(
    @CurrentPrincipal() principal: Principal,
    @Args('ruleKey', { type: () => String, nullable: true }) ruleKey?: string,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
  ): Promise<RuleFiring[]> {
    return this.book.firings(principal, { ruleKey: ruleKey ?? undefined, first });
  }

  @Allow('tenant_admin')
  @Mutation(() => RuleVersionModel, {
    description:
      'Saves a rule (key, name, description, eventType, condition, action, enabled) as its next version; the same again changes nothing',
  })
  saveRule(
    @CurrentPrincipal() principal: Principal,
    @Args('rule', { type: () => GraphQLJSONObject }) rule: Record<string, unknown>,
  ): Promise<RuleVersion> {
    return this.book.save(principal, rule);
  }

  @Allow('tenant_admin')
  @Mutation(() => RuleVersionModel, { description: 'Enables or disables a rule (a new version)' })
  setRuleEnabled(
    @CurrentPrincipal() principal: Principal,
    @Args('key') key: string,
    @Args('enabled') enabled: boolean,
  ): Promise<RuleVersion> {
    return this.book.setEnabled(principal, key, enabled);
  }

  @Allow('case_worker')
  @Query(() => [RuleTaskModel], { description: 'The tasks rules put in your unit’s inbox, oldest first (open ones unless includeDone)' })
  ruleTasks(
    @CurrentPrincipal() principal: Principal,
    @Args('includeDone', { type: () => Boolean, nullable: true }) includeDone?: boolean,
  ): Promise<RuleTask[]> {
    return this.book.tasks(principal, { includeDone: includeDone ?? false });
  }

  @Allow('case_worker')
  @Mutation(() => RuleTaskModel, { description: 'Marks a task of your unit done' })
  completeRuleTask(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<RuleTask> {
    return this.book.completeTask(principal, id);
  }
}
