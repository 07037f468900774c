import type { Provider } from '@nestjs/common';
import { Database, TenantDirectory } from '@kommuna/platform-persistence';
import {
  DIGITAL_MAIL_SERVICE,
  MessageService,
  ResidentNotices,
  SendBatchService,
  StatisticsService,
  TemplateService,
} from '@kommuna/digital-mail';
import { ComposedServices } from '@kommuna/services';
import { DigitalMailController } from './digital-mail.controller';
import { DigitalMailResolver } from './digital-mail.resolver';
import { ResidentNoticesResolver } from './resident-notices.resolver';

/** Digital mail's API for the app module: its services, the staff GraphQL API, residents' notices and the REST routes. */
export const DIGITAL_MAIL_PROVIDERS: Provider[] = [
  {
    provide: MessageService,
    useFactory: (services: ComposedServices) => services.of(DIGITAL_MAIL_SERVICE).messages,
    inject: [ComposedServices],
  },
  { provide: TemplateService, useFactory: (db: Database) => new TemplateService(db), inject: [Database] },
  {
    provide: SendBatchService,
    useFactory: (db: Database, tenants: TenantDirectory, templates: TemplateService) => new SendBatchService(db, tenants, templates),
    inject: [Database, TenantDirectory, TemplateService],
  },
  { provide: StatisticsService, useFactory: (db: Database) => new StatisticsService(db), inject: [Database] },
  { provide: ResidentNotices, useFactory: (db: Database) => new ResidentNotices(db), inject: [Database] },
  DigitalMailResolver,
  ResidentNoticesResolver,
];

export const DIGITAL_MAIL_CONTROLLERS = [DigitalMailController];
