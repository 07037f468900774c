import type { EntityManager } from 'typeorm';
import { appendAuditEntry, auditActor } from '@kommuna/platform-audit';
import { recordEvent } from '@kommuna/platform-events';
import { DecisionReason, EVENT_TYPES, FormCompletionRequestedData, FormDecisionMadeData, LegalBasis, LocalizedText } from '@kommuna/shared-service-contracts';
import { CONTRACT_OUTCOME } from '../decision-rules';
import { FormDefinition } from '../definition';
import { repository, SubmissionRow } from '../repository';

export const EVENT_SOURCE = '/e-forms';

/** Stores a decision, marks the submission decided and emits the decision event: one transaction (the caller's). */
export async function recordDecision(
  em: EntityManager,
  tenantId: string,
  submission: Pick<SubmissionRow, 'id' | 'errandNumber' | 'subjectPartyId' | 'status'>,
  definition: FormDefinition,
  decision: { outcome: 'approve' | 'reject'; automated: boolean; reasons: DecisionReason[]; legalBasis: LegalBasis | null; decidedBy: string | null; decidedAt: Date },
): Promise<string> {
  const decisionId = await repository.insertDecision(em, tenantId, { submissionId: submission.id, subjectPartyId: submission.subjectPartyId, ...decision });
  // An automated decision at submission inserts the submission already decided.
  if (submission.status !== 'decided') await repository.setSubmissionStatus(em, tenantId, submission.id, 'decided', decision.decidedAt);
  const data: FormDecisionMadeData = {
    submissionId: submission.id,
    errandNumber: submission.errandNumber,
    decisionId,
    decisionType: definition.decisionType ?? definition.caseType,
    outcome: CONTRACT_OUTCOME[decision.outcome],
    automated: decision.automated,
    reasons: decision.reasons,
    ...(decision.legalBasis ? { legalBasis: decision.legalBasis } : {}),
    decidedAt: decision.decidedAt.toISOString(),
    subjectPartyId: submission.subjectPartyId,
    ...(definition.appealInstructions ? { appealInstructions: definition.appealInstructions } : {}),
  };
  await recordEvent<FormDecisionMadeData>(em, { type: EVENT_TYPES.formDecisionMade, source: EVENT_SOURCE, subject: submission.id, data });
  // Automated decisions above all must be explainable afterwards: who (which rules) decided what, when.
  await appendAuditEntry(
    em,
    {
      actor: decision.decidedBy ? auditActor.staff(decision.decidedBy) : auditActor.system('decision-rules'),
      action: decision.automated ? 'eforms.decision.automated' : 'eforms.decision.manual',
      targetType: 'eforms_submission',
      targetId: submission.id,
      details: { errandNumber: submission.errandNumber, decisionId, outcome: decision.outcome, rules: decision.reasons.map((r) => r.ruleId) },
    },
    decision.decidedAt,
  );
  return decisionId;
}

export async function recordCompletionRequest(
  em: EntityManager,
  tenantId: string,
  submission: Pick<SubmissionRow, 'id' | 'errandNumber' | 'subjectPartyId'>,
  message: LocalizedText,
  at: Date,
): Promise<void> {
  await repository.setSubmissionStatus(em, tenantId, submission.id, 'completion_requested', at, message);
  await recordEvent<FormCompletionRequestedData>(em, {
    type: EVENT_TYPES.formCompletionRequested,
    source: EVENT_SOURCE,
    subject: submission.id,
    data: { submissionId: submission.id, errandNumber: submission.errandNumber, message, requestedAt: at.toISOString(), subjectPartyId: submission.subjectPartyId },
  });
}
