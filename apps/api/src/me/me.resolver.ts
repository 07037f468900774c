import { Field, ID, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { AllowAtAnyAssurance, CurrentPrincipal, Principal, ROLES } from '@kommuna/platform-auth';
import { TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { TenantModel } from '../tenants/tenant.model';
import { toTenantModel } from '../tenants/tenants.resolver';

@ObjectType({ description: 'The caller, as their token describes them' })
export class Me {
  @Field({ description: 'The token subject (stable per realm)' })
  subject!: string;

  @Field(() => [String], {
    description: "The caller's roles in the addressed municipality: citizen, company_representative, case_worker, tenant_admin …",
  })
  roles!: string[];

  @Field(() => [String], { description: 'Keycloak Organizations (municipalities) the caller is staff of' })
  organizations!: string[];

  @Field(() => String, { nullable: true, description: 'Staff unit, for secrecy boundaries' })
  unit!: string | null;

  @Field(() => String, { nullable: true, description: 'Service accounts: the client id' })
  clientId!: string | null;

  @Field(() => ID, { nullable: true, description: 'Citizens and company representatives: the party id their own data is kept under' })
  partyId!: string | null;

  @Field(() => Boolean, { description: 'Whether the token carries a personnummer (the number itself is never returned)' })
  hasPersonnummer!: boolean;

  @Field(() => TenantModel, { nullable: true, description: 'The municipality this request addresses, if any' })
  tenant!: TenantModel | null;
}

@Resolver(() => Me)
export class MeResolver {
  constructor(private readonly directory: TenantDirectory) {}

  // A resident below the required level still learns who they are (and is refused elsewhere with the level to log in at).
  @AllowAtAnyAssurance(...ROLES)
  @Query(() => Me, { description: 'Who am I, in which municipality, with which roles' })
  me(@CurrentPrincipal() principal: Principal): Me {
    const slug = requestContext.peek()?.tenantSlug;
    const tenant = slug ? this.directory.findBySlug(slug) : undefined;
    return {
      subject: principal.subject,
      roles: principal.roles,
      organizations: principal.organizations,
      unit: principal.unit ?? null,
      clientId: principal.clientId ?? null,
      partyId: requestContext.peek()?.subjectId ?? null,
      hasPersonnummer: principal.personnummer !== undefined,
      tenant: tenant ? toTenantModel(tenant) : null,
    };
  }
}
