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
  valuesMap: {
    beta: { description: 'In use by at least one municipality in production, not yet stable' },
    concept: { description: 'An idea described, not yet built' },
    development: { description: 'Being built; may be piloted' },
    obsolete: { description: 'Retired: no new adoptions, members are leaving' },
    stable: { description: 'In production with enough municipalities (stableMinProduction) and maintained' },
  },
});

@ObjectType({ description: 'Lines of text in Swedish and English' })
export class CatalogueLocalizedList {
  @Field(() => [String], { description: 'The lines in Swedish' })
  sv!: string[];

  @Field(() => [String], { description: 'The lines in English' })
  en!: string[];
}

@ObjectType({ description: 'A verksamhetsområde (domain) a service belongs to' })
export class CatalogueDomain {
  @Field({ description: "The domain's id, e.g. invanarservice" })
  id!: string;

  @Field(() => LocalizedText, { description: "The domain's name in Swedish and English" })
  name!: LocalizedText;
}

@ObjectType({ description: "One entry of a release's changelog" })
export class CatalogueChange {
  @Field({ description: 'major, minor, patch or other' })
  kind!: string;

  @Field({ description: 'What changed, as the changeset says it (Markdown)' })
  text!: string;
}

@ObjectType({ description: "A release from the library's CHANGELOG.md (changesets)" })
export class CatalogueRelease {
  @Field({ description: 'The semantic version, e.g. 1.4.0' })
  version!: string;

  @Field(() => [CatalogueChange], { description: "The release's changes as the changelog lists them" })
  changes!: CatalogueChange[];
}

@ObjectType({ description: 'Who maintains a service and until when (publiccode.yml maintenance)' })
export class CatalogueMaintenance {
  @Field({ description: 'internal, contract, community or none' })
  type!: string;

  @Field(() => String, { description: "The contractor's name when type is contract; null otherwise", nullable: true })
  contractor!: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  until!: string | null;
}

@ObjectType({ description: 'Something a service needs to run (service.yaml dependencies)' })
export class CatalogueDependency {
  @Field({ description: "The dependency's name: a service id, a platform library or an external system" })
  name!: string;

  @Field({ description: 'service, platform or external' })
  kind!: string;

  @Field({ description: 'true when the service runs without it (with less functionality)' })
  optional!: boolean;
}

@ObjectType({ description: 'A benefit hypothesis: what one metered use is believed to save' })
export class CatalogueHypothesis {
  @Field({ description: "The hypothesis's id within the service" })
  id!: string;

  @Field({ description: 'The metered metric it is per unit of' })
  metric!: string;

  @Field(() => LocalizedText, { description: 'What is believed to be saved, in Swedish and English' })
  name!: LocalizedText;

  @Field(() => Float, { description: 'The low estimate, in unit per metered use' })
  low!: number;

  @Field(() => Float, { description: 'The high estimate, in unit per metered use' })
  high!: number;

  @Field({ description: 'minutes, hours or SEK' })
  unit!: string;

  @Field(() => Float, { nullable: true, description: 'SEK an hour saved is worth (time-based units)' })
  sekPerHour!: number | null;

  @Field({ description: 'Where the estimate comes from' })
  source!: string;

  @Field({ description: 'What the figure rests on: measured, members_estimate or assumption' })
  basis!: string;

  @Field({ description: 'low, medium or high' })
  confidence!: string;
}

@ObjectType({ description: 'The budget decided for a service for one year (service.yaml cost.budgetsSek)' })
export class CatalogueBudget {
  @Field(() => Int, { description: 'The calendar year the budget is for' })
  year!: number;

  @Field(() => Int, { description: 'Whole kronor' })
  budgetSek!: number;
}

@ObjectType({ description: "How a service's cost is budgeted and shared among the members (service.yaml cost)" })
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
  @Field({ description: "The municipality's slug (its tenant id in tenants/<slug>/tenant.yaml)" })
  slug!: string;

  @Field(() => LocalizedText, { description: "The municipality's name in Swedish and English" })
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

@ObjectType({ description: "One cell of the adoption matrix: a municipality's stage for one service" })
export class CatalogueAdoptionCell extends CatalogueAdoption {
  @Field(() => ID, { description: "The service's id (as in service.yaml)" })
  service!: string;
}

@ObjectType({ description: 'A metric the platform meters for a service' })
export class CatalogueMetric {
  @Field({ description: "The metric's id as metered, e.g. submissions" })
  id!: string;

  @Field(() => LocalizedText, { description: "The metric's name in Swedish and English" })
  name!: LocalizedText;
}

@ObjectType({ description: 'A steering-group decision on a service status (history is kept)' })
export class CatalogueDecision {
  @Field(() => ID, { description: "The decision's id (UUID)" })
  id!: string;

  @Field(() => ID, { description: "The service's id (as in service.yaml)" })
  service!: string;

  @Field(() => CatalogueDevelopmentStatus, { description: 'The status in force before the decision' })
  fromStatus!: string;

  @Field(() => CatalogueDevelopmentStatus, { description: 'The status the decision puts in force' })
  toStatus!: string;

  @Field({ description: 'YYYY-MM-DD' })
  decidedOn!: string;

  @Field({ description: 'Diarienummer' })
  diaryNumber!: string;

  @Field(() => GraphQLJSONObject, { description: 'The evidence when decided: adoption and metered use (aggregates)' })
  evidence!: Record<string, unknown>;

  @Field({ description: 'The subject (user id) of the steering-group member who recorded it' })
  recordedBy!: string;

  @Field({ description: 'When the decision was recorded, ISO 8601 timestamp (UTC)' })
  recordedAt!: string;
}

@ObjectType({ description: 'A shared service in the steering group catalogue' })
export class CatalogueServiceModel {
  @Field(() => ID, { description: "The service's id (service.yaml), e.g. e-forms" })
  id!: string;

  @Field(() => LocalizedText, { description: "The service's name in Swedish and English" })
  name!: LocalizedText;

  @Field(() => LocalizedText, { description: 'One sentence on the service, in Swedish and English' })
  shortDescription!: LocalizedText;

  @Field(() => LocalizedText, { description: 'Several paragraphs on the service, in Swedish and English' })
  longDescription!: LocalizedText;

  @Field(() => CatalogueLocalizedList, { description: 'What the service does, one line per feature' })
  features!: CatalogueLocalizedList;

  @Field(() => CatalogueDomain, { description: 'The verksamhetsområde the service belongs to' })
  domain!: CatalogueDomain;

  @Field({ description: 'The team that owns the service' })
  ownerTeam!: string;

  @Field({ description: "The owning team's e-mail address" })
  ownerEmail!: string;

  @Field({ description: "The service's source repository URL" })
  url!: string;

  @Field({ description: 'SPDX license identifier, e.g. EUPL-1.2' })
  license!: string;

  @Field(() => CatalogueDevelopmentStatus, { description: 'In force: the latest decision, else service.yaml' })
  status!: string;

  @Field(() => CatalogueDevelopmentStatus, { description: 'As service.yaml states it' })
  declaredStatus!: string;

  @Field(() => Int, { description: 'Municipalities in production needed for stable' })
  stableMinProduction!: number;

  @Field({ description: "From the library's package.json" })
  version!: string;

  @Field({ description: "The npm package of the service's library, e.g. @kommuna/e-forms" })
  packageName!: string;

  @Field(() => [CatalogueRelease], { description: 'Releases, newest first (CHANGELOG.md)' })
  changelog!: CatalogueRelease[];

  @Field(() => CatalogueMaintenance, { description: 'Who maintains the service' })
  maintenance!: CatalogueMaintenance;

  @Field(() => [CatalogueDependency], { description: 'What the service needs to run' })
  dependencies!: CatalogueDependency[];

  @Field(() => [CatalogueHypothesis], { description: 'What the service is believed to save per metered use' })
  hypotheses!: CatalogueHypothesis[];

  @Field(() => CatalogueCostModel, { description: 'Budgets and how they are shared' })
  cost!: CatalogueCostModel;

  @Field(() => [CatalogueAdoption], { description: 'The municipalities using the service and at which stage (tenant.yaml)' })
  adoption!: CatalogueAdoption[];

  @Field(() => [CatalogueMetric], { description: 'The metrics the platform meters for the service' })
  metrics!: CatalogueMetric[];

  @Field(() => CatalogueDecision, { description: 'The latest status decision; null when the steering group has made none', nullable: true })
  latestDecision!: CatalogueDecision | null;
}

@ObjectType({ description: "One municipality's share of a service's budget for a year" })
export class CatalogueCostShare {
  @Field({ description: "The municipality's slug (tenant id)" })
  slug!: string;

  @Field(() => LocalizedText, { description: "The municipality's name in Swedish and English" })
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
  @Field(() => ID, { description: "The service's id (as in service.yaml)" })
  service!: string;

  @Field(() => Int, { description: 'The calendar year' })
  year!: number;

  @Field(() => Int, { nullable: true, description: 'The budget for the year; null when none was decided (then no shares)' })
  budgetSek!: number | null;

  @Field({ description: 'The key service.yaml names: equal, per_capita or per_use' })
  allocationKey!: string;

  @Field({ description: 'The key applied: per_use falls back to equal (by months) in a year without metered use' })
  appliedKey!: string;

  @Field(() => [CatalogueCostShare], { description: "The members' shares, summing to budgetSek exactly" })
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
  @Field(() => ID, { description: "The closing's id (UUID)" })
  id!: string;

  @Field(() => Int, { description: 'The calendar year closed' })
  year!: number;

  @Field({ description: 'YYYY-MM-DD' })
  decidedOn!: string;

  @Field({ description: 'Diarienummer' })
  diaryNumber!: string;

  @Field({ description: 'The subject (user id) of the steering-group member who recorded it' })
  recordedBy!: string;

  @Field({ description: 'When the closing was recorded, ISO 8601 timestamp (UTC)' })
  recordedAt!: string;
}

@ObjectType({ description: 'Metered use of one municipality, service and metric in a month (an aggregate count)' })
export class CatalogueUsage {
  @Field({ description: "The municipality's slug (tenant id)" })
  slug!: string;

  @Field(() => LocalizedText, { description: "The municipality's name in Swedish and English" })
  names!: LocalizedText;

  @Field(() => ID, { description: "The service's id (as in service.yaml)" })
  service!: string;

  @Field({ description: "The metric's id as metered" })
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

@ObjectType({ description: 'Estimated and followed-up benefit of one hypothesis in one month, all municipalities together' })
export class CatalogueBenefitMonth {
  @Field({ description: 'YYYY-MM-01' })
  month!: string;

  @Field(() => Int, { description: 'Metered use of the hypothesis metric, all municipalities' })
  usage!: number;

  @Field(() => Float, { description: "Kronor saved at the hypothesis's low figure (use × low, hours valued at sekPerHour)" })
  estimatedLowSek!: number;

  @Field(() => Float, { description: "Kronor saved at the hypothesis's high figure (use × high, hours valued at sekPerHour)" })
  estimatedHighSek!: number;

  @Field(() => Float, { description: "Hours saved at the hypothesis's low figure; null when its unit is SEK (not time)", nullable: true })
  estimatedLowHours!: number | null;

  @Field(() => Float, { description: "Hours saved at the hypothesis's high figure; null when its unit is SEK (not time)", nullable: true })
  estimatedHighHours!: number | null;

  @Field(() => Float, { nullable: true, description: 'Use × the measured value of the follow-up covering the month' })
  followedUpSek!: number | null;
}

@ObjectType({ description: 'Estimated and followed-up benefit of one hypothesis over time' })
export class CatalogueHypothesisBenefit {
  @Field(() => CatalogueHypothesis, { description: 'The hypothesis the figures are for' })
  hypothesis!: CatalogueHypothesis;

  @Field(() => [CatalogueBenefitMonth], { description: 'One entry per month of the period, oldest first' })
  months!: CatalogueBenefitMonth[];

  @Field(() => Int, { description: "Metered use of the hypothesis's metric over the period, all municipalities" })
  totalUsage!: number;

  @Field(() => Float, { description: 'Kronor saved over the period at the low figure' })
  totalEstimatedLowSek!: number;

  @Field(() => Float, { description: 'Kronor saved over the period at the high figure' })
  totalEstimatedHighSek!: number;

  @Field(() => Float, {
    description:
      "Hours saved over the period at the hypothesis's low figure (the months' hours added up); null when its unit is SEK (not time)",
    nullable: true,
  })
  totalEstimatedLowHours!: number | null;

  @Field(() => Float, {
    description:
      "Hours saved over the period at the hypothesis's high figure (the months' hours added up); null when its unit is SEK (not time)",
    nullable: true,
  })
  totalEstimatedHighHours!: number | null;

  @Field(() => Float, {
    description: 'Kronor saved over the period by the measured values; null when no follow-up covers any month',
    nullable: true,
  })
  totalFollowedUpSek!: number | null;
}

@ObjectType({ description: 'A benefit follow-up recorded by the steering group' })
export class CatalogueFollowUp {
  @Field(() => ID, { description: "The follow-up's id (UUID)" })
  id!: string;

  @Field(() => ID, { description: "The service's id (as in service.yaml)" })
  service!: string;

  @Field({ description: 'The id of the benefit hypothesis measured (service.yaml hypotheses)' })
  hypothesisId!: string;

  @Field({ description: 'YYYY-MM-DD: the first day the measurement covers' })
  periodStart!: string;

  @Field({ description: 'YYYY-MM-DD: the last day the measurement covers' })
  periodEnd!: string;

  @Field(() => Float, { description: "Measured, in the hypothesis's unit per unit of its metric" })
  measuredValue!: number;

  @Field({ description: "The hypothesis's unit the value is in: minutes, hours or SEK" })
  unit!: string;

  @Field({ description: 'YYYY-MM-DD: when the measurement was made' })
  measuredOn!: string;

  @Field({ description: 'Where the measured value comes from (a study, a time log …)' })
  source!: string;

  @Field(() => String, { description: 'Free text from the steering group; null when none was given', nullable: true })
  note!: string | null;

  @Field({ description: 'The subject (user id) of the steering-group member who recorded it' })
  recordedBy!: string;

  @Field({ description: 'When the follow-up was recorded, ISO 8601 timestamp (UTC)' })
  recordedAt!: string;
}

@ObjectType({ description: 'Metered use of one metric over the months of a year, one municipality' })
export class CatalogueMetricCount {
  @Field({ description: "The metric's id as metered" })
  metric!: string;

  @Field(() => Int, { description: 'The sum of the published monthly counts (months with fewer than 5 left out)' })
  count!: number;

  @Field({ description: 'Some months had fewer than 5 and are left out of the count' })
  partial!: boolean;
}

@ObjectType({ description: 'One service as one municipality uses it in a year' })
export class CatalogueMunicipalityService {
  @Field(() => ID, { description: "The service's id (as in service.yaml)" })
  service!: string;

  @Field(() => LocalizedText, { description: "The service's name in Swedish and English" })
  name!: LocalizedText;

  @Field(() => String, { nullable: true, description: 'planned, piloting, production, leaving; null when not used' })
  stage!: string | null;

  @Field(() => Int, { nullable: true, description: 'The municipality’s share of the budget for the year' })
  costSek!: number | null;

  @Field(() => [CatalogueMetricCount], { description: 'Metered use in the months of the year (up to the current month)' })
  usage!: CatalogueMetricCount[];

  @Field(() => Int, { description: "Kronor the municipality's use is estimated to save at the hypotheses' low figures, whole kronor" })
  estimatedLowSek!: number;

  @Field(() => Int, { description: "Kronor the municipality's use is estimated to save at the hypotheses' high figures, whole kronor" })
  estimatedHighSek!: number;
}

@ObjectType({ description: 'One member municipality as the steering group sees it: aggregates only' })
export class CatalogueMunicipality {
  @Field({ description: "The municipality's slug (tenant id)" })
  slug!: string;

  @Field(() => LocalizedText, { description: "The municipality's name in Swedish and English" })
  names!: LocalizedText;

  @Field({ description: 'The four-digit municipality code (SCB)' })
  kommunkod!: string;

  @Field(() => Int, { description: 'Inhabitants as tenant.yaml states it; null when not stated', nullable: true })
  population!: number | null;

  @Field(() => Int, { description: 'The calendar year the figures are for' })
  year!: number;

  @Field(() => Int, { description: "The municipality's cost shares for the year summed, whole kronor" })
  totalCostSek!: number;

  @Field(() => [String], { description: 'The months of the year usage and benefit cover, up to the current month (YYYY-MM-01)' })
  months!: string[];

  @Field(() => [CatalogueMunicipalityService], { description: 'One entry per shared service, used or not' })
  services!: CatalogueMunicipalityService[];
}

@InputType({ description: 'A benefit follow-up to record: what one metered use was measured to save over a period' })
export class CatalogueFollowUpInput {
  @Field(() => ID, { description: "The service's id (as in service.yaml)" })
  service!: string;

  @Field({ description: 'The id of a hypothesis of the service (service.yaml hypotheses)' })
  hypothesisId!: string;

  @Field({ description: 'YYYY-MM-DD' })
  periodStart!: string;

  @Field({ description: 'YYYY-MM-DD' })
  periodEnd!: string;

  @Field(() => Float, { description: "In the hypothesis's unit per unit of its metric, e.g. 9 (minutes per submission)" })
  measuredValue!: number;

  @Field({ description: 'YYYY-MM-DD' })
  measuredOn!: string;

  @Field({ description: 'Where the measured value comes from (3 to 500 characters)' })
  source!: string;

  @Field(() => String, { description: 'Free text; optional', nullable: true })
  note?: string | null;
}

@InputType({ description: 'A steering-group status decision to record; checked against the evidence (adoption, metered use)' })
export class CatalogueDecisionInput {
  @Field(() => ID, { description: "The service's id (as in service.yaml)" })
  service!: string;

  @Field(() => CatalogueDevelopmentStatus, {
    description: 'The status decided; stable needs stableMinProduction municipalities in production',
  })
  toStatus!: string;

  @Field({ description: 'YYYY-MM-DD' })
  decidedOn!: string;

  @Field({ description: 'Diarienummer, e.g. "KS 2025/123"' })
  diaryNumber!: string;
}

@InputType({ description: 'A steering-group decision closing a year that has ended' })
export class CatalogueYearClosingInput {
  @Field(() => Int, { description: 'A year that has ended' })
  year!: number;

  @Field({ description: 'YYYY-MM-DD, after the year ended' })
  decidedOn!: string;

  @Field({ description: 'Diarienummer, e.g. "KS 2027/12"' })
  diaryNumber!: string;
}
