import { ApiClient } from './http/api-client';

// What the pages read from the api. Every figure across municipalities is an aggregate the api
// computed; the portal only formats it.

const L = '{ sv en }';
const SERVICE_FIELDS = `id name ${L} shortDescription ${L} longDescription ${L} features { sv en } domain { id name ${L} }
  ownerTeam ownerEmail url license status declaredStatus stableMinProduction version packageName
  changelog { version changes { kind text } } maintenance { type contractor until } dependencies { name kind optional }
  hypotheses { id metric name ${L} low high unit sekPerHour source confidence }
  cost { yearlyBudgetSek allocationKey usageMetric } adoption { slug names ${L} stage } metrics { id name ${L} }
  latestDecision { toStatus decidedOn diaryNumber }`;
const BENEFIT_FIELDS = `hypothesis { id metric name ${L} low high unit sekPerHour source confidence }
  months { month usage estimatedLowSek estimatedHighSek followedUpSek } totalUsage totalEstimatedLowSek totalEstimatedHighSek totalFollowedUpSek`;

export interface Me {
  subject: string;
  roles: string[];
}

export class PortalData {
  constructor(private readonly api: ApiClient) {}

  async catalogue(token: string, year: number) {
    const data = await this.api.query(
      token,
      `query($y: Int!) { me { subject roles } tenants { slug names ${L} } catalogueServices { ${SERVICE_FIELDS} }
        catalogueCosts(year: $y) { service budgetSek allocationKey appliedKey } }`,
      { y: year },
    );
    const benefits = await Promise.all(
      data.catalogueServices.map((s: { id: string }) =>
        this.api.query(token, `query($id: ID!) { catalogueBenefits(service: $id) { totalEstimatedLowSek totalEstimatedHighSek totalFollowedUpSek } }`, { id: s.id }),
      ),
    );
    return { ...data, benefits: Object.fromEntries(data.catalogueServices.map((s: { id: string }, i: number) => [s.id, benefits[i].catalogueBenefits])) };
  }

  service(token: string, id: string, year: number) {
    return this.api.query(
      token,
      `query($id: ID!, $y: Int!) { me { subject roles } catalogueService(id: $id) { ${SERVICE_FIELDS} }
        catalogueCosts(year: $y, service: $id) { budgetSek allocationKey appliedKey shares { slug names ${L} basis amountSek } }
        catalogueBenefits(service: $id) { ${BENEFIT_FIELDS} }
        catalogueFollowUps(service: $id) { id hypothesisId periodStart periodEnd measuredValue unit measuredOn source note recordedBy }
        catalogueDecisions(service: $id) { id fromStatus toStatus decidedOn diaryNumber recordedBy recordedAt } }`,
      { id, y: year },
    );
  }

  municipality(token: string, slug: string, year: number) {
    return this.api.query(
      token,
      `query($slug: String!, $y: Int!) { me { subject roles } catalogueServices { id metrics { id name ${L} } }
        catalogueMunicipality(slug: $slug, year: $y) { slug names ${L} kommunkod population year totalCostSek months
          services { service name ${L} stage costSek usage { metric count } estimatedLowSek estimatedHighSek } } }`,
      { slug, y: year },
    );
  }

  /** Everything the meeting pack holds: services, costs, and each municipality's figures. */
  async meetingPack(token: string, year: number) {
    const base = await this.api.query(
      token,
      `query($y: Int!) { tenants { slug names ${L} } catalogueServices { id name ${L} status version cost { yearlyBudgetSek allocationKey } adoption { slug stage } metrics { id name ${L} } }
        catalogueCosts(year: $y) { service budgetSek allocationKey appliedKey shares { slug amountSek } } }`,
      { y: year },
    );
    const municipalities = await Promise.all(
      base.tenants.map((tenant: { slug: string }) =>
        this.api
          .query(
            token,
            `query($slug: String!, $y: Int!) { catalogueMunicipality(slug: $slug, year: $y) { slug names ${L} population months
              services { service stage costSek usage { metric count } estimatedLowSek estimatedHighSek } } }`,
            { slug: tenant.slug, y: year },
          )
          .then((d) => d.catalogueMunicipality),
      ),
    );
    return { ...base, municipalities };
  }

  recordFollowUp(token: string, input: Record<string, unknown>) {
    return this.api.query(token, `mutation($i: CatalogueFollowUpInput!) { recordBenefitFollowUp(input: $i) { id } }`, { i: input });
  }

  recordDecision(token: string, input: Record<string, unknown>) {
    return this.api.query(token, `mutation($i: CatalogueDecisionInput!) { recordStatusDecision(input: $i) { id } }`, { i: input });
  }

  publiccode(token: string, id: string): Promise<string> {
    return this.api.query(token, `query($id: ID!) { cataloguePubliccode(service: $id) }`, { id }).then((d) => d.cataloguePubliccode);
  }
}
