import type { EntityManager } from 'typeorm';
import type { EventHandler, OutboxEvent } from '@kommuna/platform-events';
import { PartyEntity, rowOf, selectRows, TenantDirectory } from '@kommuna/platform-persistence';
import { EVENT_TYPES, RuleLetterRequestedData } from '@kommuna/shared-service-contracts';
import { MailTemplateEntity } from './entities/template.entity';
import { NotFoundError } from './errors';
import { insertMessage, prepareMessage } from './message.service';
import { digitalMailSettingsOf } from './settings';
import { currentTenant } from './tenant';
import { renderTemplate } from './template.service';

/** What a rule letter takes from its template. */
const RULE_TEMPLATE_FIELDS = ['id', 'subject', 'body', 'bodyFormat'] as const;

/**
 * Letters a municipality's rules ask for (issue 18 item 6): the newest version of the named
 * template the rule's unit may use, filled with the values the rule took from the event, to the
 * resident the event named, by digital mail or paper as any letter. Keyed by the letter id, so a
 * redelivered event sends nothing twice. A missing template fails the event: the outbox keeps it
 * and retries, so the letter goes once the municipality has saved the template.
 */
export class RuleLetterHandler implements EventHandler {
  readonly name = 'digital-mail-rule-letters';
  readonly types = [EVENT_TYPES.ruleLetterRequested];

  constructor(private readonly tenants: TenantDirectory) {}

  async handle(event: OutboxEvent, em: EntityManager): Promise<void> {
    const tenant = currentTenant(this.tenants);
    if (!tenant.config.services['digital-mail']) return;
    const data = event.data as RuleLetterRequestedData;
    const [template] = await selectRows(
      em,
      MailTemplateEntity,
      RULE_TEMPLATE_FIELDS,
      `FROM mail_template WHERE tenant_id = $1 AND name = $2
          AND ($3::varchar IS NULL OR department IS NULL OR department = $3::varchar) ORDER BY version DESC LIMIT 1`,
      [tenant.id, data.templateName, data.unit],
    );
    if (!template) throw new NotFoundError(`The template ${data.templateName} (asked for by rule ${data.ruleKey})`);
    const party = rowOf(em, PartyEntity, await em.query(`SELECT identity_number FROM party WHERE id = $1`, [data.recipientPartyId]), [
      'identityNumber',
    ]);
    if (!party) throw new Error(`rule letter: party ${data.recipientPartyId} is not in the register`);
    const letter = renderTemplate(template, 'sv', data.values);
    const message = prepareMessage(
      {
        recipient: party.identityNumber,
        subject: letter.subject,
        body: letter.body,
        bodyFormat: letter.bodyFormat,
        language: 'sv',
        ...(data.unit ? { department: data.unit } : {}),
        idempotencyKey: `rule-letter:${data.letterId}`,
        externalReferences: { ruleKey: data.ruleKey, ruleVersion: String(data.ruleVersion), firingId: data.firingId },
      },
      digitalMailSettingsOf(tenant),
    );
    await insertMessage(
      em,
      tenant.id,
      message,
      data.recipientPartyId,
      { kind: 'system', id: `rule:${data.ruleKey}` },
      { templateId: template.id },
    );
  }
}
