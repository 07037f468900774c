import type { ApiClient } from '@kommuna/platform-page-server';

// What the pages read from the api. Every figure across municipalities is an aggregate the api
// computed; the portal only formats it.

const L = '{ sv en }';
const SERVICE_FIELDS = `id name ${L} shortDescription ${L} longDescription ${L} features { sv en } domain { id name ${L} }
  ownerTeam ownerEmail url license status declaredStatus stableMinProduction version packageName
  changelog { version changes { kind text } } maintenance { type contractor until } dependencies { name kind optional }
  hypotheses { id metric name ${L} low high unit sekPerHour source basis confidence }
  cost { budgets { year budgetSek } allocationKey usageMetric } adoption { slug names ${L} stage pilotingFrom productionFrom leftOn } metrics { id name ${L} }
  latestDecision { toStatus decidedOn diaryNumber }`;
const BENEFIT_FIELDS = `hypothesis { id metric name ${L} low high unit sekPerHour source basis confidence }
  months { month usage estimatedLowSek estimatedHighSek estimatedLowHours estimatedHighHours followedUpSek }
  totalUsage totalEstimatedLowSek totalEstimatedHighSek totalEstimatedLowHours totalEstimatedHighHours totalFollowedUpSek`;

export interface Me {
  subject: string;
  roles: string[];
}

// The shapes below are what the queries in this file select (the api's catalogue schema,
// apps/api/src/catalogue/catalogue.models.ts); a field the pages read must be selected here.

export interface Localized {
  sv: string;
  en: string;
}

export interface TenantName {
  slug: string;
  names: Localized;
}

export interface CatalogueMetric {
  id: string;
  name: Localized;
}

export interface Hypothesis {
  id: string;
  metric: string;
  name: Localized;
  low: number;
  high: number;
  unit: string;
  sekPerHour: number | null;
  source: string;
  /** measured, members_estimate or assumption. */
  basis: string;
  confidence: string;
}

/** A shared service as SERVICE_FIELDS selects it. */
export interface CatalogueService {
  id: string;
  name: Localized;
  shortDescription: Localized;
  longDescription: Localized;
  features: { sv: string[]; en: string[] };
  domain: { id: string; name: Localized };
  ownerTeam: string;
  ownerEmail: string;
  url: string;
  license: string;
  status: string;
  declaredStatus: string;
  stableMinProduction: number;
  version: string;
  packageName: string;
  changelog: Array<{ version: string; changes: Array<{ kind: string; text: string }> }>;
  maintenance: { type: string; contractor: string | null; until: string | null };
  dependencies: Array<{ name: string; kind: string; optional: boolean }>;
  hypotheses: Hypothesis[];
  cost: { budgets: Array<{ year: number; budgetSek: number }>; allocationKey: string; usageMetric: string | null };
  adoption: Array<{
    slug: string;
    names: Localized;
    stage: string;
    pilotingFrom: string | null;
    productionFrom: string | null;
    leftOn: string | null;
  }>;
  metrics: CatalogueMetric[];
  latestDecision: { toStatus: string; decidedOn: string; diaryNumber: string } | null;
}

export interface ServiceCosts {
  service: string;
  /** null: no budget decided for the year. */
  budgetSek: number | null;
  allocationKey: string;
  appliedKey: string;
  /** The decision that closed the year, when one did: the figures are those decided. */
  closed: { decidedOn: string; diaryNumber: string } | null;
}

export interface CostShare {
  slug: string;
  names: Localized;
  months: number;
  basis: number;
  amountSek: number;
}

export interface BenefitTotals {
  totalEstimatedLowSek: number;
  totalEstimatedHighSek: number;
  totalFollowedUpSek: number | null;
}

export interface BenefitMonth {
  month: string;
  usage: number;
  estimatedLowSek: number;
  estimatedHighSek: number;
  /** Hours saved; null when the hypothesis is in kronor, not time. */
  estimatedLowHours: number | null;
  estimatedHighHours: number | null;
  followedUpSek: number | null;
}

export interface HypothesisBenefit extends BenefitTotals {
  hypothesis: Hypothesis;
  months: BenefitMonth[];
  totalUsage: number;
  /** Hours saved over the period; null when the hypothesis is in kronor, not time. */
  totalEstimatedLowHours: number | null;
  totalEstimatedHighHours: number | null;
}

export interface FollowUp {
  id: string;
  hypothesisId: string;
  periodStart: string;
  periodEnd: string;
  measuredValue: number;
  unit: string;
  measuredOn: string;
  source: string;
  note: string | null;
  recordedBy: string;
}

export interface Decision {
  id: string;
  fromStatus: string;
  toStatus: string;
  decidedOn: string;
  diaryNumber: string;
  recordedBy: string;
  recordedAt: string;
}

/** A service at one municipality: its stage (null when not used), share, use and benefit. */
export interface MunicipalityService {
  service: string;
  name: Localized;
  stage: string | null;
  costSek: number | null;
  /** partial: months with fewer than 5 are left out of the count. */
  usage: Array<{ metric: string; count: number; partial: boolean }>;
  estimatedLowSek: number;
  estimatedHighSek: number;
}

export interface Municipality {
  slug: string;
  names: Localized;
  kommunkod: string;
  population: number | null;
  year: number;
  totalCostSek: number;
  months: string[];
  services: MunicipalityService[];
}

/** The catalogue page: every service, its costs for the year and its benefit totals per hypothesis. */
export interface CatalogueView {
  me: Me;
  catalogueDemo: boolean;
  tenants: TenantName[];
  catalogueServices: CatalogueService[];
  catalogueCosts: ServiceCosts[];
  benefits: Record<string, BenefitTotals[]>;
}

export interface ServiceView {
  me: Me;
  catalogueDemo: boolean;
  catalogueService: CatalogueService;
  catalogueCosts: Array<Omit<ServiceCosts, 'service'> & { shares: CostShare[] }>;
  catalogueBenefits: HypothesisBenefit[];
  catalogueFollowUps: FollowUp[];
  catalogueDecisions: Decision[];
}

export interface MunicipalityView {
  me: Me;
  catalogueDemo: boolean;
  catalogueServices: Array<Pick<CatalogueService, 'id' | 'metrics'>>;
  catalogueMunicipality: Municipality;
}

export interface MeetingPackData {
  catalogueDemo: boolean;
  tenants: TenantName[];
  catalogueServices: Array<
    Pick<CatalogueService, 'id' | 'name' | 'status' | 'version' | 'metrics'> & {
      cost: Pick<CatalogueService['cost'], 'allocationKey'>;
      adoption: Array<{ slug: string; stage: string }>;
    }
  >;
  catalogueCosts: Array<ServiceCosts & { shares: Array<Pick<CostShare, 'slug' | 'amountSek'>> }>;
  municipalities: Array<
    Pick<Municipality, 'slug' | 'names' | 'population' | 'months'> & { services: Array<Omit<MunicipalityService, 'name'>> }
  >;
  /** Per service, each benefit hypothesis's estimate and followed-up benefit over the year, all members together. */
  benefits: Record<string, Array<BenefitTotals & { hypothesis: { id: string; name: { sv: string; en: string }; basis: string } }>>;
  /** Proposals awaiting the steering group (open or postponed). */
  catalogueProposals: Array<Pick<ProposalView, 'title' | 'status' | 'proposedBy'> & { interests: Array<{ municipality: string }> }>;
}

/** A year's months as the api's from/to take them: benefit follows the year chosen. */
const yearPeriod = (year: number) => ({ from: `${year}-01`, to: `${year}-12` });

export class PortalData {
  constructor(private readonly api: ApiClient) {}

  /** The api's GraphQL for the logged-in steering group member (the portal addresses no municipality). */
  private query<T>(token: string, query: string, variables?: Record<string, unknown>): Promise<T> {
    return this.api.query<T>({ accessToken: token }, query, variables);
  }

  async catalogue(token: string, year: number): Promise<CatalogueView> {
    const data = await this.query<Omit<CatalogueView, 'benefits'>>(
      token,
      `query($y: Int!) { me { subject roles } catalogueDemo tenants { slug names ${L} } catalogueServices { ${SERVICE_FIELDS} }
        catalogueCosts(year: $y) { service budgetSek allocationKey appliedKey closed { decidedOn diaryNumber } } }`,
      { y: year },
    );
    const benefits = await Promise.all(
      data.catalogueServices.map((s) =>
        this.query<{ catalogueBenefits: BenefitTotals[] }>(
          token,
          `query($id: ID!, $from: String!, $to: String!) { catalogueBenefits(service: $id, from: $from, to: $to) { totalEstimatedLowSek totalEstimatedHighSek totalFollowedUpSek } }`,
          { id: s.id, ...yearPeriod(year) },
        ),
      ),
    );
    return { ...data, benefits: Object.fromEntries(data.catalogueServices.map((s, i) => [s.id, benefits[i].catalogueBenefits])) };
  }

  service(token: string, id: string, year: number): Promise<ServiceView> {
    return this.query<ServiceView>(
      token,
      `query($id: ID!, $y: Int!, $from: String!, $to: String!) { me { subject roles } catalogueDemo catalogueService(id: $id) { ${SERVICE_FIELDS} }
        catalogueCosts(year: $y, service: $id) { budgetSek allocationKey appliedKey closed { decidedOn diaryNumber } shares { slug names ${L} months basis amountSek } }
        catalogueBenefits(service: $id, from: $from, to: $to) { ${BENEFIT_FIELDS} }
        catalogueFollowUps(service: $id) { id hypothesisId periodStart periodEnd measuredValue unit measuredOn source note recordedBy }
        catalogueDecisions(service: $id) { id fromStatus toStatus decidedOn diaryNumber recordedBy recordedAt } }`,
      { id, y: year, ...yearPeriod(year) },
    );
  }

  municipality(token: string, slug: string, year: number): Promise<MunicipalityView> {
    return this.query<MunicipalityView>(
      token,
      `query($slug: String!, $y: Int!) { me { subject roles } catalogueDemo catalogueServices { id metrics { id name ${L} } }
        catalogueMunicipality(slug: $slug, year: $y) { slug names ${L} kommunkod population year totalCostSek months
          services { service name ${L} stage costSek usage { metric count partial } estimatedLowSek estimatedHighSek } } }`,
      { slug, y: year },
    );
  }

  /** Everything the meeting pack holds: services, costs, and each municipality's figures. */
  async meetingPack(token: string, year: number): Promise<MeetingPackData> {
    const base = await this.query<Omit<MeetingPackData, 'municipalities' | 'benefits'>>(
      token,
      `query($y: Int!) { catalogueDemo catalogueProposals { title ${L} status proposedBy interests { municipality } } tenants { slug names ${L} } catalogueServices { id name ${L} status version cost { allocationKey } adoption { slug stage } metrics { id name ${L} } }
        catalogueCosts(year: $y) { service budgetSek allocationKey appliedKey closed { decidedOn diaryNumber } shares { slug amountSek } } }`,
      { y: year },
    );
    const municipalities = await Promise.all(
      base.tenants.map((tenant) =>
        this.query<{ catalogueMunicipality: MeetingPackData['municipalities'][number] }>(
          token,
          `query($slug: String!, $y: Int!) { catalogueMunicipality(slug: $slug, year: $y) { slug names ${L} population months
              services { service stage costSek usage { metric count partial } estimatedLowSek estimatedHighSek } } }`,
          { slug: tenant.slug, y: year },
        ).then((d) => d.catalogueMunicipality),
      ),
    );
    const benefits = await Promise.all(
      base.catalogueServices.map((s) =>
        this.query<{ catalogueBenefits: MeetingPackData['benefits'][string] }>(
          token,
          `query($id: ID!, $from: String!, $to: String!) { catalogueBenefits(service: $id, from: $from, to: $to) {
            hypothesis { id name ${L} basis } totalEstimatedLowSek totalEstimatedHighSek totalFollowedUpSek } }`,
          { id: s.id, ...yearPeriod(year) },
        ),
      ),
    );
    return {
      ...base,
      municipalities,
      benefits: Object.fromEntries(base.catalogueServices.map((s, i) => [s.id, benefits[i].catalogueBenefits])),
    };
  }

  recordFollowUp(token: string, input: Record<string, unknown>): Promise<{ recordBenefitFollowUp: { id: string } }> {
    return this.query(token, `mutation($i: CatalogueFollowUpInput!) { recordBenefitFollowUp(input: $i) { id } }`, { i: input });
  }

  recordDecision(token: string, input: Record<string, unknown>): Promise<{ recordStatusDecision: { id: string } }> {
    return this.query(token, `mutation($i: CatalogueDecisionInput!) { recordStatusDecision(input: $i) { id } }`, { i: input });
  }

  publiccode(token: string, id: string): Promise<string> {
    return this.query<{ cataloguePubliccode: string }>(token, `query($id: ID!) { cataloguePubliccode(service: $id) }`, { id }).then(
      (d) => d.cataloguePubliccode,
    );
  }

  proposals(token: string): Promise<ProposalsView> {
    return this.query<ProposalsView>(
      token,
      `{ me { subject roles } tenants { slug names ${L} } catalogueProposals { id title ${L} description ${L} origin supplier estimatedYearlyCostSek
        proposedBy recordedAt status interests { municipality note } decisions { outcome decidedOn diaryNumber note } } }`,
    );
  }

  propose(token: string, input: Record<string, unknown>): Promise<unknown> {
    return this.query(token, `mutation($i: CatalogueProposalInput!) { proposeService(input: $i) { id } }`, { i: input });
  }

  registerInterest(token: string, input: Record<string, unknown>): Promise<unknown> {
    return this.query(token, `mutation($i: CatalogueProposalInterestInput!) { registerProposalInterest(input: $i) { id } }`, {
      i: input,
    });
  }

  decideProposal(token: string, input: Record<string, unknown>): Promise<unknown> {
    return this.query(token, `mutation($i: CatalogueProposalDecisionInput!) { decideProposal(input: $i) { id } }`, { i: input });
  }
}

export interface ProposalView {
  id: string;
  title: Localized;
  description: Localized;
  origin: 'build' | 'procure' | 'existing';
  supplier: string | null;
  estimatedYearlyCostSek: number | null;
  proposedBy: string;
  recordedAt: string;
  status: 'open' | 'accepted' | 'rejected' | 'postponed';
  interests: Array<{ municipality: string; note: string | null }>;
  decisions: Array<{ outcome: string; decidedOn: string; diaryNumber: string; note: string | null }>;
}

export interface ProposalsView {
  me: { subject: string; roles: string[] };
  tenants: TenantName[];
  catalogueProposals: ProposalView[];
}
