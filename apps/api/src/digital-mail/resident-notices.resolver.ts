import { Field, ID, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { Allow, CurrentPrincipal, ForbiddenError, Principal } from '@kommuna/platform-auth';
import { ResidentNotices } from '@kommuna/digital-mail';

@ObjectType({
  description: 'A notice the municipality sent to your digital mailbox about an errand (received, new status, message, decision)',
})
export class ResidentNoticeModel {
  @Field(() => ID, { description: "The notice's id" })
  id!: string;

  @Field({ description: 'What the notice said happened, with the errand number' })
  subject!: string;

  @Field(() => String, { nullable: true, description: 'The errand it is about, e.g. SUN-2026-000042; null when it names none' })
  errandNumber!: string | null;

  @Field(() => Date, { description: 'When the municipality sent it' })
  sentAt!: Date;

  @Field({ description: 'How far its delivery got (e.g. DELIVERED, QUEUED, FAILED)' })
  status!: string;
}

/** Mina sidor: the case notices the addressed municipality sent to the resident's digital mailbox. */
@Resolver()
export class ResidentNoticesResolver {
  constructor(private readonly notices: ResidentNotices) {}

  @Allow('citizen', 'company_representative')
  @Query(() => [ResidentNoticeModel], {
    name: 'myNotices',
    description: "The addressed municipality's notices to my digital mailbox, newest first (at most 50)",
  })
  myNotices(@CurrentPrincipal() principal: Principal): Promise<ResidentNoticeModel[]> {
    if (!principal.partyId) throw new ForbiddenError('Log in with an e-identification that carries your personnummer to see your notices');
    return this.notices.of(principal.partyId);
  }
}
