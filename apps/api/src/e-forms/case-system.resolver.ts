import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow, CurrentPrincipal, Principal } from '@kommuna/platform-auth';
import { CaseSystemService, CaseSystemSubmissionView, Language, SubmissionStatus } from '@kommuna/e-forms';
import { FIELD_COST } from '../http/graphql-limits';
import { CaseSystemSubmission, CaseSystemSubmissionConnection } from './case-system.models';
import { FormLanguage, SUBMISSION_PAGE_ARGS } from './e-forms.models';

/**
 * The municipality's case system (a service account granted the scope eforms-submissions): takes
 * submissions in and acknowledges each with its diarienummer. The same as REST under
 * /e-forms/case-system (GET /e-forms/case-system/openapi.json).
 */
@Resolver(() => CaseSystemSubmission)
export class EFormsCaseSystemResolver {
  constructor(private readonly caseSystem: CaseSystemService) {}

  @Allow('service_account')
  @Query(() => CaseSystemSubmissionConnection, {
    description: "Case system (scope eforms-submissions): a page of the municipality's submissions, oldest first",
  })
  caseSystemSubmissions(
    @CurrentPrincipal() principal: Principal,
    @Args('status', SUBMISSION_PAGE_ARGS.status) status: SubmissionStatus | null,
    @Args('registered', {
      type: () => Boolean,
      nullable: true,
      description: 'false: only those not acknowledged yet; true: only acknowledged ones',
    })
    registered: boolean | null,
    @Args('first', SUBMISSION_PAGE_ARGS.first) first: number,
    @Args('after', SUBMISSION_PAGE_ARGS.after) after: string | null,
  ): Promise<CaseSystemSubmissionConnection> {
    return this.caseSystem.listSubmissions(principal, { status, registered, first, after });
  }

  @Allow('service_account')
  @Query(() => CaseSystemSubmission, {
    description: 'Case system (scope eforms-submissions): one submission with its answers and files (add receiptPdfBase64 for the receipt)',
  })
  caseSystemSubmission(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID, description: "The submission's id" }) id: string,
  ): Promise<CaseSystemSubmission> {
    return this.caseSystem.getSubmission(principal, id);
  }

  @Allow('service_account')
  @Mutation(() => CaseSystemSubmission, {
    description:
      "Case system (scope eforms-submissions): the submission is registered under the case system's reference (diarienummer), which the resident then sees in Mina sidor. The same reference again changes nothing; another is CONFLICT.",
  })
  acknowledgeFormSubmission(
    @CurrentPrincipal() principal: Principal,
    @Args('submissionId', { type: () => ID, description: 'The submission the case system registered' }) submissionId: string,
    @Args('caseSystemReference', { description: 'The diarienummer, e.g. "KS 2026/0142"' }) caseSystemReference: string,
  ): Promise<CaseSystemSubmission> {
    return this.caseSystem.acknowledge(principal, submissionId, caseSystemReference);
  }

  @ResolveField('receiptPdfBase64', () => String, {
    description: 'The receipt the resident got, as an A4 PDF, base64-encoded',
    complexity: FIELD_COST.pdf,
  })
  async receiptPdfBase64(
    @CurrentPrincipal() principal: Principal,
    @Parent() submission: CaseSystemSubmissionView,
    @Args('language', { type: () => FormLanguage, defaultValue: 'sv', description: "The receipt's language: sv (default) or en" })
    language: Language,
  ): Promise<string> {
    return (await this.caseSystem.receiptPdf(principal, submission.id, language)).content.toString('base64');
  }
}
