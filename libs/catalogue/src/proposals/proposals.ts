import { z } from 'zod';
import type { EntityManager } from 'typeorm';
import { rowsOf, selectRows, type Database, type TenantDirectory } from '@kommuna/platform-persistence';
import { stockholmDay } from '@kommuna/shared-identifiers';
import { ProposalDecisionEntity } from '../entities/proposal-decision.entity';
import { ProposalInterestEntity } from '../entities/proposal-interest.entity';
import { ProposalEntity } from '../entities/proposal.entity';
import { CATALOGUE_READER_ROLES, CATALOGUE_WRITER_ROLES, CatalogueActor, parseInput } from '../catalogue.service';
import { CatalogueForbiddenError, CatalogueNotFoundError, CatalogueValidationError } from '../errors';

export type ProposalOrigin = ProposalEntity['origin'];
export type ProposalOutcome = ProposalDecisionEntity['outcome'];
/** Where a proposal stands: open until the steering group decides; then the latest decision's outcome. */
export type ProposalStatus = 'open' | ProposalOutcome;

const INTEREST_FIELDS = ['proposalId', 'municipality', 'note', 'recordedBy', 'recordedAt'] as const;
export type ProposalInterest = Pick<ProposalInterestEntity, 'municipality' | 'note' | 'recordedBy' | 'recordedAt'>;

const DECISION_FIELDS = ['id', 'proposalId', 'outcome', 'decidedOn', 'diaryNumber', 'note', 'recordedBy', 'recordedAt'] as const;
export type ProposalDecision = Pick<
  ProposalDecisionEntity,
  'id' | 'outcome' | 'decidedOn' | 'diaryNumber' | 'note' | 'recordedBy' | 'recordedAt'
>;

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
      return this.find(em, row.id);
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
      return this.find(em, i.proposalId);
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
      return this.find(em, d.proposalId);
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
    const proposals = rowsOf(
      em,
      ProposalEntity,
      await em.query(`SELECT * FROM catalogue_proposal ${where} ORDER BY recorded_at DESC, id`, params),
    );
    if (proposals.length === 0) return [];
    const ids = proposals.map((p) => p.id);
    const interests = await selectRows(
      em,
      ProposalInterestEntity,
      INTEREST_FIELDS,
      `FROM catalogue_proposal_interest
          WHERE proposal_id = ANY($1::uuid[]) ORDER BY recorded_at, municipality`,
      [ids],
    );
    const decisions = await selectRows(
      em,
      ProposalDecisionEntity,
      DECISION_FIELDS,
      `FROM catalogue_proposal_decision
          WHERE proposal_id = ANY($1::uuid[]) ORDER BY recorded_at, id`,
      [ids],
    );
    return proposals.map((p) => {
      const own = decisions.filter((d) => d.proposalId === p.id).map(({ proposalId: _, ...decision }) => decision);
      return {
        id: p.id,
        title: { sv: p.titleSv, en: p.titleEn },
        description: { sv: p.descriptionSv, en: p.descriptionEn },
        origin: p.origin,
        supplier: p.supplier,
        estimatedYearlyCostSek: p.estimatedYearlyCostSek,
        proposedBy: p.proposedBy,
        recordedBy: p.recordedBy,
        recordedAt: p.recordedAt,
        status: own.at(-1)?.outcome ?? 'open',
        interests: interests.filter((i) => i.proposalId === p.id).map(({ proposalId: _, ...interest }) => interest),
        decisions: own,
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
