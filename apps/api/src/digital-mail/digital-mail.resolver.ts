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
import { senderOf, toPairs, toRecord } from './sender';

export const toMessageModel = (view: MessageView): DigitalMailMessage => ({ ...view, externalReferences: toPairs(view.externalReferences) });
const language = (value: string | undefined | null) => (value ?? undefined) as 'sv' | 'en' | undefined;

/** Digital mail for municipality staff: send letters, bulk sends, templates, statistics. */
@Allow('tenant_admin', 'case_worker')
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
      { ...input, language: language(input.language), externalReferences: toRecord(input.externalReferences), supportInfo: input.supportInfo ?? undefined },
      senderOf(principal),
    );
    return toMessageModel(view);
  }

  @Query(() => DigitalMailMessage)
  async digitalMailMessage(@Args('id', { type: () => ID }) id: string): Promise<DigitalMailMessage> {
    return toMessageModel(await this.messages.get(id));
  }

  @Query(() => [DigitalMailMessage], { description: 'Newest first' })
  async digitalMailMessages(
    @Args('status', { type: () => MailDeliveryStatusEnum, nullable: true }) status?: MailDeliveryStatusEnum,
    @Args('sendBatchId', { type: () => ID, nullable: true }) sendBatchId?: string,
    @Args('department', { nullable: true }) department?: string,
    @Args('limit', { nullable: true, type: () => Number }) limit?: number,
    @Args('offset', { nullable: true, type: () => Number }) offset?: number,
  ): Promise<DigitalMailMessage[]> {
    const views = await this.messages.list({ status: status ?? undefined, sendBatchId: sendBatchId ?? undefined, department: department ?? undefined, limit: limit ?? undefined, offset: offset ?? undefined });
    return views.map(toMessageModel);
  }

  @Allow('tenant_admin')
  @Mutation(() => MailTemplate, { description: 'Saves a template; an existing name gets a new version' })
  saveDigitalMailTemplate(@Args('input') input: SaveMailTemplateInput, @CurrentPrincipal() principal: Principal): Promise<MailTemplate> {
    return this.templates.save(input, senderOf(principal));
  }

  @Query(() => [MailTemplate], { description: 'The newest version of each template' })
  digitalMailTemplates(): Promise<MailTemplate[]> {
    return this.templates.list();
  }

  @Query(() => MailTemplatePreview)
  digitalMailTemplatePreview(
    @Args('template') template: MailTemplateRef,
    @Args('language', { defaultValue: 'sv' }) lang: string,
    @Args('values', { type: () => [KeyValueInput], nullable: true }) values?: KeyValueInput[],
  ): Promise<MailTemplatePreview> {
    return this.templates.preview(template, lang === 'en' ? 'en' : 'sv', toRecord(values) ?? {});
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
    if (input.csv !== undefined && input.csv !== null) return this.batches.createFromCsv(options, input.csv, senderOf(principal));
    return this.batches.create(options, (input.recipients ?? []).map((r) => ({ recipient: r.recipient, values: toRecord(r.values) })), senderOf(principal));
  }

  @Query(() => MailSendBatch)
  digitalMailSendBatch(@Args('id', { type: () => ID }) id: string): Promise<MailSendBatch> {
    return this.batches.progress(id);
  }

  @Allow('tenant_admin', 'case_worker', 'steering_group')
  @Query(() => [MailMonthlyStatistics], { description: 'Letters per department and month: digital, paper, failed' })
  digitalMailStatistics(): Promise<MailMonthlyStatistics[]> {
    return this.statistics.monthly();
  }
}
