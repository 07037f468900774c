import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Allow, CurrentPrincipal, Principal } from '@kommuna/platform-auth';
import { HomeCare, HomeCareActor } from '@kommuna/home-care';
import {
  HomeCareCheckLine,
  HomeCareCheckRun,
  HomeCareDeviationReview,
  HomeCareFileInput,
  HomeCareFollowUp,
  HomeCareImportResult,
  HomeCareInvoiceCheck,
  HomeCareProviderStatement,
  HomeCareReviewInput,
} from './home-care.models';

/** The caller as home care's secrecy gate reads it: the unit claim decides what a case worker sees. */
export function actorOf(principal: Principal): HomeCareActor {
  if (principal.roles.includes('service_account') && principal.clientId) return { kind: 'service', clientId: principal.clientId };
  if (principal.roles.includes('case_worker')) return { kind: 'staff', subject: principal.subject, unit: principal.unit };
  if (principal.roles.includes('steering_group')) return { kind: 'steering_group', subject: principal.subject };
  return { kind: 'staff', subject: principal.subject };
}

/**
 * Home-care follow-up (docs/home-care.md): files in, the monthly check, residents' lines for the
 * municipality's responsible unit (audited), and sums for the steering group. The role rules here
 * are the outer gate; the library's HomeCareGate decides by unit, and RLS by municipality.
 */
@Resolver()
export class HomeCareResolver {
  constructor(private readonly homeCare: HomeCare) {}

  @Allow('service_account', 'case_worker')
  @Mutation(() => HomeCareImportResult, {
    description:
      'Import a file into this municipality: whole or not at all (VALIDATION_FAILED lists file, line and reason); the same file again changes nothing',
  })
  importHomeCareFile(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { description: 'The file' }) input: HomeCareFileInput,
  ): Promise<HomeCareImportResult> {
    return this.homeCare.importFile(actorOf(principal), { ...input, month: input.month ?? undefined });
  }

  @Allow('service_account', 'case_worker')
  @Mutation(() => HomeCareCheckRun, {
    description: 'Check a month (YYYY-MM) now; on the same files as the last check, that run is returned',
  })
  runHomeCareCheck(
    @CurrentPrincipal() principal: Principal,
    @Args('month', { description: 'YYYY-MM' }) month: string,
  ): Promise<HomeCareCheckRun> {
    return this.homeCare.runCheck(actorOf(principal), month);
  }

  @Allow('case_worker')
  @Query(() => HomeCareCheckRun, {
    nullable: true,
    description: "The month's latest check in this municipality (the responsible unit only)",
  })
  homeCareCheck(
    @CurrentPrincipal() principal: Principal,
    @Args('month', { description: 'YYYY-MM' }) month: string,
  ): Promise<HomeCareCheckRun | null> {
    return this.homeCare.latestRun(actorOf(principal), month);
  }

  @Allow('case_worker')
  @Query(() => [HomeCareCheckLine], {
    description: "Residents' lines of the month's latest check, those with deviations first by amount (the responsible unit only; audited)",
  })
  homeCareCheckLines(
    @CurrentPrincipal() principal: Principal,
    @Args('month', { description: 'YYYY-MM' }) month: string,
    @Args('all', { defaultValue: false, description: 'Also lines without deviations' }) all: boolean,
    @Args('residentId', { type: () => String, nullable: true, description: "Only this resident (the case system's client id); null: all" })
    residentId: string | null,
  ): Promise<HomeCareCheckLine[]> {
    return this.homeCare.lines(actorOf(principal), month, { all, residentId: residentId ?? undefined });
  }

  @Allow('case_worker')
  @Mutation(() => HomeCareDeviationReview, {
    description:
      'Confirm or dismiss a deviation of a check run, with the reason (the responsible unit only; audited). Once per deviation and month: CONFLICT the second time. A confirmation is metered into the catalogue as kronor withheld or reclaimed',
  })
  reviewHomeCareDeviation(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { description: 'The deviation and the decision' }) input: HomeCareReviewInput,
  ): Promise<HomeCareDeviationReview> {
    return this.homeCare.reviewDeviation(actorOf(principal), input);
  }

  @Allow('case_worker')
  @Query(() => [HomeCareInvoiceCheck], {
    description:
      "LOV providers' invoices of the month's latest check beside their time registration at their rates, largest excess first (the responsible unit only; audited)",
  })
  async homeCareInvoiceChecks(
    @CurrentPrincipal() principal: Principal,
    @Args('month', { description: 'YYYY-MM' }) month: string,
  ): Promise<HomeCareInvoiceCheck[]> {
    const checks = await this.homeCare.invoiceChecks(actorOf(principal), month);
    return checks.map((check) => ({ ...check, figures: { ...check.figures } }));
  }

  @Allow('case_worker')
  @Query(() => HomeCareProviderStatement, {
    description:
      "A provider's statement of the month's latest check: its deviations with its share of the kronor, and its invoices' (the responsible unit only; audited). NOT_FOUND for a month not checked or an unknown provider",
  })
  async homeCareProviderStatement(
    @CurrentPrincipal() principal: Principal,
    @Args('month', { description: 'YYYY-MM' }) month: string,
    @Args('provider', { description: 'The provider code' }) provider: string,
  ): Promise<HomeCareProviderStatement> {
    const statement = await this.homeCare.providerStatement(actorOf(principal), month, provider);
    return {
      ...statement,
      deviations: statement.lines.length + statement.invoices.reduce((n, i) => n + i.deviations.length, 0),
    };
  }

  @Allow('steering_group')
  @Query(() => [HomeCareFollowUp], {
    description: "Each member's month: residents checked, with deviations, per rule and kronor at stake; counts of 1–4 residents withheld",
  })
  homeCareFollowUp(
    @CurrentPrincipal() principal: Principal,
    @Args('month', { description: 'YYYY-MM' }) month: string,
  ): Promise<HomeCareFollowUp[]> {
    return this.homeCare.followUp(actorOf(principal), month);
  }
}
