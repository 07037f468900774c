import type { Provider } from '@nestjs/common';
import { Database, TenantDirectory } from '@kommuna/platform-persistence';
import { adapterEnvironmentFromEnv, populationRegistersFor } from '@kommuna/digital-mail';
import {
  CaseSystemService,
  CaseWorkService,
  CitizenFormsService,
  FormAdminService,
  FormCatalogService,
  ResidentRegisterFor,
} from '@kommuna/e-forms';
import { CaseSystemController } from './case-system.controller';
import { StaffAttachmentController } from './staff-attachment.controller';
import { EFormsCaseSystemResolver } from './case-system.resolver';
import { DecisionDocumentController } from './decision-document.controller';
import {
  EFormsAdminResolver,
  EFormsCaseWorkResolver,
  EFormsCitizenResolver,
  EFormsPublicResolver,
  FormReceiptResolver,
} from './e-forms.resolvers';

const service = <T>(type: new (database: Database, tenants: TenantDirectory) => T): Provider => ({
  provide: type,
  useFactory: (database: Database, tenants: TenantDirectory) => new type(database, tenants),
  inject: [Database, TenantDirectory],
});

/**
 * Prefilled drafts and the case worker's view of the applicant read the population register digital mail is configured with (Navet per
 * tenant.yaml, else the simulator): municipalities without digital mail get empty drafts.
 */
function residentRegisters(tenants: TenantDirectory): ResidentRegisterFor {
  const registers = populationRegistersFor(adapterEnvironmentFromEnv());
  return (tenantId) => {
    const tenant = tenants.all().find((t) => t.id === tenantId);
    return tenant?.enabledServices.includes('digital-mail') ? registers(tenant) : undefined;
  };
}

/** The e-forms GraphQL API for the app module: the services and their resolvers. */
export const E_FORMS_PROVIDERS: Provider[] = [
  service(FormAdminService),
  service(FormCatalogService),
  {
    provide: CitizenFormsService,
    useFactory: (database: Database, tenants: TenantDirectory) =>
      new CitizenFormsService(database, tenants, { residents: residentRegisters(tenants) }),
    inject: [Database, TenantDirectory],
  },
  {
    provide: CaseWorkService,
    useFactory: (database: Database, tenants: TenantDirectory) =>
      new CaseWorkService(database, tenants, { residents: residentRegisters(tenants) }),
    inject: [Database, TenantDirectory],
  },
  service(CaseSystemService),
  EFormsPublicResolver,
  EFormsCitizenResolver,
  FormReceiptResolver,
  EFormsAdminResolver,
  EFormsCaseWorkResolver,
  EFormsCaseSystemResolver,
];

/** The e-forms REST routes: the decision document at the link decisions carry, the case systems' interface, and case workers' files. */
export const E_FORMS_CONTROLLERS = [DecisionDocumentController, CaseSystemController, StaffAttachmentController];
