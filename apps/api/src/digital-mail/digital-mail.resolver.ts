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
  async sendDigitalMail(@Args('input') input: SendDigitalMailInput, @CurrentPrincipal() principal: Principal): Promise<DigitalMailMessage> {
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
    @Args('id', { type: () => ID }) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<DigitalMailMessage> {
    return toMessageModel(await this.messages.get(id, letterScopeOf(principal)));
  }

  @Query(() => [DigitalMailMessage], { description: "My unit's letters, newest first" })
  async digitalMailMessages(
    @CurrentPrincipal() principal: Principal,
    @Args('status', { type: () => MailDeliveryStatusEnum, nullable: true }) status?: MailDeliveryStatusEnum,
    @Args('sendBatchId', { type: () => ID, nullable: true }) sendBatchId?: string,
    @Args('department', { nullable: true }) department?: string,
    @Args('limit', { nullable: true, type: () => Number }) limit?: number,
    @Args('offset', { nullable: true, type: () => Number }) offset?: number,
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
  saveDigitalMailTemplate(@Args('input') input: SaveMailTemplateInput, @CurrentPrincipal() principal: Principal): Promise<MailTemplate> {
    return this.templates.save({ ...input, bodyFormat: input.bodyFormat ?? undefined }, senderOf(principal), templateScopeOf(principal));
  }

  @Allow('tenant_admin', 'case_worker')
  @Query(() => [MailTemplate], { description: "The newest version of each template (a case worker's: their unit's and the shared ones)" })
  digitalMailTemplates(@CurrentPrincipal() principal: Principal): Promise<MailTemplate[]> {
    return this.templates.list(templateScopeOf(principal));
  }

  @Allow('tenant_admin', 'case_worker')
  @Query(() => MailTemplatePreview)
  digitalMailTemplatePreview(
    @CurrentPrincipal() principal: Principal,
    @Args('template') template: MailTemplateRef,
    @Args('language', { defaultValue: 'sv' }) lang: string,
    @Args('values', { type: () => [KeyValueInput], nullable: true }) values?: KeyValueInput[],
  ): Promise<MailTemplatePreview> {
    return this.templates.preview(template, lang === 'en' ? 'en' : 'sv', toRecord(values) ?? {}, templateScopeOf(principal));
  }

  @Mutation(() => MailSendBatch, { description: 'A bulk send: accepted as a whole, or refused naming the bad rows' })
  createDigitalMailSendBatch(@Args('input') input: CreateSendBatchInput, @CurrentPrincipal() principal: Principal): Promise<MailSendBatch> {
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
  digitalMailSendBatch(@Args('id', { type: () => ID }) id: string, @CurrentPrincipal() principal: Principal): Promise<MailSendBatch> {
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
