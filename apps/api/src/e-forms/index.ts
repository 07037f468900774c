import type { Provider } from '@nestjs/common';
import { Database, TenantDirectory } from '@kommuna/platform-persistence';
import { CaseWorkService, CitizenFormsService, FormAdminService, FormCatalogService } from '@kommuna/e-forms';
import { DecisionDocumentController } from './decision-document.controller';
import { EFormsAdminResolver, EFormsCaseWorkResolver, EFormsCitizenResolver, EFormsPublicResolver, FormReceiptResolver } from './e-forms.resolvers';

const service = <T>(type: new (database: Database, tenants: TenantDirectory) => T): Provider => ({
  provide: type,
  useFactory: (database: Database, tenants: TenantDirectory) => new type(database, tenants),
  inject: [Database, TenantDirectory],
});

/** The e-forms GraphQL API for the app module: the services and their resolvers. */
export const E_FORMS_PROVIDERS: Provider[] = [
  service(FormAdminService),
  service(FormCatalogService),
  service(CitizenFormsService),
  service(CaseWorkService),
  EFormsPublicResolver,
  EFormsCitizenResolver,
  FormReceiptResolver,
  EFormsAdminResolver,
  EFormsCaseWorkResolver,
];

/** The e-forms REST routes: the decision document at the link decisions carry. */
export const E_FORMS_CONTROLLERS = [DecisionDocumentController];
