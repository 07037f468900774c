import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '@kommuna/platform-page-server';
import type { RouteKit } from '../http/route-kit';
import type { Session } from '../http/sessions';
import { Lang, t } from '../i18n';
import type { ControlProblem } from '../pages/error-summary';
import { messagePage } from '../pages/layout';
import type { WebTenant } from '../tenants';
import { registerAiRoutes } from './ai-routes';
import { CaseDone, inboxPage, PostedCaseForm, staffCasePage, submissionPath } from './pages';
import {
  Applicant,
  DECIDE,
  ERRAND_CASE,
  ErrandCase,
  InboxPage,
  MESSAGE_RESIDENT,
  REQUEST_COMPLETION,
  STAFF_INBOX,
  STAFF_SUBMISSION,
  StaffSubmission,
  SUBMISSION_STATUSES,
  SubmissionStatus,
} from './queries';

const INBOX_PAGE_SIZE = 20;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** The api's refusals of a case worker's input, shown on the form instead of an error page. */
const INPUT_REFUSALS = ['VALIDATION_FAILED', 'SUBMISSION_ALREADY_DECIDED', 'DECISION_INVALID', 'CASE_CLOSED'];
const MAX_MESSAGE = 10_000;

/** The two texts of a bilingual field; English falls back to the Swedish text (the api keeps both). */
function bilingual(kit: RouteKit, request: FastifyRequest, name: string) {
  const sv = (kit.postedValue(request, `${name}Sv`) ?? '').trim();
  const en = (kit.postedValue(request, `${name}En`) ?? '').trim();
  return { sv, en: en || sv };
}

/** The posted fields of a case form, to show again with their problems. */
function postedValues(kit: RouteKit, request: FastifyRequest): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of kit.postedEntries(request)) if (name !== 'csrf' && !(name in values)) values[name] = value.slice(0, 4000);
  return values;
}

/**
 * The case-worker workspace: the inbox of the case worker's own unit, one submission with its
 * answers, and requesting completion or deciding it. The api draws the secrecy line (another
 * unit's submission is not found, every read is audited); the web only asks it.
 */
export function registerWorkspaceRoutes(app: FastifyInstance, kit: RouteKit): void {
  const isCaseWorker = (session: Session) => session.user.roles.includes('case_worker');
  const notCaseWorker = (request: FastifyRequest, reply: FastifyReply, tenant: WebTenant, session: Session) => {
    const ctx = kit.context(request, tenant, session);
    return kit.send(reply, 403, ctx, messagePage(t(ctx.lang, 'forbiddenTitle'), t(ctx.lang, 'notCaseWorker')));
  };

  /** The submission and who applied (the api audits both reads). */
  const loadSubmission = (tenant: WebTenant, session: Session, id: string) =>
    kit.api.query<{ formSubmission: StaffSubmission; formSubmissionApplicant: Applicant | null; staffCaseOfSubmission: ErrandCase | null }>(
      kit.caller(tenant, session),
      STAFF_SUBMISSION,
      {
        id,
      },
    );

  const showCase = async (
    request: FastifyRequest,
    reply: FastifyReply,
    tenant: WebTenant,
    session: Session,
    status: number,
    extra: { done?: CaseDone; posted?: PostedCaseForm } = {},
  ) => {
    const ctx = kit.context(request, tenant, session);
    const found = await loadSubmission(tenant, session, (request.params as { id: string }).id);
    return kit.send(
      reply,
      status,
      ctx,
      staffCasePage(ctx.lang, found.formSubmission, {
        ...extra,
        applicant: found.formSubmissionApplicant,
        errandCase: found.staffCaseOfSubmission,
        csrfToken: session.csrfToken,
      }),
    );
  };

  /** Re-shows the case with the form's problems (422), or goes back to it with what was done (303). */
  const afterPost = async (
    request: FastifyRequest,
    reply: FastifyReply,
    tenant: WebTenant,
    session: Session,
    form: PostedCaseForm['form'],
    problems: ControlProblem[],
    call: () => Promise<unknown>,
  ) => {
    const values = postedValues(kit, request);
    if (problems.length === 0) {
      try {
        await call();
        return reply.redirect(`${submissionPath((request.params as { id: string }).id)}?done=${form}`, 303);
      } catch (error) {
        if (!(error instanceof ApiError) || !INPUT_REFUSALS.includes(error.code)) throw error;
        problems = [{ control: '', label: '', message: error.message }];
      }
    }
    return showCase(request, reply, tenant, session, 422, { posted: { form, values, problems } });
  };

  app.get(
    '/workspace',
    kit.resident(async (request, reply, tenant, session) => {
      if (!isCaseWorker(session)) return notCaseWorker(request, reply, tenant, session);
      const ctx = kit.context(request, tenant, session);
      const query = request.query as Record<string, unknown>;
      const status = SUBMISSION_STATUSES.includes(query.status as SubmissionStatus) ? (query.status as SubmissionStatus) : undefined;
      const after = typeof query.after === 'string' && query.after.length > 0 && query.after.length < 500 ? query.after : undefined;
      const { me, formSubmissions } = await kit.api.query<{ me: { unit: string | null }; formSubmissions: InboxPage }>(
        kit.caller(tenant, session),
        STAFF_INBOX,
        { first: INBOX_PAGE_SIZE, after, status },
      );
      return kit.send(reply, 200, ctx, inboxPage(ctx.lang, me.unit, formSubmissions, status, after !== undefined));
    }),
  );

  app.get(
    '/workspace/submissions/:id',
    kit.resident(async (request, reply, tenant, session) => {
      if (!isCaseWorker(session)) return notCaseWorker(request, reply, tenant, session);
      const done = (request.query as Record<string, unknown>).done;
      return showCase(request, reply, tenant, session, 200, {
        done: done === 'completion' || done === 'decision' || done === 'message' ? done : undefined,
      });
    }),
  );

  app.post(
    '/workspace/submissions/:id/completion',
    kit.residentPost(async (request, reply, tenant, session) => {
      if (!isCaseWorker(session)) return notCaseWorker(request, reply, tenant, session);
      const lang = kit.langOf(request);
      const message = bilingual(kit, request, 'message');
      const problems: ControlProblem[] = message.sv
        ? []
        : [{ control: 'message-sv', label: t(lang, 'completionMessage'), message: t(lang, 'required') }];
      return afterPost(request, reply, tenant, session, 'completion', problems, () =>
        kit.api.query(kit.caller(tenant, session), REQUEST_COMPLETION, { id: (request.params as { id: string }).id, message }),
      );
    }),
  );

  // A message to the resident on the errand's Mina sidor case (the api finds the case for this unit only).
  app.post(
    '/workspace/submissions/:id/message',
    kit.residentPost(async (request, reply, tenant, session) => {
      if (!isCaseWorker(session)) return notCaseWorker(request, reply, tenant, session);
      const lang = kit.langOf(request);
      const body = (kit.postedValue(request, 'body') ?? '').trim();
      const problem = !body ? t(lang, 'required') : body.length > MAX_MESSAGE ? t(lang, 'messageTooLong') : undefined;
      const problems: ControlProblem[] = problem
        ? [{ control: 'resident-message', label: t(lang, 'writeToResident'), message: problem }]
        : [];
      return afterPost(request, reply, tenant, session, 'message', problems, async () => {
        const { staffCaseOfSubmission } = await kit.api.query<{ staffCaseOfSubmission: { id: string } | null }>(
          kit.caller(tenant, session),
          ERRAND_CASE,
          { id: (request.params as { id: string }).id },
        );
        if (!staffCaseOfSubmission) throw new ApiError('NOT_FOUND', 'The errand has no Mina sidor case yet');
        await kit.api.query(kit.caller(tenant, session), MESSAGE_RESIDENT, { caseId: staffCaseOfSubmission.id, body });
      });
    }),
  );

  app.post(
    '/workspace/submissions/:id/decision',
    kit.residentPost(async (request, reply, tenant, session) => {
      if (!isCaseWorker(session)) return notCaseWorker(request, reply, tenant, session);
      const lang = kit.langOf(request);
      const value = (name: string) => (kit.postedValue(request, name) ?? '').trim();
      const outcome = value('outcome');
      const reason = bilingual(kit, request, 'reason');
      const problems = decisionProblems(lang, { outcome, reason: reason.sv, validFrom: value('validFrom'), validTo: value('validTo') });
      const sfs = value('sfs');
      const input = {
        submissionId: (request.params as { id: string }).id,
        outcome,
        reason,
        legalBasis: sfs ? { sfs, chapter: value('chapter') || null, section: value('section') || null } : null,
        validFrom: outcome === 'approve' ? value('validFrom') || null : null,
        validTo: outcome === 'approve' ? value('validTo') || null : null,
      };
      return afterPost(request, reply, tenant, session, 'decision', problems, () =>
        kit.api.query(kit.caller(tenant, session), DECIDE, { input }),
      );
    }),
  );

  // The decision document at the platform's own link (the api's path): for the resident their
  // own, for a case worker their unit's; the api decides which.
  app.get(
    '/e-forms/decisions/:id/document.pdf',
    kit.resident(async (request, reply, tenant, session) =>
      kit.proxyFile(
        reply,
        tenant,
        session,
        `/e-forms/decisions/${encodeURIComponent((request.params as { id: string }).id)}/document.pdf`,
        {
          pdfOnly: true,
        },
      ),
    ),
  );

  // A file the resident attached: the api serves it to the case workers of the errand's unit only (404 else) and audits it.
  app.get(
    '/workspace/submissions/:id/attachments/:attachmentId',
    kit.resident(async (request, reply, tenant, session) => {
      if (!isCaseWorker(session)) return notCaseWorker(request, reply, tenant, session);
      const { id, attachmentId } = request.params as { id: string; attachmentId: string };
      return kit.proxyFile(
        reply,
        tenant,
        session,
        `/e-forms/submissions/${encodeURIComponent(id)}/attachments/${encodeURIComponent(attachmentId)}`,
      );
    }),
  );

  // The AI pages of an errand: summary, call note, review (./ai-routes).
  registerAiRoutes(app, kit);
}

/** What a decision form lacks, in the reader's language, each tied to its control. */
export function decisionProblems(
  lang: Lang,
  posted: { outcome: string; reason: string; validFrom: string; validTo: string },
): ControlProblem[] {
  const problems: ControlProblem[] = [];
  if (posted.outcome !== 'approve' && posted.outcome !== 'reject')
    problems.push({ control: 'outcome-approve', label: t(lang, 'outcome'), message: t(lang, 'required') });
  if (!posted.reason) problems.push({ control: 'reason-sv', label: t(lang, 'reason'), message: t(lang, 'required') });
  if (posted.validFrom && !DATE.test(posted.validFrom))
    problems.push({ control: 'valid-from', label: t(lang, 'validFrom'), message: t(lang, 'dateFormat') });
  if (posted.validTo && !DATE.test(posted.validTo))
    problems.push({ control: 'valid-to', label: t(lang, 'validTo'), message: t(lang, 'dateFormat') });
  if (DATE.test(posted.validFrom) && DATE.test(posted.validTo) && posted.validTo < posted.validFrom)
    problems.push({ control: 'valid-to', label: t(lang, 'validTo'), message: t(lang, 'dateOrder') });
  return problems;
}
