import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { LocalizedText } from '../tenants/tenant.model';

export const CatalogueDevelopmentStatus = {
  concept: 'concept',
  development: 'development',
  beta: 'beta',
  stable: 'stable',
  obsolete: 'obsolete',
} as const;
registerEnumType(CatalogueDevelopmentStatus, {
  name: 'CatalogueDevelopmentStatus',
  description: 'publiccode.yml development status: concept → development → beta → stable; obsolete retires a service',
});

@ObjectType({ description: 'Lines of text in Swedish and English' })
export class CatalogueLocalizedList {
  @Field(() => [String])
  sv!: string[];

  @Field(() => [String])
  en!: string[];
}

@ObjectType({ description: 'A verksamhetsområde (domain) a service belongs to' })
export class CatalogueDomain {
  @Field()
  id!: string;

  @Field(() => LocalizedText)
  name!: LocalizedText;
}

@ObjectType()
export class CatalogueChange {
  @Field({ description: 'major, minor, patch or other' })
  kind!: string;

  @Field()
  text!: string;
}

@ObjectType({ description: "A release from the library's CHANGELOG.md (changesets)" })
export class CatalogueRelease {
  @Field()
  version!: string;

  @Field(() => [CatalogueChange])
  changes!: CatalogueChange[];
}

@ObjectType()
export class CatalogueMaintenance {
  @Field({ description: 'internal, contract, community or none' })
  type!: string;

  @Field(() => String, { nullable: true })
  contractor!: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  until!: string | null;
}

@ObjectType()
export class CatalogueDependency {
  @Field()
  name!: string;

  @Field({ description: 'service, platform or external' })
  kind!: string;

  @Field()
  optional!: boolean;
}

@ObjectType({ description: 'A benefit hypothesis: what one metered use is believed to save' })
export class CatalogueHypothesis {
  @Field()
  id!: string;

  @Field({ description: 'The metered metric it is per unit of' })
  metric!: string;

  @Field(() => LocalizedText)
  name!: LocalizedText;

  @Field(() => Float)
  low!: number;

  @Field(() => Float)
  high!: number;

  @Field({ description: 'minutes, hours or SEK' })
  unit!: string;

  @Field(() => Float, { nullable: true, description: 'SEK an hour saved is worth (time-based units)' })
  sekPerHour!: number | null;

  @Field()
  source!: string;

  @Field({ description: 'What the figure rests on: measured, members_estimate or assumption' })
  basis!: string;

  @Field({ description: 'low, medium or high' })
  confidence!: string;
}

@ObjectType({ description: 'The budget decided for a service for one year (service.yaml cost.budgetsSek)' })
export class CatalogueBudget {
  @Field(() => Int)
  year!: number;

  @Field(() => Int, { description: 'Whole kronor' })
  budgetSek!: number;
}

@ObjectType()
export class CatalogueCostModel {
  @Field(() => [CatalogueBudget], { description: 'One budget per year, oldest first; a year not listed has none' })
  budgets!: CatalogueBudget[];

  @Field({ description: 'equal, per_capita or per_use' })
  allocationKey!: string;

  @Field(() => String, { nullable: true, description: 'The metered metric a per_use budget is shared by' })
  usageMetric!: string | null;
}

@ObjectType({ description: 'A municipality using a service, at a stage' })
export class CatalogueAdoption {
  @Field()
  slug!: string;

  @Field(() => LocalizedText)
  names!: LocalizedText;

  @Field({ description: 'planned (not yet in use, pays nothing), piloting, production or leaving' })
  stage!: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD: piloting from (tenant.yaml)' })
  pilotingFrom!: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD: in production from (tenant.yaml)' })
  productionFrom!: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD: the first day no longer in use (tenant.yaml)' })
  leftOn!: string | null;
}

@ObjectType()
export class CatalogueAdoptionCell extends CatalogueAdoption {
  @Field(() => ID)
  service!: string;
}

@ObjectType({ description: 'A metric the platform meters for a service' })
export class CatalogueMetric {
  @Field()
  id!: string;

  @Field(() => LocalizedText)
  name!: LocalizedText;
}

@ObjectType({ description: 'A steering-group decision on a service status (history is kept)' })
export class CatalogueDecision {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  service!: string;

  @Field(() => CatalogueDevelopmentStatus)
  fromStatus!: string;

  @Field(() => CatalogueDevelopmentStatus)
  toStatus!: string;

  @Field({ description: 'YYYY-MM-DD' })
  decidedOn!: string;

  @Field({ description: 'Diarienummer' })
  diaryNumber!: string;

  @Field(() => GraphQLJSONObject, { description: 'The evidence when decided: adoption and metered use (aggregates)' })
  evidence!: Record<string, unknown>;

  @Field()
  recordedBy!: string;

  @Field()
  recordedAt!: string;
}

@ObjectType({ description: 'A shared service in the steering group catalogue' })
export class CatalogueServiceModel {
  @Field(() => ID)
  id!: string;

  @Field(() => LocalizedText)
  name!: LocalizedText;

  @Field(() => LocalizedText)
  shortDescription!: LocalizedText;

  @Field(() => LocalizedText)
  longDescription!: LocalizedText;

  @Field(() => CatalogueLocalizedList)
  features!: CatalogueLocalizedList;

  @Field(() => CatalogueDomain)
  domain!: CatalogueDomain;

  @Field()
  ownerTeam!: string;

  @Field()
  ownerEmail!: string;

  @Field()
  url!: string;

  @Field()
  license!: string;

  @Field(() => CatalogueDevelopmentStatus, { description: 'In force: the latest decision, else service.yaml' })
  status!: string;

  @Field(() => CatalogueDevelopmentStatus, { description: 'As service.yaml states it' })
  declaredStatus!: string;

  @Field(() => Int, { description: 'Municipalities in production needed for stable' })
  stableMinProduction!: number;

  @Field({ description: "From the library's package.json" })
  version!: string;

  @Field()
  packageName!: string;

  @Field(() => [CatalogueRelease])
  changelog!: CatalogueRelease[];

  @Field(() => CatalogueMaintenance)
  maintenance!: CatalogueMaintenance;

  @Field(() => [CatalogueDependency])
  dependencies!: CatalogueDependency[];

  @Field(() => [CatalogueHypothesis])
  hypotheses!: CatalogueHypothesis[];

  @Field(() => CatalogueCostModel)
  cost!: CatalogueCostModel;

  @Field(() => [CatalogueAdoption])
  adoption!: CatalogueAdoption[];

  @Field(() => [CatalogueMetric])
  metrics!: CatalogueMetric[];

  @Field(() => CatalogueDecision, { nullable: true })
  latestDecision!: CatalogueDecision | null;
}

@ObjectType()
export class CatalogueCostShare {
  @Field()
  slug!: string;

  @Field(() => LocalizedText)
  names!: LocalizedText;

  @Field(() => Int, { description: 'Months of the year the municipality used the service (0-12): shares are pro-rata by these' })
  months!: number;

  @Field(() => Int, { description: 'Months (equal), inhabitants × months (per capita) or uses in the months of use (per use)' })
  basis!: number;

  @Field(() => Int, { description: 'Whole kronor; the shares sum to the budget exactly' })
  amountSek!: number;
}

@ObjectType({ description: "Each member's share of a service's budget for a year" })
export class CatalogueServiceCosts {
  @Field(() => ID)
  service!: string;

  @Field(() => Int)
  year!: number;

  @Field(() => Int, { nullable: true, description: 'The budget for the year; null when none was decided (then no shares)' })
  budgetSek!: number | null;

  @Field()
  allocationKey!: string;

  @Field({ description: 'The key applied: per_use falls back to equal (by months) in a year without metered use' })
  appliedKey!: string;

  @Field(() => [CatalogueCostShare])
  shares!: CatalogueCostShare[];

  @Field(() => CatalogueClosedRef, {
    nullable: true,
    description: 'Set when a steering-group decision closed the year: the figures are those decided',
  })
  closed!: CatalogueClosedRef | null;
}

@ObjectType({ description: 'The steering-group decision that closed a year' })
export class CatalogueClosedRef {
  @Field({ description: 'YYYY-MM-DD' })
  decidedOn!: string;

  @Field({ description: 'Diarienummer' })
  diaryNumber!: string;
}

@ObjectType({ description: 'A year closed by a steering-group decision; its figures are kept as decided' })
export class CatalogueYearClosing {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  year!: number;

  @Field({ description: 'YYYY-MM-DD' })
  decidedOn!: string;

  @Field({ description: 'Diarienummer' })
  diaryNumber!: string;

  @Field()
  recordedBy!: string;

  @Field()
  recordedAt!: string;
}

@ObjectType({ description: 'Metered use of one municipality, service and metric in a month (an aggregate count)' })
export class CatalogueUsage {
  @Field()
  slug!: string;

  @Field(() => LocalizedText)
  names!: LocalizedText;

  @Field(() => ID)
  service!: string;

  @Field()
  metric!: string;

  @Field({ description: 'YYYY-MM-01' })
  month!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'null when fewer than 5 (suppressed: small counts could point at residents; docs/catalogue.md)',
  })
  count!: number | null;

  @Field({ description: 'The count was 1 to 4 and is not published; it is left out of every sum' })
  suppressed!: boolean;
}

@ObjectType()
export class CatalogueBenefitMonth {
  @Field({ description: 'YYYY-MM-01' })
  month!: string;

  @Field(() => Int, { description: 'Metered use of the hypothesis metric, all municipalities' })
  usage!: number;

  @Field(() => Float)
  estimatedLowSek!: number;

  @Field(() => Float)
  estimatedHighSek!: number;

  @Field(() => Float, { nullable: true })
  estimatedLowHours!: number | null;

  @Field(() => Float, { nullable: true })
  estimatedHighHours!: number | null;

  @Field(() => Float, { nullable: true, description: 'Use × the measured value of the follow-up covering the month' })
  followedUpSek!: number | null;
}

@ObjectType({ description: 'Estimated and followed-up benefit of one hypothesis over time' })
export class CatalogueHypothesisBenefit {
  @Field(() => CatalogueHypothesis)
  hypothesis!: CatalogueHypothesis;

  @Field(() => [CatalogueBenefitMonth])
  months!: CatalogueBenefitMonth[];

  @Field(() => Int)
  totalUsage!: number;

  @Field(() => Float)
  totalEstimatedLowSek!: number;

  @Field(() => Float)
  totalEstimatedHighSek!: number;

  @Field(() => Float, { nullable: true })
  totalFollowedUpSek!: number | null;
}

@ObjectType({ description: 'A benefit follow-up recorded by the steering group' })
export class CatalogueFollowUp {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  service!: string;

  @Field()
  hypothesisId!: string;

  @Field()
  periodStart!: string;

  @Field()
  periodEnd!: string;

  @Field(() => Float, { description: "Measured, in the hypothesis's unit per unit of its metric" })
  measuredValue!: number;

  @Field()
  unit!: string;

  @Field()
  measuredOn!: string;

  @Field()
  source!: string;

  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field()
  recordedBy!: string;

  @Field()
  recordedAt!: string;
}

@ObjectType()
export class CatalogueMetricCount {
  @Field()
  metric!: string;

  @Field(() => Int, { description: 'The sum of the published monthly counts (months with fewer than 5 left out)' })
  count!: number;

  @Field({ description: 'Some months had fewer than 5 and are left out of the count' })
  partial!: boolean;
}

@ObjectType()
export class CatalogueMunicipalityService {
  @Field(() => ID)
  service!: string;

  @Field(() => LocalizedText)
  name!: LocalizedText;

  @Field(() => String, { nullable: true, description: 'planned, piloting, production, leaving; null when not used' })
  stage!: string | null;

  @Field(() => Int, { nullable: true, description: 'The municipality’s share of the budget for the year' })
  costSek!: number | null;

  @Field(() => [CatalogueMetricCount], { description: 'Metered use in the months of the year (up to the current month)' })
  usage!: CatalogueMetricCount[];

  @Field(() => Int)
  estimatedLowSek!: number;

  @Field(() => Int)
  estimatedHighSek!: number;
}

@ObjectType({ description: 'One member municipality as the steering group sees it: aggregates only' })
export class CatalogueMunicipality {
  @Field()
  slug!: string;

  @Field(() => LocalizedText)
  names!: LocalizedText;

  @Field()
  kommunkod!: string;

  @Field(() => Int, { nullable: true })
  population!: number | null;

  @Field(() => Int)
  year!: number;

  @Field(() => Int)
  totalCostSek!: number;

  @Field(() => [String], { description: 'The months of the year usage and benefit cover, up to the current month (YYYY-MM-01)' })
  months!: string[];

  @Field(() => [CatalogueMunicipalityService])
  services!: CatalogueMunicipalityService[];
}

@InputType()
export class CatalogueFollowUpInput {
  @Field(() => ID)
  service!: string;

  @Field()
  hypothesisId!: string;

  @Field({ description: 'YYYY-MM-DD' })
  periodStart!: string;

  @Field({ description: 'YYYY-MM-DD' })
  periodEnd!: string;

  @Field(() => Float, { description: "In the hypothesis's unit per unit of its metric, e.g. 9 (minutes per submission)" })
  measuredValue!: number;

  @Field({ description: 'YYYY-MM-DD' })
  measuredOn!: string;

  @Field()
  source!: string;

  @Field(() => String, { nullable: true })
  note?: string | null;
}

@InputType()
export class CatalogueDecisionInput {
  @Field(() => ID)
  service!: string;

  @Field(() => CatalogueDevelopmentStatus)
  toStatus!: string;

  @Field({ description: 'YYYY-MM-DD' })
  decidedOn!: string;

  @Field({ description: 'Diarienummer, e.g. "KS 2025/123"' })
  diaryNumber!: string;
}

@InputType()
export class CatalogueYearClosingInput {
  @Field(() => Int, { description: 'A year that has ended' })
  year!: number;

  @Field({ description: 'YYYY-MM-DD, after the year ended' })
  decidedOn!: string;

  @Field({ description: 'Diarienummer, e.g. "KS 2027/12"' })
  diaryNumber!: string;
}
