import { Args, ArgsOptions, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Allow, CurrentPrincipal, ForbiddenError, Principal } from '@kommuna/platform-auth';
import { CasePage, CitizenStatus, Minasidor } from '@kommuna/minasidor';
import {
  Case,
  CaseCitizenStatus,
  CaseConnection,
  CaseDecisionInput,
  CaseMessageInput,
  CaseRepresentation,
  CaseStatusInput,
  CaseUpsertInput,
  CaseWriteResult,
  PersonRepresentation,
  StaffCaseRead,
} from './minasidor.models';

/** GraphQL leaves absent optional inputs as null; the service's rules read them as absent. */
function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutNulls) as T;
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, withoutNulls(v)]),
  ) as T;
}

const toConnection = (page: CasePage): CaseConnection => ({ nodes: page.cases, endCursor: page.endCursor, hasNextPage: page.hasNextPage });

/** The party a citizen's own data is kept under (from their eID's personnummer). */
function partyOf(principal: Principal): string {
  if (!principal.partyId) throw new ForbiddenError('Log in with an e-identification that carries your personnummer to see your cases');
  return principal.partyId;
}

/** Company mode: the organisation a resident acts for (Mina ombud confirms it). */
const AS_ORGANISATION: ArgsOptions = {
  type: () => String,
  nullable: true,
  description: 'Company mode: an organisationsnummer or party id you represent',
};
/** Acting for another person (a private power of attorney in Mina ombud). */
const AS_PERSON: ArgsOptions = {
  type: () => String,
  nullable: true,
  description: 'Acting for another person: their party id (myRepresentedPersons)',
};

/** The citizen's own Mina sidor: cases from every member municipality, in their subject context. */
@Resolver(() => Case)
export class MinasidorCitizenResolver {
  constructor(private readonly minasidor: Minasidor) {}

  @Allow('citizen', 'company_representative')
  @Query(() => CaseConnection, { description: 'My cases from every member municipality, newest activity first' })
  myCases(
    @CurrentPrincipal() principal: Principal,
    @Args('first', { type: () => Int, defaultValue: 20, description: '1 to 100' }) first: number,
    @Args('after', { type: () => String, nullable: true, description: 'The endCursor of the previous page; null: the first page' })
    after: string | null,
    @Args('municipality', { type: () => String, nullable: true, description: 'Only this municipality (slug)' }) municipality: string | null,
    @Args('status', { type: () => [CaseCitizenStatus], nullable: true, description: 'Only these citizen-facing statuses' })
    status: CitizenStatus[] | null,
    @Args('includeDrafts', { type: () => Boolean, defaultValue: false, description: 'Include drafts (Sparat)' }) includeDrafts: boolean,
    @Args('asOrganisation', AS_ORGANISATION)
    asOrganisation: string | null,
    @Args('asPerson', AS_PERSON)
    asPerson: string | null,
  ): Promise<CaseConnection> {
    return this.minasidor.citizens
      .myCases(partyOf(principal), { first, after, municipality, statuses: status, includeDrafts, asOrganisation, asPerson })
      .then(toConnection);
  }

  @Allow('citizen', 'company_representative')
  @Query(() => Case, { description: "One of my cases (another person's case is NOT_FOUND)" })
  myCase(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID, description: "The case's id" }) id: string,
    @Args('asOrganisation', AS_ORGANISATION)
    asOrganisation: string | null,
    @Args('asPerson', AS_PERSON)
    asPerson: string | null,
  ): Promise<Case> {
    return this.minasidor.citizens.myCase(partyOf(principal), id, { asOrganisation, asPerson });
  }

  @Allow('citizen', 'company_representative')
  @Query(() => [CaseRepresentation], { description: 'The organisations I may act for (company mode)' })
  myOrganisations(@CurrentPrincipal() principal: Principal): Promise<CaseRepresentation[]> {
    return this.minasidor.representations.currentFor(partyOf(principal));
  }

  @Allow('citizen', 'company_representative')
  @Query(() => [PersonRepresentation], { description: 'The people I may act for (private powers of attorney in Mina ombud)' })
  myRepresentedPersons(@CurrentPrincipal() principal: Principal): Promise<PersonRepresentation[]> {
    return this.minasidor.representations.currentPersonsFor(partyOf(principal));
  }

  @Allow('citizen', 'company_representative')
  @Query(() => String, { description: 'Everything Mina sidor holds about me, from every municipality, as JSON (GDPR art. 15)' })
  async myData(@CurrentPrincipal() principal: Principal): Promise<string> {
    return JSON.stringify(await this.minasidor.myData.export(partyOf(principal)));
  }

  @Allow('citizen', 'company_representative')
  @Mutation(() => Case, { description: 'Reply in a case thread (not once the case is closed)' })
  replyToMyCase(
    @CurrentPrincipal() principal: Principal,
    @Args('caseId', { type: () => ID, description: 'One of my cases' }) caseId: string,
    @Args('body', { description: "The reply's text" }) body: string,
    @Args('asOrganisation', AS_ORGANISATION)
    asOrganisation: string | null,
    @Args('asPerson', AS_PERSON)
    asPerson: string | null,
  ): Promise<Case> {
    return this.minasidor.citizens.reply(partyOf(principal), caseId, body, { asOrganisation, asPerson });
  }

  @Allow('citizen', 'company_representative')
  @Mutation(() => Int, { description: "Mark the municipality's messages on a case as read; returns how many were unread" })
  markMyCaseMessagesRead(
    @CurrentPrincipal() principal: Principal,
    @Args('caseId', { type: () => ID, description: 'One of my cases' }) caseId: string,
    @Args('asOrganisation', AS_ORGANISATION)
    asOrganisation: string | null,
    @Args('asPerson', AS_PERSON)
    asPerson: string | null,
  ): Promise<number> {
    return this.minasidor.citizens.markMessagesRead(partyOf(principal), caseId, { asOrganisation, asPerson });
  }
}

/** The municipality's staff: their unit's cases; each case read is recorded. */
@Resolver(() => Case)
export class MinasidorStaffResolver {
  constructor(private readonly minasidor: Minasidor) {}

  @Allow('case_worker')
  @Query(() => CaseConnection, { description: "My unit's cases in this municipality, newest activity first (without details)" })
  staffCases(
    @CurrentPrincipal() principal: Principal,
    @Args('first', { type: () => Int, defaultValue: 20, description: '1 to 100 (default 20)' }) first: number,
    @Args('after', { type: () => String, nullable: true, description: 'The endCursor of the previous page; null: the first page' })
    after: string | null,
  ): Promise<CaseConnection> {
    return this.minasidor.staff.list({ subject: principal.subject, unit: principal.unit }, { first, after }).then(toConnection);
  }

  @Allow('case_worker')
  @Query(() => Case, { description: "One case of my unit, with its details (the read is recorded); other units' cases are NOT_FOUND" })
  staffCase(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID, description: "The case's id" }) id: string,
  ): Promise<Case> {
    return this.minasidor.staff.read({ subject: principal.subject, unit: principal.unit }, id);
  }

  @Allow('tenant_admin')
  @Query(() => [StaffCaseRead], { description: 'Who read a case of this municipality, and when' })
  staffCaseReads(@Args('caseId', { type: () => ID, description: "The case's id" }) caseId: string): Promise<StaffCaseRead[]> {
    return this.minasidor.staff.readsOf(caseId);
  }
}

/** Municipal systems (service accounts) write cases keyed by their own ids, in their municipality. */
@Resolver(() => Case)
export class MinasidorSystemResolver {
  constructor(private readonly minasidor: Minasidor) {}

  @Allow('service_account')
  @Mutation(() => CaseWriteResult, { description: 'Create a case, or update its description (idempotent by source and externalCaseId)' })
  upsertCase(@Args('input', { description: 'The case' }) input: CaseUpsertInput): Promise<CaseWriteResult> {
    return this.minasidor.intake.upsertCase(withoutNulls(input) as never);
  }

  @Allow('service_account')
  @Mutation(() => CaseWriteResult, { description: 'Record a status update (an older one than the current status joins the timeline only)' })
  recordCaseStatus(@Args('input', { description: 'The status update' }) input: CaseStatusInput): Promise<CaseWriteResult> {
    return this.minasidor.intake.recordStatus(withoutNulls(input) as never);
  }

  @Allow('service_account')
  @Mutation(() => CaseWriteResult, { description: 'Record a decision (idempotent by externalDecisionId)' })
  recordCaseDecision(@Args('input', { description: 'The decision' }) input: CaseDecisionInput): Promise<CaseWriteResult> {
    return this.minasidor.intake.recordDecision(withoutNulls(input) as never);
  }

  @Allow('service_account')
  @Mutation(() => CaseWriteResult, { description: 'Post a message from the municipality to the citizen (idempotent by externalMessageId)' })
  postCaseMessage(@Args('input', { description: 'The message' }) input: CaseMessageInput): Promise<CaseWriteResult> {
    return this.minasidor.intake.postMessage(withoutNulls(input) as never);
  }
}
