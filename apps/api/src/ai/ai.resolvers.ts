import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AI_DISCLOSURE, AiDraft as Draft, AiDrafts, AiValidationError, ModelRegistry, RegisteredModel } from '@kommuna/ai';
import { Allow, CurrentPrincipal, Principal } from '@kommuna/platform-auth';
import { auditActor } from '@kommuna/platform-audit';
import { AiDraft, AiDraftStatus, AiModel, AiModelCapability, AiModelChangeInput, AiModelInput } from './ai.models';

/** GraphQL leaves absent optional inputs as null; the registry reads them as absent. */
const withoutNulls = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as T;
const toModel = (m: RegisteredModel): AiModel => ({ ...m, capability: m.capability as AiModelCapability });
const toDraft = (d: Draft): AiDraft => ({
  ...d,
  kind: d.kind as AiDraft['kind'],
  status: d.status as AiDraftStatus,
  disclosure: AI_DISCLOSURE.sv,
});
const staffOf = (principal: Principal) => ({ subject: principal.subject, unit: principal.unit });

/** The municipality's model registry: its administrators register, clear and disable models. */
@Resolver(() => AiModel)
export class AiModelRegistryResolver {
  constructor(private readonly registry: ModelRegistry) {}

  @Allow('tenant_admin')
  @Query(() => [AiModel], { description: "This municipality's AI models" })
  async aiModels(): Promise<AiModel[]> {
    return (await this.registry.list()).map(toModel);
  }

  @Allow('tenant_admin', 'case_worker')
  @Query(() => [String], { description: "This municipality's data classifications, lowest first" })
  aiDataClassifications(): readonly string[] {
    return this.registry.classifications().ordered;
  }

  @Allow('tenant_admin')
  @Mutation(() => AiModel, { description: 'Register an OpenAI-compatible model with its hosting and clearance (audited)' })
  async registerAiModel(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { description: 'The model' }) input: AiModelInput,
  ): Promise<AiModel> {
    return toModel(
      await this.registry.register(withoutNulls(input) as Parameters<ModelRegistry['register']>[0], auditActor.staff(principal.subject)),
    );
  }

  @Allow('tenant_admin')
  @Mutation(() => AiModel, {
    description: "Change a model's endpoint, hosting, clearance or credential reference, or disable it (audited)",
  })
  async changeAiModel(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID, description: "The model's id" }) id: string,
    @Args('input', { description: 'What to change' }) input: AiModelChangeInput,
  ): Promise<AiModel> {
    return toModel(
      await this.registry.update(id, withoutNulls(input) as Parameters<ModelRegistry['update']>[1], auditActor.staff(principal.subject)),
    );
  }
}

/** Case workers: AI drafts for their unit's cases, and the review that makes them part of the case. */
@Resolver(() => AiDraft)
export class AiDraftsResolver {
  constructor(private readonly drafts: AiDrafts) {}

  @Allow('case_worker')
  @Mutation(() => AiDraft, {
    description: "A draft summary of a case of my unit, by a model cleared for the case's data class (pseudonymised; audited)",
  })
  async draftCaseSummary(
    @CurrentPrincipal() principal: Principal,
    @Args('caseId', { type: () => ID, description: 'A case of my unit' }) caseId: string,
    @Args('purpose', {
      type: () => String,
      nullable: true,
      description: 'Why the model is used, 1 to 200 characters, audited (default: case summary)',
    })
    purpose: string | null,
    @Args('modelId', { type: () => ID, nullable: true, description: "The chat model to use; null: one cleared for the case's data class" })
    modelId: string | null,
    @Args('knownNames', { type: () => [String], nullable: true, description: "Names of the case's parties to hide from the model" })
    knownNames: string[] | null,
  ): Promise<AiDraft> {
    return toDraft(await this.drafts.summariseCase(staffOf(principal), caseId, { purpose, modelId, knownNames }));
  }

  @Allow('case_worker')
  @Mutation(() => AiDraft, {
    description:
      'A draft journal note from a call recording (WAV, Ogg Opus, WebM Opus or MP3, base64, under the 1 MiB body limit; larger ones: POST /ai/cases/{caseId}/call-notes) in a case of my unit; the recording is deleted once the note is reviewed. A recording over 5 minutes is transcribed by the worker: the answer is then a PENDING draft that fills (DRAFT) or fails (FAILED) later',
  })
  async draftCallNote(
    @CurrentPrincipal() principal: Principal,
    @Args('caseId', { type: () => ID, description: 'A case of my unit' }) caseId: string,
    @Args('audioBase64', { description: 'The recording (WAV, Ogg Opus, WebM Opus or MP3), base64' }) audioBase64: string,
    @Args('purpose', {
      type: () => String,
      nullable: true,
      description: 'Why the models are used, 1 to 200 characters, audited (default: call documentation)',
    })
    purpose: string | null,
    @Args('transcriptionModelId', {
      type: () => ID,
      nullable: true,
      description: "The transcription model to use; null: one cleared for the case's data class",
    })
    transcriptionModelId: string | null,
    @Args('modelId', { type: () => ID, nullable: true, description: "The chat model to use; null: one cleared for the case's data class" })
    modelId: string | null,
    @Args('knownNames', { type: () => [String], nullable: true, description: "Names of the case's parties to hide from the models" })
    knownNames: string[] | null,
  ): Promise<AiDraft> {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(audioBase64))
      throw new AiValidationError('audioBase64 is not base64', [{ field: 'audioBase64', message: 'base64' }]);
    const content = Buffer.from(audioBase64, 'base64');
    return toDraft(
      await this.drafts.transcribeCall(
        staffOf(principal),
        caseId,
        // The stored media type comes from what the file turns out to be.
        { content },
        { purpose, transcriptionModelId, modelId, knownNames },
      ),
    );
  }

  @Allow('case_worker')
  @Mutation(() => AiDraft, {
    description: 'Approve a draft of my unit (with my edits in text) or reject it; only an approved draft is part of the case (audited)',
  })
  async reviewAiDraft(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID, description: "The draft's id" }) id: string,
    @Args('approve', { description: 'true approves, false rejects' }) approve: boolean,
    @Args('text', { type: () => String, nullable: true, description: 'The approved text, if the reviewer edited it' }) text: string | null,
  ): Promise<AiDraft> {
    return toDraft(await this.drafts.review(staffOf(principal), id, { approve, text }));
  }

  @Allow('case_worker')
  @Query(() => [AiDraft], {
    description: "AI drafts of a case of my unit, newest first (status APPROVED: the case's approved AI-assisted notes)",
  })
  async aiDrafts(
    @CurrentPrincipal() principal: Principal,
    @Args('caseId', { type: () => ID, description: 'A case of my unit' }) caseId: string,
    @Args('status', { type: () => AiDraftStatus, nullable: true, description: 'Only drafts with this status; null: all' })
    status: AiDraftStatus | null,
  ): Promise<AiDraft[]> {
    return (await this.drafts.forCase(staffOf(principal), caseId, status)).map(toDraft);
  }
}
