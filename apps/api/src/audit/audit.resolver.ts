import { Args, Field, GraphQLISODateTime, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Allow } from '@kommuna/platform-auth';
import { AuditLog } from '@kommuna/platform-audit';

@ObjectType({ description: 'One entry of the municipality’s hash-chained audit trail' })
export class AuditEntryModel {
  @Field(() => Int, { description: 'Position in the chain, from 1' })
  seq!: number;

  @Field(() => GraphQLISODateTime, { description: 'When it happened' })
  occurredAt!: Date;

  @Field({ description: 'staff:<subject>, service:<client>, citizen:<party id> or system:<component>' })
  actor!: string;

  @Field({ description: 'What was done, e.g. e_forms.submission.decided' })
  action!: string;

  @Field({ description: 'What kind of thing was acted on, e.g. form_submission' })
  targetType!: string;

  @Field(() => String, { nullable: true, description: 'The id of what was acted on; null when the action has no single target' })
  targetId!: string | null;

  @Field(() => GraphQLJSONObject, {
    description: "What the action needs recorded (ids, counts, reasons); never a person's identity number",
  })
  details!: Record<string, unknown>;

  @Field({ description: "The previous entry's hash; 64 zeros for the first entry" })
  prevHash!: string;

  @Field({ description: "SHA-256 (hex) over the previous hash and this entry's canonical JSON" })
  hash!: string;
}

@ObjectType({ description: "Whether the municipality's audit chain is whole: every entry links to the one before and matches its hash" })
export class AuditVerificationModel {
  @Field({ description: 'true when every entry links and hashes' })
  intact!: boolean;

  @Field(() => Int, { description: 'Entries checked' })
  entries!: number;

  @Field(() => Int, { nullable: true, description: 'The first entry that does not link or hash' })
  firstBrokenSeq!: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'What is wrong at firstBrokenSeq (missing entries, a broken link, altered content); null when intact',
  })
  reason!: string | null;
}

@Resolver()
export class AuditResolver {
  constructor(private readonly audit: AuditLog) {}

  @Allow('tenant_admin')
  @Query(() => [AuditEntryModel], { description: 'The addressed municipality’s audit trail, newest first' })
  auditLog(
    @Args('first', { type: () => Int, nullable: true, description: 'At most this many entries, 1 to 500 (default 50)' }) first?: number,
    @Args('before', { type: () => Int, nullable: true, description: 'Entries before this sequence number' }) before?: number,
    @Args('action', { nullable: true, description: 'Only entries with this action, e.g. e_forms.submission.decided' }) action?: string,
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
