export * from './errors';
export * from './access';
export * from './settings';
export * from './schema';
export { MailDeliveryEntity } from './entities/delivery.entity';
export { MailMessageEntity } from './entities/message.entity';
export * from './content/attachments';
export { assertSafeHtml, assertSafeLinks, htmlToText, isSafeLink, SAFE_HTML } from './content/html';
export { parseRecipient } from './content/recipient';
export type { Recipient, RecipientKind } from './content/recipient';
export { placeholdersOf, MissingPlaceholderError } from './content/placeholders';
export { MessageService, prepareMessage } from './message.service';
export { CaseNotificationHandler, ResidentNotices } from './case-notifications';
export type { ResidentNotice } from './case-notifications';
export { DeliveryMetricsHandler } from './delivery-metrics';
export type { AttachmentView, MessageFilter, MessageView, SendMessageInput, Sender } from './message.service';
export * from './template.service';
export * from './send-batch.service';
export { StatisticsService } from './statistics.service';
export type { MonthlyStatistics } from './statistics.service';
export * from './adapters/types';
export * as minaMeddelanden from './adapters/mina-meddelanden';
export { MinaMeddelandenOperator, MailboxRefusalError } from './adapters/mina-meddelanden';
export type {
  MailboxCredentials,
  CredentialSource,
  FaultCode as MinaMeddelandenFaultCode,
  RefusalReason as MinaMeddelandenRefusalReason,
  ReachabilityStatus as MinaMeddelandenReachabilityStatus,
} from './adapters/mina-meddelanden';
export * from './adapters/http-population-register';
export { NAVET_ANSWER_SCHEMA, NAVET_MAX_IDS_PER_CALL, NAVET_REQUEST_SCHEMA } from './adapters/navet/navet-v3.schema';
export type { NavetAnswer, NavetRequest } from './adapters/navet/navet-v3.schema';
export * from './adapters/folder-print-provider';
export * from './adapters/smtp-email-notifier';
export * from './adapters/for-tenant';
export * from './pipeline/delivery-worker';
export { routeAfterReachability, UNDER_18 } from './pipeline/decide';
export { renderPrintLetter, ADDRESS_WINDOW } from './pipeline/print-letter';
export { RetentionPurger } from './pipeline/retention';
export { EVENT_SOURCE as DIGITAL_MAIL_EVENT_SOURCE } from './status-events';
export * from './pipeline/background';
export * from './service-descriptor';
