import { appendAuditEntry, auditActor } from '@kommuna/platform-audit';
import { Database } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { CASE_COLUMNS, CASE_DETAILS, CasePage, CaseRow, CaseView, decodeCursor, encodeCursor, toCaseView, UUID } from './case-views';
import { CaseNotFoundError, MinasidorValidationError, UnitRequiredError } from './errors';
import { Municipalities } from './municipalities';
import { MAX_PAGE_SIZE } from './citizen-cases';

/** A member of staff as the staff view needs them (from the verified token). */
export interface StaffMember {
  /** The token subject, recorded with every case read. */
  subject: string;
  /** The unit they work in: they see that unit's cases only (secrecy boundary). */
  unit?: string | null;
}

export interface StaffCaseRead {
  staffSubject: string;
  staffUnit: string | null;
  readAt: Date;
}

/**
 * The municipality's staff view: a case worker sees their own municipality's cases of their
 * own unit (a school case worker never sees a social-services case); every read of a single
 * case is recorded, in the same transaction, as who read which case when.
 */
export class StaffCases {
  constructor(
    private readonly database: Database,
    private readonly municipalities: Municipalities,
  ) {}

  async list(staff: StaffMember, query: { first?: number; after?: string | null } = {}): Promise<CasePage> {
    const unit = this.unitOf(staff);
    const first = query.first ?? 20;
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
      throw new MinasidorValidationError(`first must be between 1 and ${MAX_PAGE_SIZE}`, [
        { field: 'first', message: `1 to ${MAX_PAGE_SIZE}` },
      ]);
    }
    const cursor = query.after ? decodeCursor(query.after) : undefined;
    if (query.after && !cursor)
      throw new MinasidorValidationError('The cursor is not one this api gave out', [{ field: 'after', message: 'invalid cursor' }]);
    const tenantId = requestContext.tenantId();
    const rows = await this.database.transaction((em) =>
      em.query(
        `SELECT ${CASE_COLUMNS} FROM minasidor_case c
          WHERE c.tenant_id = $1 AND c.unit = $2
            AND ($3::timestamptz IS NULL OR (c.updated_at, c.id) < ($3::timestamptz, $4::uuid))
          ORDER BY c.updated_at DESC, c.id DESC LIMIT $5`,
        [tenantId, unit, cursor?.at ?? null, cursor?.id ?? null, first + 1],
      ),
    );
    const page = rows.slice(0, first);
    return {
      cases: page.map((row: CaseRow) => toCaseView(row, this.municipalities)),
      endCursor: page.length > 0 ? encodeCursor(page[page.length - 1]) : null,
      hasNextPage: rows.length > first,
    };
  }

  /** One case of the staff member's unit, with its details; the read is recorded. */
  async read(staff: StaffMember, caseId: string): Promise<CaseView> {
    const unit = this.unitOf(staff);
    if (!UUID.test(caseId)) throw new CaseNotFoundError();
    const tenantId = requestContext.tenantId();
    return this.database.transaction(async (em) => {
      const [row] = await em.query(
        `WITH p AS (SELECT ${CASE_COLUMNS} FROM minasidor_case c WHERE c.tenant_id = $1 AND c.id = $2 AND c.unit = $3)
         SELECT p.*, ${CASE_DETAILS} FROM p`,
        [tenantId, caseId, unit],
      );
      if (!row) throw new CaseNotFoundError();
      await em.query(`INSERT INTO minasidor_staff_case_read (tenant_id, case_id, staff_subject, staff_unit) VALUES ($1, $2, $3, $4)`, [
        tenantId,
        caseId,
        staff.subject.slice(0, 200),
        unit,
      ]);
      // The same read in the municipality's hash-chained audit trail, beside the case's own read log.
      await appendAuditEntry(em, {
        actor: auditActor.staff(staff.subject),
        action: 'minasidor.case.read',
        targetType: 'minasidor_case',
        targetId: caseId,
        details: { unit, errandNumber: row.errand_number },
      });
      return toCaseView(row, this.municipalities);
    });
  }

  /** Who read a case of this municipality, newest first (for its administrators). */
  async readsOf(caseId: string): Promise<StaffCaseRead[]> {
    if (!UUID.test(caseId)) throw new CaseNotFoundError();
    const tenantId = requestContext.tenantId();
    const rows = await this.database.transaction((em) =>
      em.query(
        `SELECT staff_subject, staff_unit, read_at FROM minasidor_staff_case_read WHERE tenant_id = $1 AND case_id = $2 ORDER BY read_at DESC, id`,
        [tenantId, caseId],
      ),
    );
    return rows.map((r: { staff_subject: string; staff_unit: string; read_at: Date | string }) => ({
      staffSubject: r.staff_subject,
      staffUnit: r.staff_unit,
      readAt: new Date(r.read_at),
    }));
  }

  private unitOf(staff: StaffMember): string {
    if (!staff.unit) throw new UnitRequiredError();
    return staff.unit;
  }
}
