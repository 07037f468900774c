import type { EntityManager } from 'typeorm';
import type { EventHandler, OutboxEvent } from '@kommuna/platform-events';
import {
  EVENT_TYPES,
  FormCompletionProvidedData,
  FormCompletionRequestedData,
  FormDecisionMadeData,
  FormSubmissionReceivedData,
  FormSubmissionRegisteredData,
} from '@kommuna/shared-service-contracts';
import { requestContext } from '@kommuna/platform-tenancy';
import { CaseIntake, EFORMS_SOURCE } from './case-intake';
import { withSafeLinks } from './document-links';
import { CaseNotFoundError } from './errors';

/**
 * e-forms submissions become Mina sidor cases through the outbox (services never import each
 * other). Each handler runs inside the transaction that acknowledges its event and is
 * idempotent: the case is keyed by the submission id, decisions by their id, updates by time.
 */
export function minasidorEventHandlers(intake: CaseIntake): EventHandler[] {
  return [
    {
      name: 'minasidor.e-forms-cases',
      types: [
        EVENT_TYPES.formSubmissionReceived,
        EVENT_TYPES.formDecisionMade,
        EVENT_TYPES.formCompletionRequested,
        EVENT_TYPES.formCompletionProvided,
        EVENT_TYPES.formSubmissionRegistered,
      ],
      async handle(event: OutboxEvent, em: EntityManager): Promise<void> {
        // e-forms wrote each type's data to its contract in service-contracts.
        switch (event.type) {
          case EVENT_TYPES.formSubmissionReceived:
            return submissionReceived(intake, em, event.data as FormSubmissionReceivedData);
          case EVENT_TYPES.formDecisionMade:
            return decisionMade(intake, em, event.data as FormDecisionMadeData);
          case EVENT_TYPES.formCompletionRequested:
            return completionRequested(intake, em, event.data as FormCompletionRequestedData);
          case EVENT_TYPES.formCompletionProvided:
            return completionProvided(intake, em, event.data as FormCompletionProvidedData);
          case EVENT_TYPES.formSubmissionRegistered:
            return submissionRegistered(intake, em, event.data as FormSubmissionRegisteredData);
        }
      },
    },
  ];
}

async function submissionReceived(intake: CaseIntake, em: EntityManager, data: FormSubmissionReceivedData): Promise<void> {
  // An anonymous submission has no one to show it to.
  if (!data.subjectPartyId || !data.subjectKind) return;
  await intake.upsertCaseIn(em, {
    source: EFORMS_SOURCE,
    externalCaseId: data.submissionId,
    errandNumber: data.errandNumber,
    caseType: data.caseType,
    title: data.title,
    unit: data.unit,
    subjectPartyId: data.subjectPartyId,
    subjectKind: data.subjectKind,
    status: 'received',
    statusOccurredAt: new Date(data.submittedAt),
  });
}

async function decisionMade(intake: CaseIntake, em: EntityManager, data: FormDecisionMadeData): Promise<void> {
  const row = await submissionCase(intake, em, data.submissionId, data.subjectPartyId);
  if (!row) return;
  await intake.recordDecisionIn(em, row, {
    externalDecisionId: data.decisionId,
    decisionType: data.decisionType,
    outcome: data.outcome,
    legalBasis: data.legalBasis ?? null,
    decidedAt: new Date(data.decidedAt),
    reasons: data.reasons,
    appealInstructions: data.appealInstructions ?? null,
    automated: data.automated,
    validFrom: data.validFrom ?? null,
    validTo: data.validTo ?? null,
    // Only https or the platform's own links are kept, as for a municipal system's decisions.
    documents: withSafeLinks(data.documents ?? []),
  });
}

async function completionRequested(intake: CaseIntake, em: EntityManager, data: FormCompletionRequestedData): Promise<void> {
  const row = await submissionCase(intake, em, data.submissionId, data.subjectPartyId);
  if (!row) return;
  await intake.applyStatus(em, row, {
    status: 'completion_requested',
    occurredAt: new Date(data.requestedAt),
    whoseTurn: 'citizen',
    text: data.message,
  });
}

/** The citizen gave the completion: the case goes back to the municipality. They did it, so no notice. */
async function completionProvided(intake: CaseIntake, em: EntityManager, data: FormCompletionProvidedData): Promise<void> {
  const row = await submissionCase(intake, em, data.submissionId, data.subjectPartyId);
  if (!row) return;
  await intake.applyStatus(
    em,
    row,
    {
      status: 'received',
      occurredAt: new Date(data.providedAt),
      whoseTurn: 'municipality',
      kind: 'completion_provided',
      text: { sv: 'Du har skickat in kompletteringen.', en: 'You have sent in the completion.' },
      dedupeKey: `completion-provided:${data.providedAt}`,
    },
    { notify: false },
  );
}

/** The municipality's case system registered the errand: the resident sees its diarienummer. */
async function submissionRegistered(intake: CaseIntake, em: EntityManager, data: FormSubmissionRegisteredData): Promise<void> {
  const row = await submissionCase(intake, em, data.submissionId, data.subjectPartyId);
  if (!row) return;
  await intake.recordRegistrationIn(em, row, { caseSystemReference: data.caseSystemReference, registeredAt: new Date(data.registeredAt) });
}

/**
 * The case of a submission. An automated decision is usually recorded in the same transaction
 * as its submission, so both events carry the same time and may come in either order: when the
 * case is not there yet, the submission's own event (in this tenant's outbox, not yet published:
 * it is in this batch or a later one) is applied first. Applying it again when it is delivered
 * changes nothing. Once published, the case holds what Mina sidor needs, and the outbox may
 * delete the event (housekeeping), so only unpublished events are looked at (along the due index).
 */
async function submissionCase(intake: CaseIntake, em: EntityManager, submissionId: string, subjectPartyId: string | null) {
  if (!subjectPartyId) return undefined;
  const key = { source: EFORMS_SOURCE, externalCaseId: submissionId };
  const found = await intake.findCase(em, key);
  if (found) return found;
  const [received]: Array<{ data: FormSubmissionReceivedData }> = await em.query(
    `SELECT data FROM outbox_event WHERE tenant_id = $1 AND published_at IS NULL AND type = $2 AND data->>'submissionId' = $3
      ORDER BY occurred_at LIMIT 1`,
    [requestContext.tenantId(), EVENT_TYPES.formSubmissionReceived, submissionId],
  );
  // Not (yet) there: fail, so the outbox retries it later rather than losing it.
  if (!received) throw new CaseNotFoundError(`case for e-forms submission ${submissionId}`);
  await submissionReceived(intake, em, received.data);
  return intake.lockCase(em, key);
}
