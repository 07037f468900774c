import type { EntityManager } from 'typeorm';
import type { EventHandler, OutboxEvent } from '@kommuna/platform-events';
import { EVENT_TYPES, RuleCaseOpenedData, RuleDecisionMadeData } from '@kommuna/shared-service-contracts';
import type { CaseIntake } from './case-intake';

/** The source name of cases a municipality's rules open (reserved for the event path). */
export const RULES_SOURCE = 'rules';

/**
 * A municipality's rules (issue 18 item 6) open cases and make proactive decisions through the
 * outbox: a case keyed by the firing that opened it, a decision by its id, so a redelivered event
 * changes nothing. The resident sees the case, and the decision with its reasons and legal basis,
 * in Mina sidor, with the notices the other cases get.
 */
export function ruleCaseHandler(intake: CaseIntake): EventHandler {
  return {
    name: 'minasidor.rules-cases',
    types: [EVENT_TYPES.ruleCaseOpened, EVENT_TYPES.ruleDecisionMade],
    async handle(event: OutboxEvent, em: EntityManager): Promise<void> {
      if (event.type === EVENT_TYPES.ruleCaseOpened) return caseOpened(intake, em, event.data as RuleCaseOpenedData);
      if (event.type === EVENT_TYPES.ruleDecisionMade) return decisionMade(intake, em, event.data as RuleDecisionMadeData);
    },
  };
}

/** The case a firing opens: keyed by the firing, described as the rule's action says. */
const firingCase = (data: RuleCaseOpenedData | RuleDecisionMadeData) => ({
  source: RULES_SOURCE,
  externalCaseId: data.firingId,
  errandNumber: data.errandNumber,
  caseType: data.caseType,
  title: data.title,
  unit: data.unit,
  subjectPartyId: data.subjectPartyId,
  subjectKind: data.subjectKind,
});

async function caseOpened(intake: CaseIntake, em: EntityManager, data: RuleCaseOpenedData): Promise<void> {
  await intake.upsertCaseIn(em, {
    ...firingCase(data),
    status: 'in_progress',
    statusOccurredAt: new Date(data.openedAt),
    whoseTurn: 'municipality',
    statusText: data.message,
  });
}

async function decisionMade(intake: CaseIntake, em: EntityManager, data: RuleDecisionMadeData): Promise<void> {
  const decidedAt = new Date(data.decidedAt);
  const described = firingCase(data);
  await intake.upsertCaseIn(em, { ...described, status: 'received', statusOccurredAt: decidedAt });
  await intake.recordDecisionIn(em, await intake.lockCase(em, described), {
    externalDecisionId: data.decisionId,
    decisionType: data.decisionType,
    outcome: data.outcome,
    legalBasis: data.legalBasis,
    decidedAt,
    reasons: data.reasons,
    appealInstructions: data.appealInstructions ?? null,
    automated: true,
    validFrom: data.validFrom ?? null,
    validTo: data.validTo ?? null,
    documents: [],
  });
}
