import type { EntityManager } from 'typeorm';
import type { EventHandler, OutboxEvent } from '@kommuna/platform-events';
import { TenantDirectory } from '@kommuna/platform-persistence';
import { CaseNotificationData, EVENT_TYPES } from '@kommuna/shared-service-contracts';
import { insertMessage, prepareMessage } from './message.service';
import { digitalMailSettingsOf } from './settings';
import { currentTenant } from './tenant';

const WHAT_HAPPENED: Record<string, { sv: string; en: string }> = {
  [EVENT_TYPES.caseStatusChanged]: { sv: 'Ditt ärende har fått en ny status', en: 'Your case has a new status' },
  [EVENT_TYPES.caseMessagePosted]: { sv: 'Du har fått ett nytt meddelande i ditt ärende', en: 'You have a new message about your case' },
  [EVENT_TYPES.caseDecisionRecorded]: { sv: 'Det finns ett beslut i ditt ärende', en: 'There is a decision in your case' },
};

/**
 * Turns Mina sidor's notification events (status change, new message, decision) into a notice in
 * the citizen's digital mailbox. The notice says only that something happened and where to read
 * it: the message or decision itself stays behind the citizen's login. A notice never goes on
 * paper, and it is keyed by the event id, so a redelivered event sends nothing twice.
 * Municipalities that do not use digital mail send no notices.
 */
export class CaseNotificationHandler implements EventHandler {
  readonly name = 'digital-mail-case-notices';
  readonly types = Object.keys(WHAT_HAPPENED);

  constructor(private readonly tenants: TenantDirectory) {}

  async handle(event: OutboxEvent<CaseNotificationData>, em: EntityManager): Promise<void> {
    const tenant = currentTenant(this.tenants);
    if (!tenant.config.services['digital-mail']) return;
    const data = event.data;
    const [party] = await em.query(`SELECT kind, identity_number FROM party WHERE id = $1`, [data.subjectPartyId]);
    if (!party) throw new Error(`case notice: party ${data.subjectPartyId} is not in the register`);
    const what = WHAT_HAPPENED[event.type];
    const status = data.statusLabel ? `\nStatus: ${data.statusLabel.sv} / ${data.statusLabel.en}` : '';
    const message = prepareMessage(
      {
        recipient: party.identity_number,
        subject: `${what.sv}: ${data.errandNumber}`.slice(0, 255),
        body:
          `${what.sv}: ${data.title.sv} (${data.errandNumber}).${status}\n` +
          `Logga in på Mina sidor för att läsa mer.\n\n` +
          `${what.en}: ${data.title.en} (${data.errandNumber}). Log in to Mina sidor to read more.`,
        language: 'sv',
        allowPaper: false,
        // The notice belongs to the unit handling the case: only its case workers see it (unit secrecy).
        department: data.unit,
        idempotencyKey: `case-notice:${event.id}`,
        externalReferences: { caseId: data.caseId, errandNumber: data.errandNumber },
      },
      digitalMailSettingsOf(tenant),
    );
    // Nothing inserted means this event's notice exists already.
    await insertMessage(em, tenant.id, message, data.subjectPartyId, { kind: 'system', id: 'minasidor-notices' });
  }
}
