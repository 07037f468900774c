import type { EntityManager } from 'typeorm';
import type { EventHandler, OutboxEvent } from '@kommuna/platform-events';
import { Database, PartyEntity, rowOf, rowsOf, selectColumns, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { CaseNotificationData, EVENT_TYPES, FormSubmissionReceivedData, LocalizedText } from '@kommuna/shared-service-contracts';
import { insertMessage, prepareMessage } from './message.service';
import { digitalMailSettingsOf } from './settings';
import { currentTenant } from './tenant';
import { MailDeliveryEntity } from './entities/delivery.entity';
import { MailMessageEntity } from './entities/message.entity';

/** The sender of case notices: who wrote them, and how Mina sidor finds them again. */
const NOTICE_SENDER = { kind: 'system', id: 'minasidor-notices' } as const;

const WHAT_HAPPENED: Record<string, { sv: string; en: string }> = {
  [EVENT_TYPES.caseStatusChanged]: { sv: 'Ditt ärende har fått en ny status', en: 'Your case has a new status' },
  [EVENT_TYPES.caseMessagePosted]: { sv: 'Du har fått ett nytt meddelande i ditt ärende', en: 'You have a new message about your case' },
  [EVENT_TYPES.caseDecisionRecorded]: { sv: 'Det finns ett beslut i ditt ärende', en: 'There is a decision in your case' },
  [EVENT_TYPES.formSubmissionReceived]: { sv: 'Vi har tagit emot ditt ärende', en: 'We have received your case' },
};

/** What a notice is about, from either kind of event. */
interface Notice {
  subjectPartyId: string;
  errandNumber: string;
  title: LocalizedText;
  unit?: string;
  statusLabel?: LocalizedText;
  externalReferences: Record<string, string>;
}

/**
 * The notice an event asks for, if any. A submission's receipt is told only where its form's rule
 * says so (notifications: on received, digital mail, to the applicant) and there is an applicant.
 */
function noticeOf(event: OutboxEvent): Notice | undefined {
  if (event.type !== EVENT_TYPES.formSubmissionReceived) {
    const data = event.data as CaseNotificationData;
    return {
      subjectPartyId: data.subjectPartyId,
      errandNumber: data.errandNumber,
      title: data.title,
      unit: data.unit,
      statusLabel: data.statusLabel,
      externalReferences: { caseId: data.caseId, errandNumber: data.errandNumber },
    };
  }
  const data = event.data as FormSubmissionReceivedData;
  const asked = (data.notices ?? []).some((n) => n.channel === 'digital-mail' && n.recipient === 'applicant');
  if (!asked || !data.subjectPartyId) return undefined;
  return {
    subjectPartyId: data.subjectPartyId,
    errandNumber: data.errandNumber,
    title: data.title,
    unit: data.unit,
    externalReferences: { submissionId: data.submissionId, errandNumber: data.errandNumber },
  };
}

/**
 * Turns Mina sidor's notification events (status change, new message, decision), and an e-form's
 * receipt where the form's rule asks for it, into a notice in the citizen's digital mailbox. The notice says only that something happened and where to read
 * it: the message or decision itself stays behind the citizen's login. A notice never goes on
 * paper, and it is keyed by the event id, so a redelivered event sends nothing twice.
 * Municipalities that do not use digital mail send no notices.
 */
export class CaseNotificationHandler implements EventHandler {
  readonly name = 'digital-mail-case-notices';
  readonly types = Object.keys(WHAT_HAPPENED);

  constructor(private readonly tenants: TenantDirectory) {}

  async handle(event: OutboxEvent, em: EntityManager): Promise<void> {
    const tenant = currentTenant(this.tenants);
    if (!tenant.config.services['digital-mail']) return;
    const notice = noticeOf(event);
    if (!notice) return;
    const party = rowOf(em, PartyEntity, await em.query(`SELECT identity_number FROM party WHERE id = $1`, [notice.subjectPartyId]), [
      'identityNumber',
    ]);
    if (!party) throw new Error(`case notice: party ${notice.subjectPartyId} is not in the register`);
    const what = WHAT_HAPPENED[event.type];
    const status = notice.statusLabel ? `\nStatus: ${notice.statusLabel.sv} / ${notice.statusLabel.en}` : '';
    const message = prepareMessage(
      {
        recipient: party.identityNumber,
        subject: `${what.sv}: ${notice.errandNumber}`.slice(0, 255),
        body:
          `${what.sv}: ${notice.title.sv} (${notice.errandNumber}).${status}\n` +
          `Logga in på Mina sidor för att läsa mer.\n\n` +
          `${what.en}: ${notice.title.en} (${notice.errandNumber}). Log in to Mina sidor to read more.`,
        language: 'sv',
        allowPaper: false,
        // The notice belongs to the unit handling the case: only its case workers see it (unit secrecy).
        department: notice.unit,
        idempotencyKey: `case-notice:${event.id}`,
        externalReferences: notice.externalReferences,
      },
      digitalMailSettingsOf(tenant),
    );
    // Nothing inserted means this event's notice exists already.
    await insertMessage(em, tenant.id, message, notice.subjectPartyId, NOTICE_SENDER);
  }
}

/** A case notice as the resident sees it in Mina sidor: what it said, about which errand, and how far its delivery got. */
export interface ResidentNotice {
  id: string;
  subject: string;
  errandNumber: string | null;
  sentAt: Date;
  /** The delivery's status (e.g. DELIVERED, QUEUED, FAILED, HELD). */
  status: string;
}

/** What a resident's notice shows of its letter. */
const NOTICE_FIELDS = ['id', 'subject', 'externalReferences', 'createdAt'] as const;

/**
 * The case notices sent to one resident in the addressed municipality, newest first (at most 50):
 * Mina sidor lists them so the resident sees what their digital mailbox was told. Only notices
 * (never a case worker's letters, which are read in the mailbox itself), and only their own.
 */
export class ResidentNotices {
  constructor(private readonly database: Database) {}

  async of(partyId: string): Promise<ResidentNotice[]> {
    return this.database.transaction(async (em) => {
      const raw = await em.query(
        `SELECT ${selectColumns(em, MailMessageEntity, { alias: 'm', only: NOTICE_FIELDS })}, d.status
           FROM mail_message m JOIN mail_delivery d ON d.tenant_id = m.tenant_id AND d.message_id = m.id
          WHERE m.tenant_id = $1 AND m.recipient_party_id = $2 AND m.sent_by_kind = $3 AND m.sent_by = $4
          ORDER BY m.created_at DESC, m.id LIMIT 50`,
        [requestContext.tenantId(), partyId, NOTICE_SENDER.kind, NOTICE_SENDER.id],
      );
      const deliveries = rowsOf(em, MailDeliveryEntity, raw, ['status']);
      return rowsOf(em, MailMessageEntity, raw, NOTICE_FIELDS).map((m, i) => ({
        id: m.id,
        subject: m.subject,
        errandNumber: m.externalReferences.errandNumber ?? null,
        sentAt: m.createdAt,
        status: deliveries[i].status,
      }));
    });
  }
}
