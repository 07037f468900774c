import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Allow, CurrentPrincipal, Principal } from '@kommuna/platform-auth';
import { MessageService, MessageView, SendBatchService, StatisticsService, TemplateService } from '@kommuna/digital-mail';
import {
  CreateSendBatchInput,
  DigitalMailMessage,
  MailDeliveryStatusEnum,
  MailMonthlyStatistics,
  MailSendBatch,
  MailTemplate,
  MailTemplatePreview,
  MailTemplateRef,
  KeyValueInput,
  SaveMailTemplateInput,
  SendDigitalMailInput,
} from './digital-mail.models';
import { letterScopeOf, senderOf, statisticsScopeOf, templateScopeOf, toPairs, toRecord } from './sender';

export const toMessageModel = (view: MessageView): DigitalMailMessage => ({
  ...view,
  externalReferences: toPairs(view.externalReferences),
});
const language = (value: string | undefined | null) => (value ?? undefined) as 'sv' | 'en' | undefined;

/**
 * Digital mail for municipality staff: send letters, bulk sends, templates, statistics. Letters
 * and bulk sends are case work (case workers, within their unit); templates are administered by
 * tenant admins; every service call carries the caller's unit scope (sender.ts).
 */
@Allow('case_worker')
@Resolver()
export class DigitalMailResolver {
  constructor(
    private readonly messages: MessageService,
    private readonly templates: TemplateService,
    private readonly batches: SendBatchService,
    private readonly statistics: StatisticsService,
  ) {}

  @Mutation(() => DigitalMailMessage, { description: 'Accepts a letter; delivery happens in the background' })
  async sendDigitalMail(
    @Args('input', { description: 'The letter and its recipient' }) input: SendDigitalMailInput,
    @CurrentPrincipal() principal: Principal,
  ): Promise<DigitalMailMessage> {
    const view = await this.messages.send(
      {
        ...input,
        bodyFormat: input.bodyFormat ?? undefined,
        language: language(input.language),
        attachments: input.attachments?.map((a) => ({ ...a, deliveryMode: a.deliveryMode ?? undefined })),
        externalReferences: toRecord(input.externalReferences),
        supportInfo: input.supportInfo ?? undefined,
      },
      senderOf(principal),
      letterScopeOf(principal),
    );
    return toMessageModel(view);
  }

  @Query(() => DigitalMailMessage, { description: "A letter of my unit; other units' letters are NOT_FOUND" })
  async digitalMailMessage(
    @Args('id', { type: () => ID, description: "The letter's id" }) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<DigitalMailMessage> {
    return toMessageModel(await this.messages.get(id, letterScopeOf(principal)));
  }

  @Query(() => [DigitalMailMessage], { description: "My unit's letters, newest first" })
  async digitalMailMessages(
    @CurrentPrincipal() principal: Principal,
    @Args('status', { type: () => MailDeliveryStatusEnum, nullable: true, description: 'Only letters with this status' })
    status?: MailDeliveryStatusEnum,
    @Args('sendBatchId', { type: () => ID, nullable: true, description: 'Only the letters of this bulk send (its id, a UUID)' })
    sendBatchId?: string,
    @Args('department', { nullable: true, description: "Only this unit's letters (at most 100 characters)" }) department?: string,
    @Args('limit', { nullable: true, type: () => Number, description: 'At most this many letters, 1 to 500 (default 50)' }) limit?: number,
    @Args('offset', { nullable: true, type: () => Number, description: 'Letters to skip, for paging (default 0)' }) offset?: number,
  ): Promise<DigitalMailMessage[]> {
    const views = await this.messages.list(letterScopeOf(principal), {
      status: status ?? undefined,
      sendBatchId: sendBatchId ?? undefined,
      department: department ?? undefined,
      limit: limit ?? undefined,
      offset: offset ?? undefined,
    });
    return views.map(toMessageModel);
  }

  @Allow('tenant_admin')
  @Mutation(() => MailTemplate, { description: 'Saves a template; an existing name gets a new version' })
  saveDigitalMailTemplate(
    @Args('input', { description: 'The template to save' }) input: SaveMailTemplateInput,
    @CurrentPrincipal() principal: Principal,
  ): Promise<MailTemplate> {
    return this.templates.save({ ...input, bodyFormat: input.bodyFormat ?? undefined }, senderOf(principal), templateScopeOf(principal));
  }

  @Allow('tenant_admin', 'case_worker')
  @Query(() => [MailTemplate], { description: "The newest version of each template (a case worker's: their unit's and the shared ones)" })
  digitalMailTemplates(@CurrentPrincipal() principal: Principal): Promise<MailTemplate[]> {
    return this.templates.list(templateScopeOf(principal));
  }

  @Allow('tenant_admin', 'case_worker')
  @Query(() => MailTemplatePreview, {
    description: 'A template filled in with values, to see the letter before sending (tenant admins and case workers)',
  })
  digitalMailTemplatePreview(
    @CurrentPrincipal() principal: Principal,
    @Args('template', { description: 'The template to fill in' }) template: MailTemplateRef,
    @Args('language', { defaultValue: 'sv', description: 'sv (default) or en' }) lang: string,
    @Args('values', { type: () => [KeyValueInput], nullable: true, description: "The placeholders' values; a missing one is an error" })
    values?: KeyValueInput[],
  ): Promise<MailTemplatePreview> {
    return this.templates.preview(template, lang === 'en' ? 'en' : 'sv', toRecord(values) ?? {}, templateScopeOf(principal));
  }

  @Mutation(() => MailSendBatch, { description: 'A bulk send: accepted as a whole, or refused naming the bad rows' })
  createDigitalMailSendBatch(
    @Args('input', { description: 'The template and the recipients' }) input: CreateSendBatchInput,
    @CurrentPrincipal() principal: Principal,
  ): Promise<MailSendBatch> {
    const options = {
      template: input.template,
      language: language(input.language),
      department: input.department ?? undefined,
      supportInfo: input.supportInfo ?? undefined,
      externalReferences: toRecord(input.externalReferences),
      allowPaper: input.allowPaper ?? undefined,
    };
    const scope = letterScopeOf(principal);
    if (input.csv !== undefined && input.csv !== null) return this.batches.createFromCsv(options, input.csv, senderOf(principal), scope);
    return this.batches.create(
      options,
      (input.recipients ?? []).map((r) => ({ recipient: r.recipient, values: toRecord(r.values) })),
      senderOf(principal),
      scope,
    );
  }

  @Query(() => MailSendBatch, { description: "A bulk send of my unit; other units' are NOT_FOUND" })
  digitalMailSendBatch(
    @Args('id', { type: () => ID, description: "The batch's id" }) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<MailSendBatch> {
    return this.batches.progress(id, letterScopeOf(principal));
  }

  @Allow('tenant_admin', 'case_worker', 'steering_group')
  @Query(() => [MailMonthlyStatistics], {
    description: "Letters per department and month: digital, paper, failed (a case worker's: their unit's)",
  })
  digitalMailStatistics(@CurrentPrincipal() principal: Principal): Promise<MailMonthlyStatistics[]> {
    return this.statistics.monthly(statisticsScopeOf(principal));
  }
}
