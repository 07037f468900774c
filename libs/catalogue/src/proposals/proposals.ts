import { z } from 'zod';
import type { EntityManager } from 'typeorm';
import type { Database, TenantDirectory } from '@kommuna/platform-persistence';
import { CATALOGUE_READER_ROLES, CATALOGUE_WRITER_ROLES, CatalogueActor, parseInput } from '../catalogue.service';
import { CatalogueForbiddenError, CatalogueNotFoundError, CatalogueValidationError } from '../errors';
import { stockholmDay } from '../months';

export type ProposalOrigin = 'build' | 'procure' | 'existing';
export type ProposalOutcome = 'accepted' | 'rejected' | 'postponed';
/** Where a proposal stands: open until the steering group decides; then the latest decision's outcome. */
export type ProposalStatus = 'open' | ProposalOutcome;

export interface ProposalInterest {
  municipality: string;
  note: string | null;
  recordedBy: string;
  recordedAt: string;
}

export interface ProposalDecision {
  id: string;
  outcome: ProposalOutcome;
  decidedOn: string;
  diaryNumber: string;
  note: string | null;
  recordedBy: string;
  recordedAt: string;
}

export interface ServiceProposal {
  id: string;
  title: { sv: string; en: string };
  description: { sv: string; en: string };
  origin: ProposalOrigin;
  supplier: string | null;
  estimatedYearlyCostSek: number | null;
  proposedBy: string;
  recordedBy: string;
  recordedAt: string;
  status: ProposalStatus;
  interests: ProposalInterest[];
  /** Oldest first: the history is the record. */
  decisions: ProposalDecision[];
}

const text = (max: number) => z.string().trim().min(1, 'is required').max(max, `at most ${max} characters`);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .nullish()
    .transform((v) => (v ? v : null));

const ProposalInput = z.object({
  title: z.object({ sv: text(200), en: text(200) }),
  description: z.object({ sv: text(4000), en: text(4000) }),
  origin: z.enum(['build', 'procure', 'existing']),
  supplier: optionalText(200),
  estimatedYearlyCostSek: z.number().int('whole kronor').min(0).max(1_000_000_000).nullish(),
  proposedBy: text(63),
});
export type ProposalInput = z.input<typeof ProposalInput>;

const InterestInput = z.object({ proposalId: z.uuid('no such proposal'), municipality: text(63), note: optionalText(2000) });
export type InterestInput = z.input<typeof InterestInput>;

const DecisionInput = z.object({
  proposalId: z.uuid('no such proposal'),
  outcome: z.enum(['accepted', 'rejected', 'postponed']),
  decidedOn: z.iso.date('must be a date YYYY-MM-DD'),
  diaryNumber: text(60),
  note: optionalText(2000),
});
export type ProposalDecisionInput = z.input<typeof DecisionInput>;

interface ProposalRow {
  id: string;
  title_sv: string;
  title_en: string;
  description_sv: string;
  description_en: string;
  origin: ProposalOrigin;
  supplier: string | null;
  estimated_yearly_cost_sek: number | null;
  proposed_by: string;
  recorded_by: string;
  recorded_at: Date | string;
}
interface InterestRow {
  proposal_id: string;
  municipality: string;
  note: string | null;
  recorded_by: string;
  recorded_at: Date | string;
}
interface DecisionRow {
  id: string;
  proposal_id: string;
  outcome: ProposalOutcome;
  decided_on: string;
  diary_number: string;
  note: string | null;
  recorded_by: string;
  recorded_at: Date | string;
}

const iso = (value: Date | string) => new Date(value).toISOString();

/**
 * Services not built here, and proposals (issue 22): a member proposes a shared service — to build
 * here, to procure together, or its own to share — other members register interest, and the
 * steering group decides with a diary number. Read by the steering group and platform admins,
 * written by the steering group (who speak for their municipalities); every record is kept as
 * written, and a later decision stands over an earlier one.
 */
export class ServiceProposals {
  constructor(
    private readonly database: Database,
    private readonly tenants: TenantDirectory,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async list(actor: CatalogueActor): Promise<ServiceProposal[]> {
    assertRole(actor, CATALOGUE_READER_ROLES, 'Proposals are for the steering group and platform administrators');
    return this.database.platformTransaction((em) => this.read(em));
  }

  async propose(actor: CatalogueActor, input: ProposalInput): Promise<ServiceProposal> {
    assertRole(actor, CATALOGUE_WRITER_ROLES, 'Only the steering group records proposals');
    const p = parseInput(ProposalInput, input, 'proposal');
    this.assertMember(p.proposedBy, 'proposedBy');
    if (p.origin === 'build' && p.supplier) {
      throw new CatalogueValidationError('A service built here has no supplier', [
        { field: 'supplier', message: 'only for procure or existing' },
      ]);
    }
    return this.database.platformTransaction(async (em) => {
      const [row]: Array<{ id: string }> = await em.query(
        `INSERT INTO catalogue_proposal (title_sv, title_en, description_sv, description_en, origin, supplier, estimated_yearly_cost_sek, proposed_by, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [
          p.title.sv,
          p.title.en,
          p.description.sv,
          p.description.en,
          p.origin,
          p.supplier,
          p.estimatedYearlyCostSek ?? null,
          p.proposedBy,
          actor.subject.slice(0, 200),
        ],
      );
      return (await this.read(em, row.id))[0];
    });
  }

  async registerInterest(actor: CatalogueActor, input: InterestInput): Promise<ServiceProposal> {
    assertRole(actor, CATALOGUE_WRITER_ROLES, 'Only the steering group records interest');
    const i = parseInput(InterestInput, input, 'interest');
    this.assertMember(i.municipality, 'municipality');
    return this.database.platformTransaction(async (em) => {
      const proposal = await this.openProposal(em, i.proposalId);
      if (proposal.proposedBy === i.municipality)
        throw new CatalogueValidationError('The proposing municipality is interested already', [
          { field: 'municipality', message: `${i.municipality} made the proposal` },
        ]);
      if (proposal.interests.some((x) => x.municipality === i.municipality))
        throw new CatalogueValidationError('This municipality has registered its interest already', [
          { field: 'municipality', message: `${i.municipality} is registered` },
        ]);
      await em.query(`INSERT INTO catalogue_proposal_interest (proposal_id, municipality, note, recorded_by) VALUES ($1, $2, $3, $4)`, [
        i.proposalId,
        i.municipality,
        i.note,
        actor.subject.slice(0, 200),
      ]);
      return (await this.read(em, i.proposalId))[0];
    });
  }

  async decide(actor: CatalogueActor, input: ProposalDecisionInput): Promise<ServiceProposal> {
    assertRole(actor, CATALOGUE_WRITER_ROLES, 'Only the steering group decides on proposals');
    const d = parseInput(DecisionInput, input, 'decision');
    const today = stockholmDay(this.clock());
    if (d.decidedOn > today)
      throw new CatalogueValidationError('A decision cannot be dated in the future', [
        { field: 'decidedOn', message: `is after today (${today})` },
      ]);
    return this.database.platformTransaction(async (em) => {
      // A proposal made on paper may be recorded after the meeting that decided it: no check against its recording date.
      const proposal = await this.find(em, d.proposalId);
      // Accepted and rejected are final; a postponed proposal comes back to a later meeting.
      if (proposal.status === 'accepted' || proposal.status === 'rejected')
        throw new CatalogueValidationError(`The proposal is ${proposal.status} already`, [
          { field: 'proposalId', message: `${proposal.status} (${proposal.decisions.at(-1)?.diaryNumber})` },
        ]);
      await em.query(
        `INSERT INTO catalogue_proposal_decision (proposal_id, outcome, decided_on, diary_number, note, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)`,
        [d.proposalId, d.outcome, d.decidedOn, d.diaryNumber, d.note, actor.subject.slice(0, 200)],
      );
      return (await this.read(em, d.proposalId))[0];
    });
  }

  private async find(em: EntityManager, id: string): Promise<ServiceProposal> {
    const [proposal] = await this.read(em, id);
    if (!proposal) throw new CatalogueNotFoundError('No such proposal');
    return proposal;
  }

  private async openProposal(em: EntityManager, id: string): Promise<ServiceProposal> {
    const proposal = await this.find(em, id);
    if (proposal.status === 'accepted' || proposal.status === 'rejected')
      throw new CatalogueValidationError(`The proposal is ${proposal.status}: interest is no longer taken`, [
        { field: 'proposalId', message: proposal.status },
      ]);
    return proposal;
  }

  /** Every proposal (or one), newest first, with its interest and decisions. */
  private async read(em: EntityManager, id?: string): Promise<ServiceProposal[]> {
    const where = id ? 'WHERE id = $1' : '';
    const params = id ? [id] : [];
    const proposals: ProposalRow[] = await em.query(`SELECT * FROM catalogue_proposal ${where} ORDER BY recorded_at DESC, id`, params);
    if (proposals.length === 0) return [];
    const ids = proposals.map((p) => p.id);
    const interests: InterestRow[] = await em.query(
      `SELECT * FROM catalogue_proposal_interest WHERE proposal_id = ANY($1::uuid[]) ORDER BY recorded_at, municipality`,
      [ids],
    );
    const decisions: DecisionRow[] = await em.query(
      `SELECT id, proposal_id, outcome, to_char(decided_on, 'YYYY-MM-DD') AS decided_on, diary_number, note, recorded_by, recorded_at
         FROM catalogue_proposal_decision WHERE proposal_id = ANY($1::uuid[]) ORDER BY recorded_at, id`,
      [ids],
    );
    return proposals.map((p) => {
      const own = decisions.filter((d) => d.proposal_id === p.id);
      return {
        id: p.id,
        title: { sv: p.title_sv, en: p.title_en },
        description: { sv: p.description_sv, en: p.description_en },
        origin: p.origin,
        supplier: p.supplier,
        estimatedYearlyCostSek: p.estimated_yearly_cost_sek === null ? null : Number(p.estimated_yearly_cost_sek),
        proposedBy: p.proposed_by,
        recordedBy: p.recorded_by,
        recordedAt: iso(p.recorded_at),
        status: own.at(-1)?.outcome ?? 'open',
        interests: interests
          .filter((i) => i.proposal_id === p.id)
          .map((i) => ({ municipality: i.municipality, note: i.note, recordedBy: i.recorded_by, recordedAt: iso(i.recorded_at) })),
        decisions: own.map((d) => ({
          id: d.id,
          outcome: d.outcome,
          decidedOn: d.decided_on,
          diaryNumber: d.diary_number,
          note: d.note,
          recordedBy: d.recorded_by,
          recordedAt: iso(d.recorded_at),
        })),
      };
    });
  }

  private assertMember(slug: string, field: string): void {
    if (!this.tenants.all().some((t) => t.slug === slug))
      throw new CatalogueValidationError(`No member municipality "${slug}"`, [{ field, message: 'is not a member municipality' }]);
  }
}

function assertRole(actor: CatalogueActor, roles: readonly string[], message: string): void {
  if (!actor.roles.some((r) => roles.includes(r))) throw new CatalogueForbiddenError(message);
}
