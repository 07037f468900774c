import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ServiceProposals } from '@kommuna/catalogue';
import { Allow, CurrentPrincipal, Principal } from '@kommuna/platform-auth';
import {
  CatalogueProposal,
  CatalogueProposalDecisionInput,
  CatalogueProposalInput,
  CatalogueProposalInterestInput,
} from './proposals.models';

const actor = (p: Principal) => ({ subject: p.subject, roles: p.roles });

/**
 * Proposals for shared services and services not built here (docs/catalogue.md): the steering
 * group and platform admins read them, the steering group records proposals, interest and decisions.
 */
@Resolver()
export class ProposalsResolver {
  constructor(private readonly proposals: ServiceProposals) {}

  @Allow('steering_group', 'platform_admin')
  @Query(() => [CatalogueProposal], { description: 'Every proposal, newest first, with interest and decisions' })
  catalogueProposals(@CurrentPrincipal() principal: Principal): Promise<CatalogueProposal[]> {
    return this.proposals.list(actor(principal));
  }

  @Allow('steering_group')
  @Mutation(() => CatalogueProposal, { description: 'Record a member’s proposal for a shared service' })
  proposeService(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { description: 'The proposal' }) input: CatalogueProposalInput,
  ): Promise<CatalogueProposal> {
    return this.proposals.propose(actor(principal), input);
  }

  @Allow('steering_group')
  @Mutation(() => CatalogueProposal, { description: 'Record another member’s interest in an open or postponed proposal' })
  registerProposalInterest(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { description: 'The proposal and the interested member' }) input: CatalogueProposalInterestInput,
  ): Promise<CatalogueProposal> {
    return this.proposals.registerInterest(actor(principal), input);
  }

  @Allow('steering_group')
  @Mutation(() => CatalogueProposal, { description: "Record the steering group's decision on a proposal, with its diary number" })
  decideProposal(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { description: 'The proposal, the outcome, its date and diary number' }) input: CatalogueProposalDecisionInput,
  ): Promise<CatalogueProposal> {
    return this.proposals.decide(actor(principal), input);
  }
}
