import type { EntityManager } from 'typeorm';
import { Database } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { CASE_COLUMNS, CASE_DETAILS, CasePage, casesOf, CaseView, toCaseView, UUID } from './case-views';
import { casePage, pageArguments } from './case-page';
import { CaseClosedError, CaseNotFoundError, MinasidorValidationError } from './errors';
import { Municipalities } from './municipalities';
import { RepresentedOrganisation, Representations } from './representations';
import { CITIZEN_STATUS_KEYS, CitizenStatus } from './status-labels';

export interface MyCasesQuery {
  first?: number;
  after?: string | null;
  /** A municipality's slug: only its cases. */
  municipality?: string | null;
  /** Citizen-facing statuses to show; default all but drafts. */
  statuses?: CitizenStatus[] | null;
  /** Drafts (status Sparat) are left out unless asked for. */
  includeDrafts?: boolean;
  /** Company mode: an organisationsnummer or organisation party id the person represents. */
  asOrganisation?: string | null;
  /** Acting for another person: the party id of someone the person holds a power of attorney for. */
  asPerson?: string | null;
}

/** Whose cases the caller works with: their own; a company's (an organisationsnummer or party id, or `asOrganisation`); another person's (`asPerson`). */
export type ActingFor = string | null | undefined | { asOrganisation?: string | null; asPerson?: string | null };

export { MAX_PAGE_SIZE } from './case-page';

/** The municipalities a subject's cases may come from, as a JSON parameter for SQL (null: every one). */
const inScope = (subject: RepresentedOrganisation): string | null => (subject.tenantIds ? JSON.stringify(subject.tenantIds) : null);

/**
 * The citizen's own Mina sidor: their cases from every member municipality, read in their
 * subject context (their party id, or a company's they represent) and no tenant context, so
 * row-level security admits their rows and nothing else. Another person's case is NOT_FOUND.
 */
export class CitizenCases {
  constructor(
    private readonly database: Database,
    private readonly municipalities: Municipalities,
    private readonly representations: Representations,
  ) {}

  /** A page of cases, newest activity first, each with its timeline, decisions and messages. */
  async myCases(personPartyId: string, query: MyCasesQuery = {}): Promise<CasePage> {
    const { first, cursor } = pageArguments(query);
    const tenantId = query.municipality ? this.municipalities.bySlug(query.municipality).id : null;
    const wanted = new Set<CitizenStatus>(query.statuses?.length ? query.statuses : CITIZEN_STATUS_KEYS);
    if (!query.includeDrafts) wanted.delete('saved');
    const subject = await this.subjectFor(personPartyId, { asOrganisation: query.asOrganisation, asPerson: query.asPerson });

    const rows = await this.asSubject(subject.partyId, (em) =>
      em
        .query(
          `WITH p AS (
           SELECT ${CASE_COLUMNS} FROM minasidor_case c
            WHERE c.subject_party_id = $1
              AND ($2::timestamptz IS NULL OR (c.updated_at, c.id) < ($2::timestamptz, $3::uuid))
              AND ($4::uuid IS NULL OR c.tenant_id = $4::uuid)
              AND ($7::jsonb IS NULL OR jsonb_exists($7::jsonb, c.tenant_id::text))
              AND EXISTS (SELECT 1 FROM jsonb_array_elements($5::jsonb) f
                           WHERE (f->>'tenantId')::uuid = c.tenant_id
                             AND (jsonb_exists(f->'statuses', c.internal_status)
                                  OR ((f->>'includeUnmapped')::boolean AND NOT jsonb_exists(f->'known', c.internal_status))))
            ORDER BY c.updated_at DESC, c.id DESC
            LIMIT $6)
         SELECT p.*, ${CASE_DETAILS} FROM p ORDER BY p.updated_at DESC, p.id DESC`,
          [
            subject.partyId,
            cursor?.at ?? null,
            cursor?.id ?? null,
            tenantId,
            this.municipalities.statusFilter(wanted),
            first + 1,
            inScope(subject),
          ],
        )
        .then((raw) => casesOf(em, raw)),
    );
    return casePage(rows, first, this.municipalities);
  }

  /** One of the caller's cases; anyone else's (or none) is NOT_FOUND. */
  async myCase(personPartyId: string, caseId: string, acting?: ActingFor): Promise<CaseView> {
    const subject = await this.subjectFor(personPartyId, acting);
    if (!UUID.test(caseId)) throw new CaseNotFoundError();
    const [row] = await this.asSubject(subject.partyId, (em) =>
      em
        .query(
          `WITH p AS (SELECT ${CASE_COLUMNS} FROM minasidor_case c
                     WHERE c.subject_party_id = $1 AND c.id = $2 AND ($3::jsonb IS NULL OR jsonb_exists($3::jsonb, c.tenant_id::text)))
         SELECT p.*, ${CASE_DETAILS} FROM p`,
          [subject.partyId, caseId, inScope(subject)],
        )
        .then((raw) => casesOf(em, raw)),
    );
    if (!row) throw new CaseNotFoundError();
    return toCaseView(row, this.municipalities);
  }

  /** The citizen's reply in a case's thread; refused once the case is closed. */
  async reply(personPartyId: string, caseId: string, body: string, acting?: ActingFor): Promise<CaseView> {
    const trimmed = typeof body === 'string' ? body.trim() : '';
    if (trimmed.length < 1 || trimmed.length > 20000) {
      throw new MinasidorValidationError('A message is 1 to 20 000 characters', [{ field: 'body', message: '1 to 20000 characters' }]);
    }
    const subject = await this.subjectFor(personPartyId, acting);
    await this.inCaseTenant(subject, caseId, async (em, found) => {
      if (this.municipalities.labelsOf(found.tenant_id).statusOf(found.internal_status) === 'closed') throw new CaseClosedError();
      // Inserted only while the case still has the status just checked (it may close meanwhile).
      const inserted = await em.query(
        `INSERT INTO minasidor_message (tenant_id, case_id, subject_party_id, author, author_party_id, body)
         SELECT c.tenant_id, c.id, c.subject_party_id, 'citizen', $4, $5 FROM minasidor_case c
          WHERE c.tenant_id = $1 AND c.id = $2 AND c.subject_party_id = $3 AND c.internal_status = $6
         RETURNING id`,
        [found.tenant_id, caseId, subject.partyId, personPartyId, trimmed, found.internal_status],
      );
      if (inserted.length === 0) throw new CaseClosedError();
      await em.query(`UPDATE minasidor_case SET updated_at = now() WHERE tenant_id = $1 AND id = $2`, [found.tenant_id, caseId]);
    });
    return this.myCase(personPartyId, caseId, acting);
  }

  /** Marks the municipality's messages on a case as read; returns how many were unread. */
  async markMessagesRead(personPartyId: string, caseId: string, acting?: ActingFor): Promise<number> {
    const subject = await this.subjectFor(personPartyId, acting);
    return this.inCaseTenant(subject, caseId, async (em, found) => {
      const [, count] = await em.query(
        `UPDATE minasidor_message SET read_at = now()
          WHERE tenant_id = $1 AND case_id = $2 AND subject_party_id = $3 AND author = 'municipality' AND read_at IS NULL`,
        [found.tenant_id, caseId, subject.partyId],
      );
      return count as number;
    });
  }

  /**
   * The party whose cases the caller sees: themselves (everywhere), or a company or person they
   * may act for now, in the municipalities where Mina ombud confirms it.
   */
  private async subjectFor(personPartyId: string, acting?: ActingFor): Promise<RepresentedOrganisation> {
    const { asOrganisation, asPerson } =
      typeof acting === 'object' && acting !== null ? acting : { asOrganisation: acting, asPerson: null };
    if (asOrganisation && asPerson)
      throw new MinasidorValidationError('Act for a company or for a person, not both', [
        { field: 'asPerson', message: 'not with asOrganisation' },
      ]);
    if (asOrganisation) return this.representations.representedOrganisation(personPartyId, asOrganisation);
    if (asPerson) return this.representations.representedPerson(personPartyId, asPerson);
    return { partyId: personPartyId, tenantIds: null };
  }

  /** A read in the subject context alone: no municipality's tenant context, whatever the request named. */
  private asSubject<T>(subjectId: string, work: (em: EntityManager) => Promise<T>): Promise<T> {
    return requestContext.extend({ tenantId: undefined, tenantSlug: undefined, subjectId }, () => this.database.transaction(work));
  }

  /**
   * A citizen's write on their own case: found in the subject context, then done in the case's
   * municipality's context (the subject policy reads, it never writes), still as that subject.
   */
  private async inCaseTenant<T>(
    subject: RepresentedOrganisation,
    caseId: string,
    work: (em: EntityManager, found: { tenant_id: string; internal_status: string }) => Promise<T>,
  ): Promise<T> {
    if (!UUID.test(caseId)) throw new CaseNotFoundError();
    const [found] = await this.asSubject(subject.partyId, (em) =>
      em.query(
        `SELECT tenant_id, internal_status FROM minasidor_case
          WHERE subject_party_id = $1 AND id = $2 AND ($3::jsonb IS NULL OR jsonb_exists($3::jsonb, tenant_id::text))`,
        [subject.partyId, caseId, inScope(subject)],
      ),
    );
    if (!found) throw new CaseNotFoundError();
    return requestContext.extend({ tenantId: found.tenant_id, subjectId: subject.partyId }, () =>
      this.database.transaction((em) => work(em, found)),
    );
  }
}
