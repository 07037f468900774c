import { DynamicModule, Module } from '@nestjs/common';
import { CATALOGUE_SERVICE, CatalogueService, ServiceProposals } from '@kommuna/catalogue';
import type { PlatformRuntime } from '../platform-runtime';
import { catalogueOf } from './catalogue-runtime';
import { CatalogueResolver } from './catalogue.resolver';
import { ProposalsResolver } from './proposals.resolver';
import { PubliccodeController } from './publiccode.controller';

/** The steering group's catalogue: GraphQL and the public publiccode.yml export. */
@Module({})
export class CatalogueApiModule {
  static forRoot(runtime: PlatformRuntime): DynamicModule {
    return {
      module: CatalogueApiModule,
      controllers: [PubliccodeController],
      providers: [
        { provide: CatalogueService, useValue: catalogueOf(runtime) },
        { provide: ServiceProposals, useValue: runtime.services.of(CATALOGUE_SERVICE).proposals() },
        CatalogueResolver,
        ProposalsResolver,
      ],
    };
  }
}
