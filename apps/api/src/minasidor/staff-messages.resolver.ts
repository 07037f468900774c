import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Allow, CurrentPrincipal, Principal } from '@kommuna/platform-auth';
import { Minasidor } from '@kommuna/minasidor';
import { Case } from './minasidor.models';

/** Case workers and the resident's thread: find an e-forms errand's case, write to the resident. */
@Resolver(() => Case)
export class MinasidorStaffMessagesResolver {
  constructor(private readonly minasidor: Minasidor) {}

  @Allow('case_worker')
  @Query(() => Case, {
    nullable: true,
    description: 'The Mina sidor case of an e-forms submission of my unit, with its messages (the read is recorded); null until it exists',
  })
  staffCaseOfSubmission(
    @CurrentPrincipal() principal: Principal,
    @Args('submissionId', { type: () => ID, description: 'An e-forms submission of my unit' }) submissionId: string,
  ): Promise<Case | null> {
    return this.minasidor.staff.readSubmissionCase({ subject: principal.subject, unit: principal.unit }, submissionId);
  }

  @Allow('case_worker')
  @Mutation(() => Case, {
    description:
      "Write to the resident on a case of my unit: it joins the case's thread in Mina sidor and the resident gets a notice (audited)",
  })
  messageResident(
    @CurrentPrincipal() principal: Principal,
    @Args('caseId', { type: () => ID, description: 'A case of my unit (its Mina sidor id)' }) caseId: string,
    @Args('body', { description: 'The message text the resident reads, 1 to 20000 characters' }) body: string,
  ): Promise<Case> {
    return this.minasidor.staff.message({ subject: principal.subject, unit: principal.unit }, caseId, body);
  }
}
