import type { EntityManager } from 'typeorm';
import { appendAuditEntry, auditActor } from '@kommuna/platform-audit';
import { recordEvent } from '@kommuna/platform-events';
import { stockholmDay } from '@kommuna/shared-identifiers';
import {
  EVENT_TYPES,
  FormCompletionProvidedData,
  FormCompletionRequestedData,
  FormDecisionMadeData,
  LocalizedText,
} from '@kommuna/shared-service-contracts';
import { CONTRACT_OUTCOME } from '../decision-rules';
import { FormDefinition } from '../definition';
import { EFormsError } from '../errors';
import { decisionDocumentPath } from '../receipt';
import { DecisionContent, repository, SubmissionRow } from '../repository';
import { decisionDocumentName } from '../decision-pdf';

export const EVENT_SOURCE = '/e-forms';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date as YYYY-MM-DD that exists (no 30 February), or null when not given. */
function calendarDate(value: unknown, what: string): string | null {
  if (value === undefined || value === null) return null;
  const at = typeof value === 'string' && ISO_DATE.test(value) ? new Date(`${value}T00:00:00Z`) : undefined;
  if (!at || Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== value) {
    throw new EFormsError('VALIDATION_FAILED', `${what} must be a date written YYYY-MM-DD, e.g. 2026-03-01`);
  }
  return value;
}

/**
 * The validity of a decision: only a granted one has any. It starts on the day asked for, or the
 * decision's own day; without an end it holds until further notice; an end before its start is refused.
 */
export function decisionValidity(
  outcome: 'approve' | 'reject',
  input: { validFrom?: unknown; validTo?: unknown },
  decidedAt: Date,
): { validFrom: string | null; validTo: string | null } {
  const from = calendarDate(input.validFrom, 'validFrom');
  const to = calendarDate(input.validTo, 'validTo');
  if (outcome === 'reject') {
    if (from || to) throw new EFormsError('VALIDATION_FAILED', 'A rejection grants nothing, so it has no validity period');
    return { validFrom: null, validTo: null };
  }
  // The decision's own day in Sweden, where its validity starts.
  const validFrom = from ?? stockholmDay(decidedAt);
  if (to && to < validFrom) throw new EFormsError('VALIDATION_FAILED', `validTo (${to}) is before validFrom (${validFrom})`);
  return { validFrom, validTo: to };
}

/** Stores a decision, marks the submission decided and emits the decision event: one transaction (the caller's). */
export async function recordDecision(
  em: EntityManager,
  tenantId: string,
  submission: Pick<SubmissionRow, 'id' | 'errandNumber' | 'subjectPartyId' | 'status'>,
  definition: FormDefinition,
  decision: DecisionContent,
): Promise<string> {
  const decisionId = await repository.insertDecision(em, tenantId, {
    submissionId: submission.id,
    subjectPartyId: submission.subjectPartyId,
    ...decision,
  });
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
    ...(decision.validFrom ? { validFrom: decision.validFrom } : {}),
    ...(decision.validTo ? { validTo: decision.validTo } : {}),
    documents: [
      { name: decisionDocumentName(submission.errandNumber), url: decisionDocumentPath(decisionId), ref: `e-forms/decision/${decisionId}` },
    ],
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
      details: {
        errandNumber: submission.errandNumber,
        decisionId,
        outcome: decision.outcome,
        rules: decision.reasons.map((r) => r.ruleId),
      },
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
    data: {
      submissionId: submission.id,
      errandNumber: submission.errandNumber,
      message,
      requestedAt: at.toISOString(),
      subjectPartyId: submission.subjectPartyId,
    },
  });
}

/** The citizen gave the completion asked for: the errand is the unit's turn again. */
export async function recordCompletionProvided(
  em: EntityManager,
  submission: Pick<SubmissionRow, 'id' | 'errandNumber' | 'subjectPartyId'>,
  at: Date,
): Promise<void> {
  await recordEvent<FormCompletionProvidedData>(em, {
    type: EVENT_TYPES.formCompletionProvided,
    source: EVENT_SOURCE,
    subject: submission.id,
    data: {
      submissionId: submission.id,
      errandNumber: submission.errandNumber,
      providedAt: at.toISOString(),
      subjectPartyId: submission.subjectPartyId,
    },
  });
}
