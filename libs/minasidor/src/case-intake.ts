import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { Database, PartyRegister, rowOf, selectColumns, selectRows } from '@kommuna/platform-persistence';
import { recordEvent } from '@kommuna/platform-events';
import { requestContext } from '@kommuna/platform-tenancy';
import { CaseNotificationData, EVENT_TYPES, LocalizedText } from '@kommuna/shared-service-contracts';
import { isSafeDocumentUrl } from './document-links';
import { CaseConflictError, CaseNotFoundError, MinasidorValidationError } from './errors';
import { CaseEntity, SubjectKind, WhoseTurn } from './entities/case.entity';
import type { DecisionDocument, DecisionOutcome } from './entities/decision.entity';
import { Municipalities } from './municipalities';
import { DEFAULT_WHOSE_TURN } from './status-labels';
import { RULES_SOURCE } from './rule-cases';
import { resolveSubject, SubjectIdentity } from './subject-identity';

/** The source name of cases that come from e-forms submissions (reserved for the event path). */
export const EFORMS_SOURCE = 'e-forms';
const EVENT_SOURCE = '/minasidor';

/** Which case a source means: its own name and its own case id, within the current municipality. */
export interface CaseKey {
  source: string;
  externalCaseId: string;
}

export interface CaseUpsert extends CaseKey {
  errandNumber: string;
  caseType: string;
  title: LocalizedText;
  unit: string;
  /** Municipal systems name the subject by identity number; it is mapped to a party id at once. */
  subject: SubjectIdentity;
  /** The status to record with the case (default `received`) and when it took effect. */
  status?: string;
  statusOccurredAt?: Date;
  whoseTurn?: WhoseTurn;
  statusText?: LocalizedText;
}

export interface StatusUpdate extends CaseKey {
  status: string;
  occurredAt: Date;
  whoseTurn?: WhoseTurn;
  text?: LocalizedText;
  /** The source's id of this update; without it, a replay is recognised by status and time. */
  eventId?: string;
}

export interface DecisionRecord extends CaseKey {
  externalDecisionId: string;
  decisionType: string;
  outcome: DecisionOutcome;
  legalBasis?: { sfs: string; chapter?: string | null; section?: string | null } | null;
  decidedAt: Date;
  validFrom?: string | null;
  validTo?: string | null;
  reasons?: Array<{ ruleId: string; text: LocalizedText; legalBasis?: unknown }>;
  documents?: DecisionDocument[];
  appealInstructions?: LocalizedText | null;
  automated?: boolean;
}

export interface MunicipalityMessage extends CaseKey {
  externalMessageId: string;
  body: string;
  sentAt?: Date;
}

/** What a write did: `replayed` means it was already there and nothing changed. */
export interface CaseWriteResult {
  caseId: string;
  created: boolean;
  replayed: boolean;
}

/** How a status update was taken: made current, kept as history (it was older), or a replay. */
export type StatusOutcome = 'current' | 'history' | 'replayed';

/** A case as the intake needs it: already resolved to a party, e.g. from an e-forms event. */
export interface ResolvedCaseUpsert extends Omit<CaseUpsert, 'subject'> {
  subjectPartyId: string;
  subjectKind: SubjectKind;
}

const SOURCE = z.string().regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'lower-case a-z, 0-9, ".", "_" and "-", 2 to 64 characters');
const text = (max: number) => z.string().trim().min(1).max(max);
const LOCALIZED = z.object({ sv: text(2000), en: text(2000) });
const STATUS = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'lower-case a-z, 0-9 and _');
const DATE = z.iso.date();
const KEY = { source: SOURCE, externalCaseId: text(200) };

const schemas = {
  upsert: z.object({
    ...KEY,
    errandNumber: text(64),
    caseType: text(100),
    title: LOCALIZED,
    unit: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'a unit id such as socialtjanst or skola'),
    status: STATUS.optional(),
    statusOccurredAt: z.date().optional(),
    whoseTurn: z.enum(['citizen', 'municipality', 'none']).optional(),
    statusText: LOCALIZED.optional(),
  }),
  status: z.object({
    ...KEY,
    status: STATUS,
    occurredAt: z.date(),
    whoseTurn: z.enum(['citizen', 'municipality', 'none']).optional(),
    text: LOCALIZED.optional(),
    eventId: text(200).optional(),
  }),
  decision: z
    .object({
      ...KEY,
      externalDecisionId: text(200),
      decisionType: text(100),
      outcome: z.enum(['approval', 'rejection', 'dismissal', 'cancellation']),
      legalBasis: z
        .object({
          sfs: z.string().regex(/^\d{4}:\d{1,5}$/, 'an SFS number such as 2001:453'),
          chapter: text(20).nullish(),
          section: text(20).nullish(),
        })
        .nullish(),
      decidedAt: z.date(),
      validFrom: DATE.nullish(),
      validTo: DATE.nullish(),
      reasons: z
        .array(z.object({ ruleId: text(200), text: LOCALIZED, legalBasis: z.unknown().optional() }))
        .max(100)
        .optional(),
      documents: z
        .array(
          z.object({
            name: text(300),
            url: z.string().refine(isSafeDocumentUrl, "only an https link, or the platform's own link (a path starting with /)").optional(),
            ref: text(300).optional(),
            checksum: text(200).optional(),
          }),
        )
        .max(50)
        .optional(),
      appealInstructions: LOCALIZED.nullish(),
      automated: z.boolean().optional(),
    })
    .refine((d) => !d.validFrom || !d.validTo || d.validTo >= d.validFrom, { message: 'validTo is before validFrom', path: ['validTo'] }),
  message: z.object({ ...KEY, externalMessageId: text(200), body: text(20000), sentAt: z.date().optional() }),
};

function validate<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message }));
  throw new MinasidorValidationError(`Invalid ${what}: ${details.map((d) => `${d.field || 'input'}: ${d.message}`).join('; ')}`, details);
}

const STATUS_KINDS: Record<string, string> = {
  draft: 'saved',
  received: 'received',
  in_progress: 'in_progress',
  completion_requested: 'completion_requested',
  decided: 'decided',
  closed: 'closed',
};

/** The case's columns the intake writes by and tells the resident about. */
const INTAKE_FIELDS = [
  'tenantId',
  'id',
  'errandNumber',
  'caseType',
  'titleSv',
  'titleEn',
  'subjectPartyId',
  'subjectKind',
  'unit',
  'internalStatus',
  'statusChangedAt',
] as const;

/** A case as the intake holds it while it writes: those columns of the entity. */
export type IntakeCase = Pick<CaseEntity, (typeof INTAKE_FIELDS)[number]>;

/**
 * How cases reach Mina sidor: municipal systems (service accounts) and e-forms events write
 * cases, status updates, decisions and messages keyed by (source, external case id) within the
 * current municipality. Every write is idempotent, and a status update older than the current
 * status joins the timeline without overwriting it. Notifications for the citizen (status
 * change, decision, municipality message) are recorded in the outbox in the same transaction.
 */
export class CaseIntake {
  constructor(
    private readonly database: Database,
    private readonly parties: PartyRegister,
    private readonly municipalities: Municipalities,
  ) {}

  /** Creates the case or updates its description; with `status`, records that status too. */
  async upsertCase(input: CaseUpsert): Promise<CaseWriteResult> {
    const valid = validate(schemas.upsert, input, 'case');
    if (valid.source === EFORMS_SOURCE)
      throw new MinasidorValidationError(`The source "${EFORMS_SOURCE}" is reserved for e-forms submissions`, [
        { field: 'source', message: 'reserved' },
      ]);
    if (valid.source === RULES_SOURCE)
      throw new MinasidorValidationError(`The source "${RULES_SOURCE}" is reserved for the municipality's rules`, [
        { field: 'source', message: 'reserved' },
      ]);
    // Resolved before the transaction: the party register has its own statement (and on the
    // embedded database one session), and the number goes no further than this line.
    const subject = await resolveSubject(this.parties, input.subject);
    return this.database.transaction((em) =>
      this.upsertCaseIn(em, { ...valid, subjectPartyId: subject.partyId, subjectKind: subject.kind }),
    );
  }

  async recordStatus(input: StatusUpdate): Promise<CaseWriteResult & { outcome: StatusOutcome }> {
    const valid = validate(schemas.status, input, 'status update');
    return this.database.transaction(async (em) => {
      const row = await this.lockCase(em, valid);
      const outcome = await this.applyStatus(em, row, {
        status: valid.status,
        occurredAt: valid.occurredAt,
        whoseTurn: valid.whoseTurn,
        text: valid.text,
        dedupeKey: valid.eventId ? `event:${valid.eventId}` : undefined,
      });
      return { caseId: row.id, created: false, replayed: outcome === 'replayed', outcome };
    });
  }

  async recordDecision(input: DecisionRecord): Promise<CaseWriteResult> {
    const valid = validate(schemas.decision, input, 'decision');
    return this.database.transaction(async (em) => this.recordDecisionIn(em, await this.lockCase(em, valid), valid));
  }

  async postMessage(input: MunicipalityMessage): Promise<CaseWriteResult> {
    const valid = validate(schemas.message, input, 'message');
    return this.database.transaction(async (em) => this.postMessageIn(em, await this.lockCase(em, valid), valid));
  }

  /** The municipality's message on a locked case (a system's, or a case worker's): stored once by its id, the resident notified. */
  async postMessageIn(
    em: EntityManager,
    row: IntakeCase,
    message: { body: string; externalMessageId: string; sentAt?: Date },
  ): Promise<CaseWriteResult> {
    const [stored] = await em.query(
      `INSERT INTO minasidor_message (tenant_id, case_id, subject_party_id, author, body, external_message_id, sent_at)
       VALUES ($1, $2, $3, 'municipality', $4, $5, $6)
       ON CONFLICT (tenant_id, case_id, external_message_id) DO NOTHING RETURNING id, sent_at`,
      [row.tenantId, row.id, row.subjectPartyId, message.body, message.externalMessageId, message.sentAt ?? new Date()],
    );
    if (!stored) return { caseId: row.id, created: false, replayed: true };
    await this.touch(em, row);
    await this.notify(em, EVENT_TYPES.caseMessagePosted, row, new Date(stored.sent_at));
    return { caseId: row.id, created: false, replayed: false };
  }

  // --- Inside a caller's transaction (the outbox handlers, the demo seed) ---------------------

  async upsertCaseIn(em: EntityManager, input: ResolvedCaseUpsert): Promise<CaseWriteResult> {
    const tenantId = requestContext.tenantId();
    const status = input.status ?? 'received';
    const occurredAt = input.statusOccurredAt ?? new Date();
    const created = rowOf(
      em,
      CaseEntity,
      await em.query(
        `INSERT INTO minasidor_case (tenant_id, errand_number, case_type, title_sv, title_en, subject_party_id, subject_kind,
         unit, source, external_case_id, internal_status, status_changed_at, whose_turn)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (tenant_id, source, external_case_id) DO NOTHING
       RETURNING ${selectColumns(em, CaseEntity, { only: INTAKE_FIELDS })}`,
        [
          tenantId,
          input.errandNumber,
          input.caseType,
          input.title.sv,
          input.title.en,
          input.subjectPartyId,
          input.subjectKind,
          input.unit,
          input.source,
          input.externalCaseId,
          status,
          occurredAt,
          input.whoseTurn ?? DEFAULT_WHOSE_TURN[status] ?? 'municipality',
        ],
      ),
      INTAKE_FIELDS,
    );
    if (created) {
      await this.insertTimelineEntry(em, created, { status, occurredAt, whoseTurn: input.whoseTurn, text: input.statusText }, true);
      return { caseId: created.id, created: true, replayed: false };
    }
    const row = await this.lockCase(em, input);
    if (row.subjectPartyId !== input.subjectPartyId) {
      throw new CaseConflictError(
        `Case ${input.source}/${input.externalCaseId} already exists about another subject; a case never changes subject`,
      );
    }
    const [, described] = await em.query(
      `UPDATE minasidor_case SET errand_number = $3, case_type = $4, title_sv = $5, title_en = $6, unit = $7, updated_at = now()
        WHERE tenant_id = $1 AND id = $2
          AND (errand_number, case_type, title_sv, title_en, unit) IS DISTINCT FROM ($3, $4, $5, $6, $7)`,
      [row.tenantId, row.id, input.errandNumber, input.caseType, input.title.sv, input.title.en, input.unit],
    );
    const outcome = input.status
      ? await this.applyStatus(em, row, { status, occurredAt, whoseTurn: input.whoseTurn, text: input.statusText })
      : 'replayed';
    return { caseId: row.id, created: false, replayed: described === 0 && outcome === 'replayed' };
  }

  /** The case of `key` in the current municipality, locked for this write; NOT_FOUND otherwise. */
  async lockCase(em: EntityManager, key: CaseKey): Promise<IntakeCase> {
    const row = await this.findCase(em, key);
    if (!row) throw new CaseNotFoundError(`case ${key.source}/${key.externalCaseId} in this municipality`);
    return row;
  }

  async findCase(em: EntityManager, key: CaseKey): Promise<IntakeCase | undefined> {
    const [found] = await selectRows(
      em,
      CaseEntity,
      INTAKE_FIELDS,
      `FROM minasidor_case WHERE tenant_id = $1 AND source = $2 AND external_case_id = $3 FOR UPDATE`,
      [requestContext.tenantId(), key.source, key.externalCaseId],
    );
    return found;
  }

  /**
   * Records a status update in the timeline; it becomes the case's status unless a newer one is
   * already current (then it stays in the history only). The same update twice changes nothing.
   */
  async applyStatus(
    em: EntityManager,
    row: IntakeCase,
    update: { status: string; occurredAt: Date; whoseTurn?: WhoseTurn; text?: LocalizedText; dedupeKey?: string; kind?: string },
    options: { notify?: boolean } = {},
  ): Promise<StatusOutcome> {
    const current = update.occurredAt.getTime() >= new Date(row.statusChangedAt).getTime();
    const inserted = await this.insertTimelineEntry(em, row, update, current);
    if (!inserted) return 'replayed';
    if (!current) return 'history';
    const whoseTurn = update.whoseTurn ?? DEFAULT_WHOSE_TURN[update.status] ?? 'municipality';
    await em.query(
      `UPDATE minasidor_case SET internal_status = $3, status_changed_at = $4, whose_turn = $5, updated_at = now()
        WHERE tenant_id = $1 AND id = $2`,
      [row.tenantId, row.id, update.status, update.occurredAt, whoseTurn],
    );
    const labels = this.municipalities.labelsOf(row.tenantId);
    const labelChanged = labels.statusOf(row.internalStatus) !== labels.statusOf(update.status);
    row.internalStatus = update.status;
    row.statusChangedAt = update.occurredAt;
    if (labelChanged && options.notify !== false) await this.notify(em, EVENT_TYPES.caseStatusChanged, row, update.occurredAt);
    return 'current';
  }

  async recordDecisionIn(
    em: EntityManager,
    row: IntakeCase,
    d: Omit<DecisionRecord, 'source' | 'externalCaseId'>,
  ): Promise<CaseWriteResult> {
    const [decision] = await em.query(
      `INSERT INTO minasidor_decision (tenant_id, case_id, subject_party_id, external_decision_id, decision_type, outcome,
         legal_basis_sfs, legal_basis_chapter, legal_basis_section, decided_at, valid_from, valid_to, reasons, documents,
         appeal_sv, appeal_en, automated)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
       ON CONFLICT (tenant_id, case_id, external_decision_id) DO NOTHING RETURNING id`,
      [
        row.tenantId,
        row.id,
        row.subjectPartyId,
        d.externalDecisionId,
        d.decisionType,
        d.outcome,
        d.legalBasis?.sfs ?? null,
        d.legalBasis?.chapter ?? null,
        d.legalBasis?.section ?? null,
        d.decidedAt,
        d.validFrom ?? null,
        d.validTo ?? null,
        JSON.stringify(d.reasons ?? []),
        JSON.stringify(d.documents ?? []),
        d.appealInstructions?.sv ?? null,
        d.appealInstructions?.en ?? null,
        d.automated ?? false,
      ],
    );
    if (!decision) return { caseId: row.id, created: false, replayed: true };
    // The decision is the notice: its status change needs no second one.
    await this.applyStatus(
      em,
      row,
      { status: 'decided', occurredAt: d.decidedAt, dedupeKey: `decision:${d.externalDecisionId}`, kind: 'decided' },
      { notify: false },
    );
    await this.touch(em, row);
    await this.notify(em, EVENT_TYPES.caseDecisionRecorded, row, d.decidedAt);
    return { caseId: row.id, created: false, replayed: false };
  }

  /**
   * The municipality's case system registered the errand under its own reference (diarienummer):
   * kept on the case and told in its timeline. The status stays as it is, so no notice is sent.
   */
  async recordRegistrationIn(
    em: EntityManager,
    row: IntakeCase,
    registration: { caseSystemReference: string; registeredAt: Date },
  ): Promise<boolean> {
    const ref = registration.caseSystemReference;
    // Not a status update: no internal status, and it changes whose turn it is in nothing.
    const inserted: unknown[] = await em.query(
      `INSERT INTO minasidor_case_event (tenant_id, case_id, subject_party_id, kind, internal_status, became_current, occurred_at, whose_turn, text_sv, text_en, dedupe_key)
       VALUES ($1, $2, $3, 'registered', NULL, true, $4, NULL, $5, $6, $7)
       ON CONFLICT (tenant_id, case_id, dedupe_key) DO NOTHING RETURNING id`,
      [
        row.tenantId,
        row.id,
        row.subjectPartyId,
        registration.registeredAt,
        `Ditt ärende är registrerat hos kommunen med diarienummer ${ref}.`,
        `Your case is registered with the municipality under reference number ${ref}.`,
        `registered:${ref}`,
      ],
    );
    if (inserted.length === 0) return false;
    await em.query(`UPDATE minasidor_case SET case_system_reference = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [
      row.tenantId,
      row.id,
      ref,
    ]);
    return true;
  }

  private async insertTimelineEntry(
    em: EntityManager,
    row: IntakeCase,
    update: { status: string; occurredAt: Date; whoseTurn?: WhoseTurn; text?: LocalizedText; dedupeKey?: string; kind?: string },
    becameCurrent: boolean,
  ): Promise<boolean> {
    const inserted = await em.query(
      `INSERT INTO minasidor_case_event (tenant_id, case_id, subject_party_id, kind, internal_status, became_current, occurred_at,
         whose_turn, text_sv, text_en, dedupe_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (tenant_id, case_id, dedupe_key) DO NOTHING RETURNING id`,
      [
        row.tenantId,
        row.id,
        row.subjectPartyId,
        update.kind ?? STATUS_KINDS[update.status] ?? 'status_changed',
        update.status,
        becameCurrent,
        update.occurredAt,
        update.whoseTurn ?? DEFAULT_WHOSE_TURN[update.status] ?? 'municipality',
        update.text?.sv ?? null,
        update.text?.en ?? null,
        update.dedupeKey ?? `status:${update.status}:${update.occurredAt.toISOString()}`,
      ],
    );
    return inserted.length > 0;
  }

  private async touch(em: EntityManager, row: IntakeCase): Promise<void> {
    await em.query(`UPDATE minasidor_case SET updated_at = now() WHERE tenant_id = $1 AND id = $2`, [row.tenantId, row.id]);
  }

  private async notify(em: EntityManager, type: string, row: IntakeCase, occurredAt: Date): Promise<void> {
    const data: CaseNotificationData = {
      caseId: row.id,
      errandNumber: row.errandNumber,
      subjectPartyId: row.subjectPartyId,
      title: { sv: row.titleSv, en: row.titleEn },
      unit: row.unit,
      statusLabel: this.municipalities.labelsOf(row.tenantId).labelOf(row.internalStatus),
      occurredAt: occurredAt.toISOString(),
    };
    await recordEvent(em, { type, source: EVENT_SOURCE, subject: row.id, data });
  }
}
