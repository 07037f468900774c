import { Args, Field, GraphQLISODateTime, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Allow } from '@kommuna/platform-auth';
import { AuditLog } from '@kommuna/platform-audit';

@ObjectType({ description: 'One entry of the municipality’s hash-chained audit trail' })
export class AuditEntryModel {
  @Field(() => Int, { description: 'Position in the chain, from 1' })
  seq!: number;

  @Field(() => GraphQLISODateTime)
  occurredAt!: Date;

  @Field({ description: 'staff:<subject>, service:<client>, citizen:<party id> or system:<component>' })
  actor!: string;

  @Field()
  action!: string;

  @Field()
  targetType!: string;

  @Field(() => String, { nullable: true })
  targetId!: string | null;

  @Field(() => GraphQLJSONObject)
  details!: Record<string, unknown>;

  @Field()
  prevHash!: string;

  @Field()
  hash!: string;
}

@ObjectType()
export class AuditVerificationModel {
  @Field()
  intact!: boolean;

  @Field(() => Int)
  entries!: number;

  @Field(() => Int, { nullable: true, description: 'The first entry that does not link or hash' })
  firstBrokenSeq!: number | null;

  @Field(() => String, { nullable: true })
  reason!: string | null;
}

@Resolver()
export class AuditResolver {
  constructor(private readonly audit: AuditLog) {}

  @Allow('tenant_admin')
  @Query(() => [AuditEntryModel], { description: 'The addressed municipality’s audit trail, newest first' })
  auditLog(
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('before', { type: () => Int, nullable: true, description: 'Entries before this sequence number' }) before?: number,
    @Args('action', { nullable: true }) action?: string,
  ): Promise<AuditEntryModel[]> {
    return this.audit.list({ first, before, action });
  }

  @Allow('tenant_admin')
  @Query(() => AuditVerificationModel, { description: 'Checks every link of the addressed municipality’s audit trail' })
  async verifyAuditLog(): Promise<AuditVerificationModel> {
    const result = await this.audit.verify();
    return result.intact
      ? { intact: true, entries: result.entries, firstBrokenSeq: null, reason: null }
      : { intact: false, entries: result.entries, firstBrokenSeq: result.firstBrokenSeq, reason: result.reason };
  }
}
