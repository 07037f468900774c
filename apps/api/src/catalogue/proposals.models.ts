import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { LocalizedText } from '../tenants/tenant.model';

export const CatalogueProposalOrigin = { build: 'build', procure: 'procure', existing: 'existing' } as const;
registerEnumType(CatalogueProposalOrigin, {
  name: 'CatalogueProposalOrigin',
  description: 'build: made here as a shared library; procure: bought together; existing: a member runs it and offers to share it',
  valuesMap: {
    build: { description: 'Built here as a shared library of the platform' },
    existing: { description: 'A member already runs it and offers to share it' },
    procure: { description: 'Bought together from a supplier' },
  },
});

export const CatalogueProposalOutcome = { accepted: 'accepted', rejected: 'rejected', postponed: 'postponed' } as const;
registerEnumType(CatalogueProposalOutcome, {
  name: 'CatalogueProposalOutcome',
  description: "The steering group's decision on a proposal",
  valuesMap: {
    accepted: { description: 'Accepted; final' },
    postponed: { description: 'Postponed; the proposal comes back for a later decision' },
    rejected: { description: 'Rejected; final' },
  },
});

export const CatalogueProposalStatus = { open: 'open', ...CatalogueProposalOutcome } as const;
registerEnumType(CatalogueProposalStatus, {
  name: 'CatalogueProposalStatus',
  description: 'open until decided; then the latest decision (postponed proposals come back)',
  valuesMap: {
    accepted: { description: 'Accepted by the steering group; final' },
    open: { description: 'Not yet decided' },
    postponed: { description: 'Postponed by the steering group; it comes back for a later decision' },
    rejected: { description: 'Rejected by the steering group; final' },
  },
});

@ObjectType({ description: "A member's interest in a proposal" })
export class CatalogueProposalInterest {
  @Field({ description: 'Tenant slug of the interested member' })
  municipality!: string;

  @Field(() => String, { nullable: true, description: 'What the member would use it for' })
  note!: string | null;

  @Field({ description: 'Who recorded it (the steering-group member)' })
  recordedBy!: string;

  @Field({ description: 'When it was recorded (ISO 8601)' })
  recordedAt!: string;
}

@ObjectType({ description: 'A steering-group decision on a proposal, with its diary number (the history is kept)' })
export class CatalogueProposalDecision {
  @Field(() => ID, { description: 'The decision record' })
  id!: string;

  @Field(() => CatalogueProposalOutcome, { description: 'What was decided' })
  outcome!: string;

  @Field({ description: 'YYYY-MM-DD' })
  decidedOn!: string;

  @Field({ description: 'Diarienummer' })
  diaryNumber!: string;

  @Field(() => String, { nullable: true, description: 'What the minutes say beside the outcome' })
  note!: string | null;

  @Field({ description: 'Who recorded it' })
  recordedBy!: string;

  @Field({ description: 'When it was recorded (ISO 8601)' })
  recordedAt!: string;
}

@ObjectType({ description: 'A proposed shared service: to build here, to procure together, or a member’s own to share' })
export class CatalogueProposal {
  @Field(() => ID, { description: 'The proposal' })
  id!: string;

  @Field(() => LocalizedText, { description: 'Its name, Swedish and English' })
  title!: LocalizedText;

  @Field(() => LocalizedText, { description: 'What it does and why, Swedish and English' })
  description!: LocalizedText;

  @Field(() => CatalogueProposalOrigin, { description: 'Where the service would come from' })
  origin!: string;

  @Field(() => String, { nullable: true, description: 'The supplier (procure, existing)' })
  supplier!: string | null;

  @Field(() => Int, { nullable: true, description: 'Expected yearly cost, whole kronor' })
  estimatedYearlyCostSek!: number | null;

  @Field({ description: 'Tenant slug of the proposing member' })
  proposedBy!: string;

  @Field({ description: 'Who recorded it' })
  recordedBy!: string;

  @Field({ description: 'When it was recorded (ISO 8601)' })
  recordedAt!: string;

  @Field(() => CatalogueProposalStatus, { description: 'open, or the latest decision' })
  status!: string;

  @Field(() => [CatalogueProposalInterest], { description: 'Other members interested, oldest first' })
  interests!: CatalogueProposalInterest[];

  @Field(() => [CatalogueProposalDecision], { description: 'Decisions, oldest first' })
  decisions!: CatalogueProposalDecision[];
}

@InputType({ description: 'Swedish and English text' })
export class CatalogueLocalizedTextInput {
  @Field({ description: 'Swedish' })
  sv!: string;

  @Field({ description: 'English' })
  en!: string;
}

@InputType({ description: 'A proposal for a shared service' })
export class CatalogueProposalInput {
  @Field(() => CatalogueLocalizedTextInput, { description: 'Its name (at most 200 characters each)' })
  title!: CatalogueLocalizedTextInput;

  @Field(() => CatalogueLocalizedTextInput, { description: 'What it does and why (at most 4000 characters each)' })
  description!: CatalogueLocalizedTextInput;

  @Field(() => CatalogueProposalOrigin, { description: 'Where the service would come from' })
  origin!: 'build' | 'procure' | 'existing';

  @Field(() => String, { nullable: true, description: 'The supplier (procure, existing only)' })
  supplier?: string | null;

  @Field(() => Int, { nullable: true, description: 'Expected yearly cost, whole kronor' })
  estimatedYearlyCostSek?: number | null;

  @Field({ description: 'Tenant slug of the proposing member' })
  proposedBy!: string;
}

@InputType({ description: "A member's interest in a proposal" })
export class CatalogueProposalInterestInput {
  @Field(() => ID, { description: 'The proposal' })
  proposalId!: string;

  @Field({ description: 'Tenant slug of the interested member (not the proposer)' })
  municipality!: string;

  @Field(() => String, { nullable: true, description: 'What the member would use it for' })
  note?: string | null;
}

@InputType({ description: "The steering group's decision on a proposal" })
export class CatalogueProposalDecisionInput {
  @Field(() => ID, { description: 'The proposal' })
  proposalId!: string;

  @Field(() => CatalogueProposalOutcome, { description: 'accepted, rejected (both final) or postponed' })
  outcome!: 'accepted' | 'rejected' | 'postponed';

  @Field({ description: 'YYYY-MM-DD, not in the future' })
  decidedOn!: string;

  @Field({ description: 'Diarienummer, e.g. "KS 2026/45"' })
  diaryNumber!: string;

  @Field(() => String, { nullable: true, description: 'What the minutes say beside the outcome' })
  note?: string | null;
}
