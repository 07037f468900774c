import type { DecisionReason, LegalBasis } from '@kommuna/shared-service-contracts';
import { DecisionRule, FormDefinition, fieldsOf } from './definition';
import { evaluateLogic } from './logic/json-logic';

export type AutomatedOutcome =
  | { kind: 'decided'; outcome: 'approve' | 'reject'; rule: DecisionRule; reasons: DecisionReason[]; legalBasis: LegalBasis }
  | { kind: 'manual' };

/**
 * Runs a form's decision rules in order on validated answers: the first rule whose `when` holds
 * decides, and it is kept as the decision's reason with its legal basis; when none holds the
 * submission goes to manual handling. Pure, so the same answers always give the same outcome.
 */
export function evaluateDecisionRules(
  definition: Pick<FormDefinition, 'decisionRules' | 'steps'>,
  answers: Record<string, unknown>,
): AutomatedOutcome {
  const names = fieldsOf(definition).map((f) => f.name);
  for (const rule of definition.decisionRules) {
    if (evaluateLogic(rule.when, answers, names)) {
      return {
        kind: 'decided',
        outcome: rule.outcome,
        rule,
        reasons: [{ ruleId: rule.id, text: rule.reason, legalBasis: rule.legalBasis }],
        legalBasis: rule.legalBasis,
      };
    }
  }
  return { kind: 'manual' };
}

/** The event contract's words for an outcome. */
export const CONTRACT_OUTCOME = { approve: 'approval', reject: 'rejection' } as const;
