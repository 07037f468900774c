import { Args, Query, Resolver } from '@nestjs/graphql';
import { Public } from '@kommuna/platform-auth';
import { Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { TenantModel } from './tenant.model';
import { KommunaError } from '@kommuna/shared-service-contracts';

export class TenantRequiredError extends KommunaError {
  readonly code = 'TENANT_REQUIRED';
  readonly status = 400;
  constructor() {
    super('Name a municipality: the slug argument, the X-Kommuna-Tenant header or its host name');
  }
}

export const toTenantModel = (tenant: Tenant): TenantModel => ({
  slug: tenant.slug,
  kommunkod: tenant.kommunkod,
  names: tenant.names,
  enabledServices: tenant.enabledServices,
});

@Public()
@Resolver(() => TenantModel)
export class TenantsResolver {
  constructor(private readonly directory: TenantDirectory) {}

  @Query(() => [TenantModel], { description: 'All member municipalities (public)' })
  tenants(): TenantModel[] {
    return this.directory.all().map(toTenantModel);
  }

  @Query(() => TenantModel, {
    description: 'One municipality by slug, or the one this request addresses (header or host) (public)',
  })
  tenant(
    @Args('slug', {
      nullable: true,
      type: () => String,
      description: "The municipality's slug; null: the municipality the request addresses",
    })
    slug?: string | null,
  ): TenantModel {
    const wanted = slug ?? requestContext.peek()?.tenantSlug;
    if (!wanted) throw new TenantRequiredError();
    return toTenantModel(this.directory.get(wanted));
  }
}
