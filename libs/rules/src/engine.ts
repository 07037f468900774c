import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { appendAuditEntry, auditActor } from '@kommuna/platform-audit';
import { EventHandler, OutboxEvent, recordEvent } from '@kommuna/platform-events';
import { rowsOf, type TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { stockholmDay } from '@kommuna/shared-identifiers';
import {
  EVENT_TYPES,
  InboundEventAcceptedData,
  RuleCaseOpenedData,
  RuleDecisionMadeData,
  RuleFiringRef,
  RuleLetterRequestedData,
} from '@kommuna/shared-service-contracts';
import { conditionHolds, fillText, RuleAction, RuleEventView, valueAt } from './definition';
import { RuleEntity } from './entities';

const SOURCE = '/rules';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What an action made, kept on the firing and in the audit entry. */
type Outcome = Record<string, string | number | null>;

/** A case or decision's errand number: the rule's mark, the year in Sweden and the firing's id. */
export const ruleErrandNumber = (firingId: string, at: Date): string =>
  `REGEL-${stockholmDay(at).slice(0, 4)}-${firingId.slice(0, 8).toUpperCase()}`;

/** The calendar day `days` after `day` (both YYYY-MM-DD): counted in days, so a change of clocks between them shifts nothing. */
function daysAfter(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * Runs the municipality's rules on each inbound event (se.kommuna.events.inbound.accepted), in the
 * outbox's transaction: the newest version of each enabled rule for the event's type whose
 * condition holds fires once per event (rule_firing is unique by rule and event), its action is
 * carried out or handed to the owning service by an event, and the firing is audited with the
 * rule's version and the event that caused it. Municipalities that do not use rules fire nothing.
 */
export class RuleEngine implements EventHandler {
  readonly name = 'rules';
  readonly types = [EVENT_TYPES.inboundEventAccepted];

  constructor(
    private readonly tenants: TenantDirectory,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async handle(event: OutboxEvent, em: EntityManager): Promise<void> {
    const tenantId = requestContext.tenantId();
    const tenant = this.tenants.all().find((t) => t.id === tenantId);
    if (!tenant?.config.services.rules) return;
    const inbound = event.data as InboundEventAcceptedData;
    const view: RuleEventView = {
      type: inbound.type,
      source: inbound.source,
      subject: inbound.subject,
      time: inbound.time,
      data: inbound.data,
    };
    // The newest version of every rule; one whose newest version is for another type or disabled does not fire.
    const rules = rowsOf(
      em,
      RuleEntity,
      await em.query(
        `SELECT * FROM (SELECT DISTINCT ON (key) id, key, version, definition, enabled, event_type FROM rule WHERE tenant_id = $1 ORDER BY key, version DESC) latest
          WHERE enabled AND event_type = $2 ORDER BY key`,
        [tenantId, inbound.type],
      ),
      ['id', 'key', 'version', 'definition'],
    );
    for (const rule of rules) {
      if (!conditionHolds(rule.definition.condition, view)) continue;
      const firingId = randomUUID();
      const [fired] = await em.query(
        `INSERT INTO rule_firing (tenant_id, id, rule_id, rule_key, rule_version, inbound_event_id, event_source, event_id, event_type, action_kind, outcome)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '{}') ON CONFLICT ON CONSTRAINT "UQ_rule_firing_event" DO NOTHING RETURNING id`,
        [
          tenantId,
          firingId,
          rule.id,
          rule.key,
          rule.version,
          inbound.inboundEventId,
          inbound.source,
          inbound.id,
          inbound.type,
          rule.definition.action.kind,
        ],
      );
      // Fired on this event before (the outbox delivered it again): nothing twice.
      if (!fired) continue;
      const ref: RuleFiringRef = { firingId, ruleKey: rule.key, ruleVersion: rule.version, inboundEventId: inbound.inboundEventId };
      const outcome = await this.act(em, rule.definition.action, ref, view);
      await em.query(`UPDATE rule_firing SET outcome = $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, firingId, JSON.stringify(outcome)]);
      await appendAuditEntry(em, {
        actor: auditActor.system(`rule:${rule.key}`),
        action: 'rules.rule.fired',
        targetType: 'rule_firing',
        targetId: firingId,
        details: {
          ruleKey: rule.key,
          ruleVersion: rule.version,
          inboundEventId: inbound.inboundEventId,
          eventType: inbound.type,
          eventSource: inbound.source,
          eventId: inbound.id,
          action: rule.definition.action.kind,
          ...outcome,
        },
      });
    }
  }

  private async act(em: EntityManager, action: RuleAction, ref: RuleFiringRef, view: RuleEventView): Promise<Outcome> {
    const now = this.now();
    switch (action.kind) {
      case 'task': {
        const fill = (text: { sv: string; en: string }) => ({ sv: fillText(text.sv, view), en: fillText(text.en, view) });
        const [task] = await em.query(
          `INSERT INTO rule_task (tenant_id, firing_id, unit, title, description, due_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          [
            requestContext.tenantId(),
            ref.firingId,
            action.unit,
            JSON.stringify(fill(action.title)),
            JSON.stringify(fill(action.description)),
            action.dueInHours ? new Date(now.getTime() + action.dueInHours * 3_600_000) : null,
          ],
        );
        return { taskId: task.id as string, unit: action.unit };
      }
      case 'case': {
        const subject = await partyAt(em, view, action.subject);
        if (typeof subject === 'string') return { skipped: subject };
        const errandNumber = ruleErrandNumber(ref.firingId, now);
        const eventId = await recordEvent<RuleCaseOpenedData>(em, {
          type: EVENT_TYPES.ruleCaseOpened,
          source: SOURCE,
          subject: ref.firingId,
          data: {
            ...ref,
            errandNumber,
            caseType: action.caseType,
            title: action.title,
            unit: action.unit,
            subjectPartyId: subject.id,
            subjectKind: subject.kind,
            ...(action.message ? { message: { sv: fillText(action.message.sv, view), en: fillText(action.message.en, view) } } : {}),
            openedAt: now.toISOString(),
          },
        });
        return { eventId, errandNumber };
      }
      case 'decision': {
        const subject = await partyAt(em, view, action.subject);
        if (typeof subject === 'string') return { skipped: subject };
        const errandNumber = ruleErrandNumber(ref.firingId, now);
        const decisionId = randomUUID();
        // The decision's own day in the municipality: a decision at 00:30 in Sweden holds from that day, not the UTC date's day before.
        const validFrom = stockholmDay(now);
        const eventId = await recordEvent<RuleDecisionMadeData>(em, {
          type: EVENT_TYPES.ruleDecisionMade,
          source: SOURCE,
          subject: ref.firingId,
          data: {
            ...ref,
            decisionId,
            errandNumber,
            caseType: action.caseType,
            decisionType: action.decisionType,
            title: action.title,
            unit: action.unit,
            subjectPartyId: subject.id,
            subjectKind: subject.kind,
            outcome: action.outcome,
            automated: true,
            reasons: action.reasons,
            legalBasis: action.legalBasis,
            decidedAt: now.toISOString(),
            ...(action.appealInstructions ? { appealInstructions: action.appealInstructions } : {}),
            ...(action.outcome === 'approval' ? { validFrom } : {}),
            ...(action.outcome === 'approval' && action.validForDays ? { validTo: daysAfter(validFrom, action.validForDays) } : {}),
          },
        });
        return { eventId, errandNumber, decisionId };
      }
      case 'letter': {
        const recipient = await partyAt(em, view, action.recipient);
        if (typeof recipient === 'string') return { skipped: recipient };
        const letterId = randomUUID();
        const values = Object.fromEntries(
          Object.entries(action.values).map(([name, path]) => {
            const value = valueAt(view, path);
            return [name, value === undefined || value === null || typeof value === 'object' ? '' : String(value)];
          }),
        );
        const eventId = await recordEvent<RuleLetterRequestedData>(em, {
          type: EVENT_TYPES.ruleLetterRequested,
          source: SOURCE,
          subject: ref.firingId,
          data: {
            ...ref,
            letterId,
            templateName: action.templateName,
            recipientPartyId: recipient.id,
            unit: action.unit,
            values,
            requestedAt: now.toISOString(),
          },
        });
        return { eventId, letterId };
      }
    }
  }
}

/** The party a path of the event names, or why there is none (the firing says so instead of acting). */
async function partyAt(
  em: EntityManager,
  view: RuleEventView,
  path: string,
): Promise<{ id: string; kind: 'person' | 'organisation' } | string> {
  const id = valueAt(view, path);
  if (typeof id !== 'string' || !UUID.test(id)) return `no party id at ${path}`;
  const [party] = await em.query(`SELECT kind FROM party WHERE id = $1`, [id]);
  if (!party) return `party ${id} is not in the register`;
  return { id, kind: party.kind === 'organisation' ? 'organisation' : 'person' };
}
