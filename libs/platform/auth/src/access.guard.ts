import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import { TenantDirectory, UnknownTenantError } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { ACCESS_RULE, AccessRule, CITIZEN_ROLES, ForbiddenError, TENANT_SCOPED_ROLES } from './access';
import { residentAssuranceProblem } from './assurance';
import { Principal } from './principal';
import { Authentication, Authenticator } from './authenticator';
import { AuthenticationError } from './token-verifier';
import { TrustedRealms } from './trusted-realms';

export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  /** Set once per request (by the api's request hook, or here on first use). */
  authentication?: Authentication;
  principal?: Principal;
}

export function requestOf(context: ExecutionContext): AuthenticatedRequest {
  if (context.getType<GqlContextType>() === 'graphql') return GqlExecutionContext.create(context).getContext().req;
  return context.switchToHttp().getRequest();
}

/**
 * The one gate in front of every resolver and route: no access rule means no access (fail
 * closed); a rule with roles needs a verified token holding one, and staff roles only count in
 * the municipality they belong to, issued by that municipality's realm.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly tenants: TenantDirectory,
    private readonly realms: TrustedRealms,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [context.getHandler(), context.getClass()]);
    if (!rule) throw new ForbiddenError('This entry point has no access rule');
    const request = requestOf(context);
    if (rule.kind === 'public') {
      // Anyone may come without a token; a resident who acts in their own name here (a submission)
      // needs the municipality's e-legitimation level like at any citizen entry point.
      if (rule.residentsAtLevel && request.headers.authorization !== undefined) {
        request.authentication ??= await this.authenticator.authenticate(request.headers.authorization);
        const { principal } = request.authentication;
        const problem =
          principal?.partyId !== undefined
            ? residentAssuranceProblem(principal, this.tenants, requestContext.peek()?.tenantSlug)
            : undefined;
        if (problem) throw problem;
      }
      return true;
    }

    request.authentication ??= await this.authenticator.authenticate(request.headers.authorization);
    const { principal, error } = request.authentication;
    if (!principal) throw error ?? new AuthenticationError('missing');

    // Staff roles count only in the municipality the caller belongs to; the resolver sees the
    // roles that hold here, so a case worker of one municipality is a plain citizen in another.
    const tenantScoped = principal.roles.filter((role) => TENANT_SCOPED_ROLES.includes(role));
    const membershipProblem = tenantScoped.length > 0 ? this.membershipProblem(principal) : undefined;
    const roles = membershipProblem ? principal.roles.filter((role) => !TENANT_SCOPED_ROLES.includes(role)) : principal.roles;
    if (!roles.some((role) => rule.roles.includes(role))) {
      const staffOnly = membershipProblem && tenantScoped.some((role) => rule.roles.includes(role));
      throw staffOnly ? membershipProblem : new ForbiddenError('Your roles do not allow this');
    }

    // A resident (no other role of theirs opens this entry point) needs the e-legitimation level
    // the municipality requires; staff and systems are vouched for by their Organization instead.
    const residentOnly = roles.filter((role) => rule.roles.includes(role)).every((role) => CITIZEN_ROLES.includes(role));
    if (residentOnly && !rule.anyAssurance) {
      const problem = residentAssuranceProblem(principal, this.tenants, requestContext.peek()?.tenantSlug);
      if (problem) throw problem;
    }

    request.principal = { ...principal, roles };
    return true;
  }

  /** Why the caller's staff roles do not hold for the addressed municipality, if they don't. */
  private membershipProblem(principal: Principal): Error | undefined {
    const slug = requestContext.peek()?.tenantSlug;
    if (!slug) return new ForbiddenError('Name the municipality you act for (X-Kommuna-Tenant header or its host name)');
    const tenant = this.tenants.findBySlug(slug);
    if (!tenant) return new UnknownTenantError(slug);
    const member =
      principal.issuer === this.realms.realmUrlOf(tenant.slug) && principal.organizations.includes(tenant.config.auth.organization);
    return member ? undefined : new ForbiddenError(`You are not a member of ${tenant.names.en}`);
  }
}
