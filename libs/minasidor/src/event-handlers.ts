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
import { CaseIntake, EFORMS_SOURCE, IntakeCase } from './case-intake';
import { withSafeLinks } from './document-links';

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
        if (event.type === EVENT_TYPES.formSubmissionReceived)
          return submissionReceived(intake, em, event.data as FormSubmissionReceivedData);
        return followUp(intake, em, event as SubmissionEvent);
      },
    },
  ];
}

/** An e-forms event that follows a submission's own: it needs the submission's case. */
type SubmissionEvent = Pick<OutboxEvent, 'id' | 'type' | 'occurredAt'> & {
  data: FormDecisionMadeData | FormCompletionRequestedData | FormCompletionProvidedData | FormSubmissionRegisteredData;
};

async function submissionReceived(intake: CaseIntake, em: EntityManager, data: FormSubmissionReceivedData): Promise<void> {
  // An anonymous submission has no one to show it to.
  if (!data.subjectPartyId || !data.subjectKind) return;
  const { created } = await intake.upsertCaseIn(em, {
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
  if (!created) return;
  // Events about the submission that came first waited for its case: applied now, in their order.
  await lockSubmission(em, data.submissionId);
  // TypeORM answers a DELETE with [rows, count].
  const [waiting]: [Array<{ event_id: string; type: string; data: SubmissionEvent['data']; occurred_at: Date }>, number] = await em.query(
    `DELETE FROM minasidor_waiting_submission_event WHERE tenant_id = $1 AND submission_id = $2
      RETURNING event_id, type, data, occurred_at`,
    [requestContext.tenantId(), data.submissionId],
  );
  waiting.sort((a, b) => new Date(a.occurred_at).getTime() - new Date(b.occurred_at).getTime() || a.event_id.localeCompare(b.event_id));
  for (const event of waiting) {
    await followUp(intake, em, { id: event.event_id, type: event.type, occurredAt: new Date(event.occurred_at), data: event.data });
  }
}

/**
 * Applies an event to its submission's case. An automated decision is usually recorded in the
 * same transaction as its submission, so both events carry the same time and may come in either
 * order: when the case is not there yet, the event waits in Mina sidor's own table until the
 * submission's event makes the case. Applying it again when it is delivered again changes nothing.
 */
async function followUp(intake: CaseIntake, em: EntityManager, event: SubmissionEvent): Promise<void> {
  // An anonymous submission has no one to show it to.
  if (!event.data.subjectPartyId) return;
  const key = { source: EFORMS_SOURCE, externalCaseId: event.data.submissionId };
  let row = await intake.findCase(em, key);
  if (!row) {
    // Another worker may be making the case right now: after its lock, its case is committed or
    // it will find this waiting event.
    await lockSubmission(em, event.data.submissionId);
    row = await intake.findCase(em, key);
  }
  if (!row) {
    await em.query(
      `INSERT INTO minasidor_waiting_submission_event (tenant_id, event_id, submission_id, type, data, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, event_id) DO NOTHING`,
      [requestContext.tenantId(), event.id, event.data.submissionId, event.type, JSON.stringify(event.data), event.occurredAt],
    );
    return;
  }
  switch (event.type) {
    case EVENT_TYPES.formDecisionMade:
      return decisionMade(intake, em, row, event.data as FormDecisionMadeData);
    case EVENT_TYPES.formCompletionRequested:
      return completionRequested(intake, em, row, event.data as FormCompletionRequestedData);
    case EVENT_TYPES.formCompletionProvided:
      return completionProvided(intake, em, row, event.data as FormCompletionProvidedData);
    case EVENT_TYPES.formSubmissionRegistered:
      return submissionRegistered(intake, em, row, event.data as FormSubmissionRegisteredData);
  }
}

/**
 * Serialises, per submission, making its case with parking an event for it: held to the end of the
 * transaction, so on a server two workers never each miss the other's uncommitted row.
 */
async function lockSubmission(em: EntityManager, submissionId: string): Promise<void> {
  await em.query(`SELECT pg_advisory_xact_lock(hashtextextended('minasidor_submission:' || $1 || ':' || $2, 0))`, [
    requestContext.tenantId(),
    submissionId,
  ]);
}

async function decisionMade(intake: CaseIntake, em: EntityManager, row: IntakeCase, data: FormDecisionMadeData): Promise<void> {
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

async function completionRequested(
  intake: CaseIntake,
  em: EntityManager,
  row: IntakeCase,
  data: FormCompletionRequestedData,
): Promise<void> {
  await intake.applyStatus(em, row, {
    status: 'completion_requested',
    occurredAt: new Date(data.requestedAt),
    whoseTurn: 'citizen',
    text: data.message,
  });
}

/** The citizen gave the completion: the case goes back to the municipality. They did it, so no notice. */
async function completionProvided(intake: CaseIntake, em: EntityManager, row: IntakeCase, data: FormCompletionProvidedData): Promise<void> {
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
async function submissionRegistered(
  intake: CaseIntake,
  em: EntityManager,
  row: IntakeCase,
  data: FormSubmissionRegisteredData,
): Promise<void> {
  await intake.recordRegistrationIn(em, row, { caseSystemReference: data.caseSystemReference, registeredAt: new Date(data.registeredAt) });
}
