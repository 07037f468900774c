import { Args, Field, GraphQLISODateTime, ID, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Allow, CurrentPrincipal, Principal } from '@kommuna/platform-auth';
import { RuleBook, RuleFiring, RuleTask, RuleVersion } from '@kommuna/rules';

@ObjectType({ description: 'Swedish and English' })
export class RuleTextModel {
  @Field({ description: 'In Swedish' })
  sv!: string;

  @Field({ description: 'In English' })
  en!: string;
}

@ObjectType({ description: 'One version of a municipality’s rule: a JSON Logic condition over an inbound event and an action' })
export class RuleVersionModel {
  @Field(() => ID, { description: "The version's id (UUID)" })
  id!: string;

  @Field({ description: "The rule's key; every version shares it" })
  key!: string;

  @Field(() => Int, { description: 'The version number, 1 for the first' })
  version!: number;

  @Field({ description: 'Whether this version fires' })
  enabled!: boolean;

  @Field(() => GraphQLJSONObject, { description: 'name, description, eventType, condition (JSON Logic), action, enabled' })
  definition!: Record<string, unknown>;

  @Field({ description: 'staff:<subject> (its tenant admin) or file:<path> (shipped in tenants/<slug>/rules)' })
  createdBy!: string;

  @Field(() => GraphQLISODateTime, { description: 'When this version was saved' })
  createdAt!: Date;
}

@ObjectType({ description: 'A rule that fired: its version, the inbound event that caused it, and what its action made' })
export class RuleFiringModel {
  @Field(() => ID, { description: "The firing's id (UUID)" })
  id!: string;

  @Field({ description: "The rule's key" })
  ruleKey!: string;

  @Field(() => Int, { description: 'The version of the rule that fired' })
  ruleVersion!: number;

  @Field(() => ID, { description: 'The stored inbound event that caused it' })
  inboundEventId!: string;

  @Field({ description: 'The CloudEvents source of the event' })
  eventSource!: string;

  @Field({ description: 'The CloudEvents id of the event' })
  eventId!: string;

  @Field({ description: 'The CloudEvents type of the event' })
  eventType!: string;

  @Field({ description: 'task, case, decision or letter' })
  actionKind!: string;

  @Field(() => GraphQLJSONObject, { description: "What the action made, e.g. the task's or letter's id" })
  outcome!: Record<string, unknown>;

  @Field(() => GraphQLISODateTime, { description: 'When the rule fired' })
  firedAt!: Date;
}

@ObjectType({ description: 'A task a rule put in a unit’s inbox' })
export class RuleTaskModel {
  @Field(() => ID, { description: "The task's id (UUID)" })
  id!: string;

  @Field(() => ID, { description: 'The rule firing that made it' })
  firingId!: string;

  @Field({ description: 'The unit whose inbox it is in' })
  unit!: string;

  @Field(() => RuleTextModel, { description: "The task's title, in Swedish and English" })
  title!: RuleTextModel;

  @Field(() => RuleTextModel, { description: 'What to do, in Swedish and English' })
  description!: RuleTextModel;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it should be done; null: no due date' })
  dueAt!: Date | null;

  @Field({ description: 'OPEN or DONE' })
  status!: string;

  @Field(() => String, { nullable: true, description: 'staff:<subject> of the case worker who marked it done; null while open' })
  doneBy!: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it was marked done; null while open' })
  doneAt!: Date | null;

  @Field(() => GraphQLISODateTime, { description: 'When the rule made the task' })
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
  ruleVersions(
    @CurrentPrincipal() principal: Principal,
    @Args('key', { description: "The rule's key" }) key: string,
  ): Promise<RuleVersion[]> {
    return this.book.versions(principal, key);
  }

  @Allow('tenant_admin')
  @Query(() => [RuleFiringModel], { description: 'Rules that fired, newest first (optionally one rule’s)' })
  ruleFirings(
    @CurrentPrincipal() principal: Principal,
    @Args('ruleKey', { type: () => String, nullable: true, description: "Only this rule's firings" }) ruleKey?: string,
    @Args('first', { type: () => Int, nullable: true, description: 'At most this many firings, 1 to 200 (default 50)' }) first?: number,
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
    @Args('rule', {
      type: () => GraphQLJSONObject,
      description: 'The rule as JSON: key, name, description, eventType, condition (JSON Logic), action, enabled (docs/rules.md)',
    })
    rule: Record<string, unknown>,
  ): Promise<RuleVersion> {
    return this.book.save(principal, rule);
  }

  @Allow('tenant_admin')
  @Mutation(() => RuleVersionModel, { description: 'Enables or disables a rule (a new version)' })
  setRuleEnabled(
    @CurrentPrincipal() principal: Principal,
    @Args('key', { description: "The rule's key" }) key: string,
    @Args('enabled', { description: 'true enables the rule, false disables it' }) enabled: boolean,
  ): Promise<RuleVersion> {
    return this.book.setEnabled(principal, key, enabled);
  }

  @Allow('case_worker')
  @Query(() => [RuleTaskModel], { description: 'The tasks rules put in your unit’s inbox, oldest first (open ones unless includeDone)' })
  ruleTasks(
    @CurrentPrincipal() principal: Principal,
    @Args('includeDone', { type: () => Boolean, nullable: true, description: 'Also tasks that are done (default false)' })
    includeDone?: boolean,
  ): Promise<RuleTask[]> {
    return this.book.tasks(principal, { includeDone: includeDone ?? false });
  }

  @Allow('case_worker')
  @Mutation(() => RuleTaskModel, { description: 'Marks a task of your unit done' })
  completeRuleTask(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID, description: "The task's id" }) id: string,
  ): Promise<RuleTask> {
    return this.book.completeTask(principal, id);
  }
}
