import type { EntityManager } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { appendAuditEntry, auditActor } from '@kommuna/platform-audit';
import { Database, rowOf, rowsOf } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { CASE_COLUMNS, CASE_DETAILS, CasePage, casesOf, CaseView, toCaseView, UUID } from './case-views';
import { CaseNotFoundError, MinasidorValidationError, UnitRequiredError } from './errors';
import { CaseIntake, EFORMS_SOURCE } from './case-intake';
import { Municipalities } from './municipalities';
import { casePage, pageArguments } from './case-page';
import { CaseEntity } from './entities/case.entity';
import { StaffCaseReadEntity } from './entities/staff-case-read.entity';

/** A member of staff as the staff view needs them (from the verified token). */
export interface StaffMember {
  /** The token subject, recorded with every case read. */
  subject: string;
  /** The unit they work in: they see that unit's cases only (secrecy boundary). */
  unit?: string | null;
}

/** Who read a case, when. */
export type StaffCaseRead = Pick<StaffCaseReadEntity, 'staffSubject' | 'staffUnit' | 'readAt'>;

/**
 * The municipality's staff view: a case worker sees their own municipality's cases of their
 * own unit (a school case worker never sees a social-services case); every read of a single
 * case is recorded, in the same transaction, as who read which case when.
 */
export class StaffCases {
  constructor(
    private readonly database: Database,
    private readonly municipalities: Municipalities,
    private readonly intake?: CaseIntake,
  ) {}

  /**
   * The case of an e-forms submission, when its unit is the staff member's (the read is recorded as
   * any other); null until Mina sidor has it, and for another unit's submission.
   */
  async readSubmissionCase(staff: StaffMember, submissionId: string): Promise<CaseView | null> {
    const unit = this.unitOf(staff);
    if (!UUID.test(submissionId)) return null;
    const [found]: Array<{ id: string }> = await this.database.transaction((em) =>
      em.query(`SELECT id FROM minasidor_case WHERE tenant_id = $1 AND source = $2 AND external_case_id = $3 AND unit = $4`, [
        requestContext.tenantId(),
        EFORMS_SOURCE,
        submissionId,
        unit,
      ]),
    );
    return found ? this.read(staff, found.id) : null;
  }

  /**
   * A case worker writes to the resident on a case of their unit: the message joins the case's
   * thread in Mina sidor and the resident gets a notice, as a system's message would; audited.
   * Another unit's case is not found.
   */
  async message(staff: StaffMember, caseId: string, body: string): Promise<CaseView> {
    const unit = this.unitOf(staff);
    const text = typeof body === 'string' ? body.trim() : '';
    if (text.length < 1 || text.length > 20000)
      throw new MinasidorValidationError('A message is 1 to 20000 characters', [{ field: 'body', message: '1 to 20000 characters' }]);
    if (!this.intake) throw new Error('StaffCases was built without the case intake: it cannot write messages');
    const intake = this.intake;
    if (!UUID.test(caseId)) throw new CaseNotFoundError();
    await this.database.transaction(async (em) => {
      const key = rowOf(
        em,
        CaseEntity,
        await em.query(`SELECT source, external_case_id FROM minasidor_case WHERE tenant_id = $1 AND id = $2 AND unit = $3`, [
          requestContext.tenantId(),
          caseId,
          unit,
        ]),
        ['source', 'externalCaseId'],
      );
      if (!key) throw new CaseNotFoundError();
      const row = await intake.lockCase(em, key);
      await intake.postMessageIn(em, row, { body: text, externalMessageId: `staff:${randomUUID()}` });
      await auditCase(em, staff, 'minasidor.case.message.sent', { id: caseId, unit, errandNumber: row.errandNumber });
    });
    return this.read(staff, caseId);
  }

  async list(staff: StaffMember, query: { first?: number; after?: string | null } = {}): Promise<CasePage> {
    const unit = this.unitOf(staff);
    const { first, cursor } = pageArguments(query);
    const tenantId = requestContext.tenantId();
    // The page's keys first, from IDX_minasidor_case_unit alone (it holds the subject column the
    // row-level security policy reads), newest first, stopping after the page; then those rows.
    // Asked for whole rows at once, the planner, unable to estimate the policy's OR, read every
    // case of the unit and sorted them (13,907 rows for a page of 21 in Stockholm at 0.05 scale).
    // With a cursor the row comparison is an index condition: a later page starts where it left off.
    const after = cursor ? `AND (c.updated_at, c.id) < ($4::timestamptz, $5::uuid)` : '';
    const rows = await this.database.transaction((em) =>
      em
        .query(
          `WITH page AS (
           SELECT c.tenant_id, c.id FROM minasidor_case c
            WHERE c.tenant_id = $1 AND c.unit = $2 ${after}
            ORDER BY c.updated_at DESC, c.id DESC LIMIT $3)
         SELECT ${CASE_COLUMNS} FROM page JOIN minasidor_case c ON c.tenant_id = page.tenant_id AND c.id = page.id
          ORDER BY c.updated_at DESC, c.id DESC`,
          [tenantId, unit, first + 1, ...(cursor ? [cursor.at, cursor.id] : [])],
        )
        .then((raw) => casesOf(em, raw)),
    );
    return casePage(rows, first, this.municipalities);
  }

  /** One case of the staff member's unit, with its details; the read is recorded. */
  async read(staff: StaffMember, caseId: string): Promise<CaseView> {
    const unit = this.unitOf(staff);
    if (!UUID.test(caseId)) throw new CaseNotFoundError();
    const tenantId = requestContext.tenantId();
    return this.database.transaction(async (em) => {
      const [row] = casesOf(
        em,
        await em.query(
          `WITH p AS (SELECT ${CASE_COLUMNS} FROM minasidor_case c WHERE c.tenant_id = $1 AND c.id = $2 AND c.unit = $3)
         SELECT p.*, ${CASE_DETAILS} FROM p`,
          [tenantId, caseId, unit],
        ),
      );
      if (!row) throw new CaseNotFoundError();
      await em.query(`INSERT INTO minasidor_staff_case_read (tenant_id, case_id, staff_subject, staff_unit) VALUES ($1, $2, $3, $4)`, [
        tenantId,
        caseId,
        staff.subject.slice(0, 200),
        unit,
      ]);
      // The same read in the municipality's hash-chained audit trail, beside the case's own read log.
      await auditCase(em, staff, 'minasidor.case.read', { id: caseId, unit, errandNumber: row.errandNumber });
      return toCaseView(row, this.municipalities);
    });
  }

  /** Who read a case of this municipality, newest first (for its administrators). */
  async readsOf(caseId: string): Promise<StaffCaseRead[]> {
    if (!UUID.test(caseId)) throw new CaseNotFoundError();
    const tenantId = requestContext.tenantId();
    return this.database.transaction(async (em) =>
      rowsOf(
        em,
        StaffCaseReadEntity,
        await em.query(
          `SELECT staff_subject, staff_unit, read_at FROM minasidor_staff_case_read WHERE tenant_id = $1 AND case_id = $2 ORDER BY read_at DESC, id`,
          [tenantId, caseId],
        ),
        ['staffSubject', 'staffUnit', 'readAt'],
      ),
    );
  }

  private unitOf(staff: StaffMember): string {
    if (!staff.unit) throw new UnitRequiredError();
    return staff.unit;
  }
}

/** What a staff member did with a case of their unit, in the municipality's audit trail. */
async function auditCase(
  em: EntityManager,
  staff: StaffMember,
  action: 'minasidor.case.message.sent' | 'minasidor.case.read',
  theCase: { id: string; unit: string; errandNumber: string },
): Promise<void> {
  await appendAuditEntry(em, {
    actor: auditActor.staff(staff.subject),
    action,
    targetType: 'minasidor_case',
    targetId: theCase.id,
    details: { unit: theCase.unit, errandNumber: theCase.errandNumber },
  });
}
