import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CatalogueService } from '@kommuna/catalogue';
import { Allow, CurrentPrincipal, Principal } from '@kommuna/platform-auth';
import {
  CatalogueAdoptionCell,
  CatalogueDecision,
  CatalogueDecisionInput,
  CatalogueFollowUp,
  CatalogueFollowUpInput,
  CatalogueHypothesisBenefit,
  CatalogueMunicipality,
  CatalogueServiceCosts,
  CatalogueServiceModel,
  CatalogueUsage,
  CatalogueYearClosing,
  CatalogueYearClosingInput,
} from './catalogue.models';
import { toBenefit, toCosts, toDecision, toFollowUp, toServiceModel, toYearClosing } from './catalogue.mappers';

const actor = (p: Principal) => ({ subject: p.subject, roles: p.roles });

/**
 * The steering group's catalogue (docs/catalogue.md): the steering group and platform admins read
 * it, the steering group records follow-ups and decisions. Everything across municipalities is an
 * aggregate; nothing here returns a person's data.
 */
@Resolver()
export class CatalogueResolver {
  constructor(private readonly catalogue: CatalogueService) {}

  @Allow('steering_group', 'platform_admin')
  @Query(() => [CatalogueServiceModel], { description: 'Every shared service with status, version, adoption and cost model' })
  async catalogueServices(@CurrentPrincipal() principal: Principal): Promise<CatalogueServiceModel[]> {
    return (await this.catalogue.services(actor(principal))).map(toServiceModel);
  }

  @Allow('steering_group', 'platform_admin')
  @Query(() => CatalogueServiceModel, { description: 'One shared service' })
  async catalogueService(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { description: "The service's id (as in service.yaml); NOT_FOUND when there is none", type: () => ID }) id: string,
  ): Promise<CatalogueServiceModel> {
    return toServiceModel(await this.catalogue.service(actor(principal), id));
  }

  @Allow('steering_group', 'platform_admin')
  @Query(() => [CatalogueAdoptionCell], { description: 'Which municipality uses which service at which stage (from tenant.yaml)' })
  catalogueAdoption(@CurrentPrincipal() principal: Principal): CatalogueAdoptionCell[] {
    return this.catalogue.adoption(actor(principal));
  }

  @Allow('steering_group', 'platform_admin')
  @Query(() => [CatalogueServiceCosts], {
    description: "Each member's share of each service's budget for a year (whole kronor, summing to the budget)",
  })
  async catalogueCosts(
    @CurrentPrincipal() principal: Principal,
    @Args('year', { description: 'The calendar year', type: () => Int }) year: number,
    @Args('service', { description: 'Only this service (its id); null: every service', type: () => ID, nullable: true })
    service?: string | null,
  ): Promise<CatalogueServiceCosts[]> {
    return (await this.catalogue.costs(actor(principal), year, service ?? undefined)).map(toCosts);
  }

  @Allow('steering_group', 'platform_admin')
  @Query(() => [CatalogueUsage], {
    description: 'Metered use per municipality, service, metric and month (YYYY-MM; default the last 12 months)',
  })
  catalogueUsage(
    @CurrentPrincipal() principal: Principal,
    @Args('from', { description: 'First month, YYYY-MM; null: the 12 months ending with to', type: () => String, nullable: true })
    from?: string | null,
    @Args('to', { description: 'Last month, YYYY-MM; null: the current month (Europe/Stockholm)', type: () => String, nullable: true })
    to?: string | null,
  ): Promise<CatalogueUsage[]> {
    return this.catalogue.usageTotals(actor(principal), from ?? undefined, to ?? undefined);
  }

  @Allow('steering_group', 'platform_admin')
  @Query(() => [CatalogueHypothesisBenefit], {
    description: 'Estimated and followed-up benefit per hypothesis and month (YYYY-MM; default the last 12 months)',
  })
  async catalogueBenefits(
    @CurrentPrincipal() principal: Principal,
    @Args('service', { description: "The service's id (as in service.yaml)", type: () => ID }) service: string,
    @Args('from', { description: 'First month, YYYY-MM; null: the 12 months ending with to', type: () => String, nullable: true })
    from?: string | null,
    @Args('to', { description: 'Last month, YYYY-MM; null: the current month (Europe/Stockholm)', type: () => String, nullable: true })
    to?: string | null,
  ): Promise<CatalogueHypothesisBenefit[]> {
    return (await this.catalogue.benefits(actor(principal), service, from ?? undefined, to ?? undefined)).map(toBenefit);
  }

  @Allow('steering_group', 'platform_admin')
  @Query(() => [CatalogueFollowUp], { description: 'Recorded benefit follow-ups, oldest first' })
  async catalogueFollowUps(
    @CurrentPrincipal() principal: Principal,
    @Args('service', { description: 'Only this service (its id); null: every service', type: () => ID, nullable: true })
    service?: string | null,
  ): Promise<CatalogueFollowUp[]> {
    return (await this.catalogue.followUps(actor(principal), service ?? undefined)).map(toFollowUp);
  }

  @Allow('steering_group', 'platform_admin')
  @Query(() => [CatalogueDecision], { description: 'Status decisions, oldest first (the full history)' })
  async catalogueDecisions(
    @CurrentPrincipal() principal: Principal,
    @Args('service', { description: 'Only this service (its id); null: every service', type: () => ID, nullable: true })
    service?: string | null,
  ): Promise<CatalogueDecision[]> {
    return (await this.catalogue.decisions(actor(principal), service ?? undefined)).map(toDecision);
  }

  @Allow('steering_group', 'platform_admin')
  @Query(() => CatalogueMunicipality, { description: 'One member municipality: services, cost shares, metered use and benefit' })
  async catalogueMunicipality(
    @CurrentPrincipal() principal: Principal,
    @Args('slug', { description: "The municipality's slug (tenant id)" }) slug: string,
    @Args('year', { description: 'The calendar year', type: () => Int }) year: number,
  ): Promise<CatalogueMunicipality> {
    const view = await this.catalogue.municipality(actor(principal), slug, year);
    return {
      ...view,
      services: view.services.map((s) => ({ ...s, estimatedLowSek: s.estimatedSek.low, estimatedHighSek: s.estimatedSek.high })),
    };
  }

  @Allow('steering_group', 'platform_admin')
  @Query(() => String, { description: 'The service as publiccode.yml (also public at GET /catalogue/services/:id/publiccode.yml)' })
  cataloguePubliccode(
    @Args('service', { description: "The service's id (as in service.yaml)", type: () => ID }) service: string,
  ): Promise<string> {
    return this.catalogue.publiccode(service);
  }

  @Allow('steering_group', 'platform_admin')
  @Query(() => [CatalogueYearClosing], { description: 'Years closed by a steering-group decision, oldest first' })
  async catalogueClosedYears(@CurrentPrincipal() principal: Principal): Promise<CatalogueYearClosing[]> {
    return (await this.catalogue.closedYears(actor(principal))).map(toYearClosing);
  }

  @Allow('steering_group', 'platform_admin')
  @Query(() => Boolean, { description: 'Whether the figures are demo figures (seeded for npm start): every page and export must say so' })
  catalogueDemo(@CurrentPrincipal() principal: Principal): Promise<boolean> {
    return this.catalogue.isDemo(actor(principal));
  }

  @Allow('steering_group')
  @Mutation(() => CatalogueYearClosing, {
    description: 'Closes a year that has ended: its cost shares are kept as decided (YEAR_CLOSED if it already is)',
  })
  async closeCatalogueYear(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { description: 'The year and the decision that closes it' }) input: CatalogueYearClosingInput,
  ): Promise<CatalogueYearClosing> {
    return toYearClosing(await this.catalogue.closeYear(actor(principal), { ...input }));
  }

  @Allow('steering_group')
  @Mutation(() => CatalogueFollowUp, { description: 'Records what was measured for a benefit hypothesis over a period' })
  async recordBenefitFollowUp(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { description: 'The measurement to record' }) input: CatalogueFollowUpInput,
  ): Promise<CatalogueFollowUp> {
    return toFollowUp(await this.catalogue.recordFollowUp(actor(principal), { ...input }));
  }

  @Allow('steering_group')
  @Mutation(() => CatalogueDecision, {
    description: 'Records a status decision; refused (PROMOTION_REFUSED) when the evidence does not carry it',
  })
  async recordStatusDecision(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { description: 'The decision to record' }) input: CatalogueDecisionInput,
  ): Promise<CatalogueDecision> {
    return toDecision(await this.catalogue.decide(actor(principal), { ...input, toStatus: input.toStatus as never }));
  }
}
