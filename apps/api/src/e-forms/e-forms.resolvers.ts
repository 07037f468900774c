import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { Allow, CurrentPrincipal, Principal, Public, PublicResidentsAtLevel } from '@kommuna/platform-auth';
import { FIELD_COST } from '../http/graphql-limits';
import {
  CaseWorkService,
  CitizenFormsService,
  FormAdminService,
  FormCatalogService,
  Language,
  Receipt,
  renderReceiptPdf,
  SubmissionStatus,
} from '@kommuna/e-forms';
import {
  AdoptFormTemplateInput,
  CreateFormInput,
  CreateFormVersionInput,
  DecideFormSubmissionInput,
  Form,
  FormApplicant,
  FormAttachment,
  FormDraft,
  FormLanguage,
  FormLocalizedTextInput,
  FormReceipt,
  FormSubmission,
  FormSubmissionConnection,
  SUBMISSION_PAGE_ARGS,
  FormTemplate,
  FormTemplateUpdate,
  FormVersion,
  PublishedForm,
  SubmitFormInput,
  UpdateFormVersionInput,
  UploadFormAttachmentInput,
} from './e-forms.models';

const languageArg = {
  name: 'language',
  type: () => FormLanguage,
  defaultValue: 'sv',
  description: 'Language of error messages (sv or en)',
} as const;

/** Anyone: a municipality's published forms, and submitting a form (login is checked per form). */
@Resolver()
export class EFormsPublicResolver {
  constructor(
    private readonly catalog: FormCatalogService,
    private readonly citizens: CitizenFormsService,
  ) {}

  @Public()
  @Query(() => [PublishedForm], { description: 'The published forms of the municipality addressed (X-Kommuna-Tenant or host) (public)' })
  publishedForms(): Promise<PublishedForm[]> {
    return this.catalog.listPublished();
  }

  @Public()
  @Query(() => PublishedForm, { description: "A form's current published version (public)" })
  publishedForm(@Args('slug', { description: "The form's slug" }) slug: string): Promise<PublishedForm> {
    return this.catalog.getPublished(slug);
  }

  // A resident who logs in submits in their own name: at their municipality's e-legitimation level.
  @PublicResidentsAtLevel()
  @Mutation(() => FormReceipt, {
    description:
      'Submits answers to the addressed municipality. Forms with loginRequired need a citizen token. Field errors come back as SUBMISSION_INVALID with extensions.details = [{path, message}]. Idempotent per idempotencyKey.',
  })
  submitForm(
    @Args('input', { description: 'The answers and your idempotency key' }) input: SubmitFormInput,
    @Args(languageArg) language: Language,
  ): Promise<Receipt> {
    return this.citizens.submit(input, language);
  }
}

/** Citizens (and company representatives) in their subject context: drafts, attachments, receipts. */
@Resolver()
export class EFormsCitizenResolver {
  constructor(private readonly citizens: CitizenFormsService) {}

  @Allow('citizen', 'company_representative')
  @Query(() => [FormDraft], { description: 'Your unexpired drafts in the addressed municipality' })
  myFormDrafts(): Promise<FormDraft[]> {
    return this.citizens.listDrafts();
  }

  @Allow('citizen', 'company_representative')
  @Query(() => FormDraft, { description: 'One of your drafts (citizens and company representatives)' })
  formDraft(@Args('id', { type: () => ID, description: "The draft's id" }) id: string): Promise<FormDraft> {
    return this.citizens.getDraft(id);
  }

  @Allow('citizen', 'company_representative')
  @Query(() => FormReceipt, { description: 'The receipt of one of your submissions (add pdfBase64 for the PDF)' })
  formReceipt(@Args('submissionId', { type: () => ID, description: 'One of your submissions' }) submissionId: string): Promise<Receipt> {
    return this.citizens.receipt(submissionId);
  }

  @Allow('citizen', 'company_representative')
  @Mutation(() => FormDraft, {
    description:
      "Starts a draft of the form's current version; a resident's draft starts with the fields the form prefills from the population register (never a protected person's address)",
  })
  startFormDraft(
    @Args('formSlug', { description: "A published form's slug" }) formSlug: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<FormDraft> {
    // Only a resident acting as themselves: a company representative's form is not about them.
    return this.citizens.startDraft(formSlug, principal.roles.includes('citizen') ? principal.personnummer : undefined);
  }

  @Allow('citizen', 'company_representative')
  @Mutation(() => FormDraft, { description: 'Saves answers as they are (checked on submit); extends the draft' })
  saveFormDraft(
    @Args('draftId', { type: () => ID, description: 'One of your drafts' }) draftId: string,
    @Args('data', { type: () => GraphQLJSON, description: 'The answers so far, one value per field' }) data: unknown,
  ): Promise<FormDraft> {
    return this.citizens.saveDraft(draftId, data);
  }

  @Allow('citizen', 'company_representative')
  @Mutation(() => FormAttachment, {
    description:
      'Uploads a file for an attachment field, to a draft or to a submission awaiting completion; answer the field with the returned id',
  })
  uploadFormAttachment(
    @Args('input', { description: 'The file and where it goes' }) input: UploadFormAttachmentInput,
  ): Promise<FormAttachment> {
    return this.citizens.uploadAttachment(input);
  }

  @Allow('citizen', 'company_representative')
  @Mutation(() => FormReceipt, {
    description:
      'Answers a completion request with the whole, corrected answers (attachments: files of the errand or uploaded with submissionId)',
  })
  provideFormCompletion(
    @Args('submissionId', { type: () => ID, description: 'A submission of yours awaiting completion' }) submissionId: string,
    @Args('data', { type: () => GraphQLJSON, description: 'The corrected answers, one value per field (as FormReceipt.data)' })
    data: unknown,
    @Args(languageArg) language: Language,
  ): Promise<Receipt> {
    return this.citizens.provideCompletion(submissionId, data, language);
  }
}

/** The receipt's PDF, rendered on request from the receipt itself. */
@Resolver(() => FormReceipt)
export class FormReceiptResolver {
  @ResolveField('pdfBase64', () => String, { description: 'The receipt as an A4 PDF, base64-encoded', complexity: FIELD_COST.pdf })
  async pdfBase64(@Parent() receipt: Receipt, @Args(languageArg) language: Language): Promise<string> {
    return Buffer.from(await renderReceiptPdf(receipt, language)).toString('base64');
  }
}

/** Tenant admins: forms, versions and shared templates of their municipality. */
@Resolver()
export class EFormsAdminResolver {
  constructor(private readonly admin: FormAdminService) {}

  @Allow('tenant_admin')
  @Query(() => [Form], { description: "The municipality's forms with all their versions" })
  adminForms(@CurrentPrincipal() principal: Principal): Promise<Form[]> {
    return this.admin.listForms(principal);
  }

  @Allow('tenant_admin')
  @Query(() => Form, { description: 'One form of the municipality with every version (tenant admin)' })
  adminForm(@CurrentPrincipal() principal: Principal, @Args('slug', { description: "The form's slug" }) slug: string): Promise<Form> {
    return this.admin.getForm(principal, slug);
  }

  @Allow('tenant_admin')
  @Query(() => [FormTemplate], { description: 'The newest version of every shared template, from every member' })
  formTemplates(@CurrentPrincipal() principal: Principal): Promise<FormTemplate[]> {
    return this.admin.listTemplates(principal);
  }

  @Allow('tenant_admin')
  @Query(() => [FormTemplateUpdate], { description: "This municipality's adopted forms and whether their template has a newer version" })
  formTemplateUpdates(@CurrentPrincipal() principal: Principal): Promise<FormTemplateUpdate[]> {
    return this.admin.templateUpdates(principal);
  }

  @Allow('tenant_admin')
  @Mutation(() => Form, {
    description: 'A new form with version 1.0 as a draft; an invalid definition is FORM_DEFINITION_INVALID with details',
  })
  createForm(@CurrentPrincipal() principal: Principal, @Args('input', { description: 'The form' }) input: CreateFormInput): Promise<Form> {
    return this.admin.createForm(principal, input);
  }

  @Allow('tenant_admin')
  @Mutation(() => FormVersion, { description: 'The next version as a draft' })
  createFormVersion(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { description: 'The version' }) input: CreateFormVersionInput,
  ): Promise<FormVersion> {
    return this.admin.createFormVersion(principal, input);
  }

  @Allow('tenant_admin')
  @Mutation(() => FormVersion, { description: 'Changes a draft version (published versions are immutable)' })
  updateFormVersion(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { description: 'The draft version and what to change' }) input: UpdateFormVersionInput,
  ): Promise<FormVersion> {
    return this.admin.updateFormVersion(principal, input);
  }

  @Allow('tenant_admin')
  @Mutation(() => FormVersion, {
    description: 'Publishes a draft version: citizens get it (the highest published is current) and it no longer changes (tenant admin)',
  })
  publishFormVersion(
    @CurrentPrincipal() principal: Principal,
    @Args('formSlug', { description: "The form's slug" }) formSlug: string,
    @Args('version', { description: 'The draft version, major.minor' }) version: string,
  ): Promise<FormVersion> {
    return this.admin.publishFormVersion(principal, formSlug, version);
  }

  @Allow('tenant_admin')
  @Mutation(() => FormVersion, { description: 'Retires a published version: no longer offered, its submissions stay (tenant admin)' })
  retireFormVersion(
    @CurrentPrincipal() principal: Principal,
    @Args('formSlug', { description: "The form's slug" }) formSlug: string,
    @Args('version', { description: 'The version, major.minor' }) version: string,
  ): Promise<FormVersion> {
    return this.admin.retireFormVersion(principal, formSlug, version);
  }

  @Allow('tenant_admin')
  @Mutation(() => FormTemplate, { description: "Shares the form's current version as a template every member may adopt" })
  publishFormTemplate(
    @CurrentPrincipal() principal: Principal,
    @Args('formSlug', { description: "The form's slug" }) formSlug: string,
  ): Promise<FormTemplate> {
    return this.admin.publishTemplate(principal, formSlug);
  }

  @Allow('tenant_admin')
  @Mutation(() => Form, { description: "Copies another municipality's template into this one's forms (draft 1.0, with provenance)" })
  adoptFormTemplate(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { description: "The template and this municipality's slug and unit for it" }) input: AdoptFormTemplateInput,
  ): Promise<Form> {
    return this.admin.adoptTemplate(principal, input);
  }

  @Allow('tenant_admin')
  @Mutation(() => FormVersion, { description: "A new draft version of an adopted form from its template's newest version" })
  updateFormFromTemplate(
    @CurrentPrincipal() principal: Principal,
    @Args('formSlug', { description: "The adopted form's slug" }) formSlug: string,
  ): Promise<FormVersion> {
    return this.admin.updateFromTemplate(principal, formSlug);
  }
}

/** Case workers: their unit's submissions, completion requests and manual decisions. */
@Resolver()
export class EFormsCaseWorkResolver {
  constructor(private readonly cases: CaseWorkService) {}

  @Allow('case_worker')
  @Query(() => FormSubmissionConnection, { description: 'A page of the submissions of the forms your unit handles, newest first' })
  formSubmissions(
    @CurrentPrincipal() principal: Principal,
    @Args('status', SUBMISSION_PAGE_ARGS.status) status: SubmissionStatus | null,
    @Args('first', SUBMISSION_PAGE_ARGS.first) first: number,
    @Args('after', SUBMISSION_PAGE_ARGS.after) after: string | null,
  ): Promise<FormSubmissionConnection> {
    return this.cases.listSubmissions(principal, { status, first, after });
  }

  @Allow('case_worker')
  @Query(() => FormSubmission, {
    description: "One submission of your unit, with its answers and files; other units' are NOT_FOUND (case workers)",
  })
  formSubmission(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID, description: "The submission's id" }) id: string,
  ): Promise<FormSubmission> {
    return this.cases.getSubmission(principal, id);
  }

  @Allow('case_worker')
  @Query(() => FormApplicant, {
    nullable: true,
    description:
      'Who applied for a submission of your unit, with name and registered address from the population register (audited); null for an anonymous form',
  })
  formSubmissionApplicant(
    @CurrentPrincipal() principal: Principal,
    @Args('submissionId', { type: () => ID, description: 'A submission of your unit' }) submissionId: string,
  ): Promise<FormApplicant | null> {
    return this.cases.applicant(principal, submissionId);
  }

  @Allow('case_worker')
  @Mutation(() => FormSubmission, { description: 'Asks the citizen to complete the submission (komplettering)' })
  requestFormCompletion(
    @CurrentPrincipal() principal: Principal,
    @Args('submissionId', { type: () => ID, description: 'A submission of your unit' }) submissionId: string,
    @Args('message', { description: 'What the applicant is asked for, in Swedish and English' }) message: FormLocalizedTextInput,
  ): Promise<FormSubmission> {
    return this.cases.requestCompletion(principal, submissionId, message);
  }

  @Allow('case_worker')
  @Mutation(() => FormSubmission, {
    description:
      'Records your decision (bifall/avslag) with its reason and, for an approval, its validity; the decision document is generated',
  })
  decideFormSubmission(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { description: 'The decision' }) input: DecideFormSubmissionInput,
  ): Promise<FormSubmission> {
    return this.cases.decide(principal, input.submissionId, input);
  }
}
