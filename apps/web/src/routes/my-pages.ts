import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { answersFromEntries } from '../forms/answers';
import type { FieldProblem } from '../forms/form-view';
import { answerAttachments } from '../forms/uploads';
import { ApiError } from '@kommuna/platform-page-server';
import {
  CaseDetail,
  MARK_MESSAGES_READ,
  MY_CASE,
  MY_SUBMISSION,
  MySubmission,
  PROVIDE_COMPLETION,
  PUBLISHED_FORM,
  PublishedForm,
  REPLY_TO_CASE,
} from '../http/queries';
import type { RouteKit } from '../http/route-kit';
import type { Session } from '../http/sessions';
import { t } from '../i18n';
import { casePage, CasePageOptions, casePath, completionPage, CompletionState } from '../pages/my-pages';
import type { WebTenant } from '../tenants';

/** Company mode's organisationsnummer from the address or the posted form; anything else is no company. */
export function asOrganisationOf(value: unknown): string | null {
  return typeof value === 'string' && /^\d{6}-?\d{4}$/.test(value) ? value : null;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const MAX_MESSAGE = 10_000;

/**
 * Mina sidor's case: read it (the municipality's messages are marked read), write to the
 * municipality, and give a completion it asked for, files included, in place.
 */
export function registerMyPagesRoutes(app: FastifyInstance, kit: RouteKit, formScript: string): void {
  const loadCase = async (tenant: WebTenant, session: Session, id: string, as: string | null = null) =>
    (await kit.api.query<{ myCase: CaseDetail }>(kit.caller(tenant, session), MY_CASE, { id, as })).myCase;

  /** The e-forms submission behind a case of this municipality (a completion is given where the errand was made). */
  const loadSubmission = async (tenant: WebTenant, session: Session, c: CaseDetail) =>
    c.submissionId && c.municipality.slug === tenant.slug
      ? (await kit.api.query<{ formReceipt: MySubmission }>(kit.caller(tenant, session), MY_SUBMISSION, { id: c.submissionId })).formReceipt
      : undefined;

  const showCase = async (
    request: FastifyRequest,
    reply: FastifyReply,
    tenant: WebTenant,
    session: Session,
    status: number,
    options: Omit<CasePageOptions, 'csrfToken' | 'completionRequest'>,
  ) => {
    const ctx = kit.context(request, tenant, session);
    const id = (request.params as { id: string }).id;
    const as = asOrganisationOf((request.query as Record<string, unknown>).as ?? kit.postedValue(request, 'as'));
    let c = await loadCase(tenant, session, id, as);
    if (c.unreadCount > 0) {
      // Shown is read: the municipality sees that the resident has read its messages.
      await kit.api.query(kit.caller(tenant, session), MARK_MESSAGES_READ, { caseId: c.id, as });
      c = { ...c, unreadCount: 0 };
    }
    // A completion is given by the applicant themselves (the errand's submission is theirs), not in company mode.
    const submission = c.status.status === 'COMPLETION_NEEDED' && !as ? await loadSubmission(tenant, session, c) : undefined;
    return kit.send(
      reply,
      status,
      ctx,
      casePage(ctx.lang, c, {
        ...options,
        asOrganisation: as,
        csrfToken: session.csrfToken,
        completionRequest: submission?.completionRequest ?? null,
      }),
    );
  };

  // GDPR art. 15: everything Mina sidor holds about the resident, from every municipality, as the api gives it.
  app.get(
    '/my-pages/my-data.json',
    kit.resident(async (_request, reply, tenant, session) => {
      const { myData } = await kit.api.query<{ myData: string }>(kit.caller(tenant, session), `{ myData }`);
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', 'attachment; filename="mina-uppgifter.json"')
        .send(myData);
    }),
  );

  app.get(
    '/my-pages/cases/:id',
    kit.resident(async (request, reply, tenant, session) => {
      const done = (request.query as Record<string, unknown>).done;
      return showCase(request, reply, tenant, session, 200, { done: done === 'completion' || done === 'message' ? done : undefined });
    }),
  );

  app.post(
    '/my-pages/cases/:id/messages',
    kit.residentPost(async (request, reply, tenant, session) => {
      const lang = kit.langOf(request);
      const id = (request.params as { id: string }).id;
      const body = (kit.postedValue(request, 'body') ?? '').trim();
      const as = asOrganisationOf(kit.postedValue(request, 'as'));
      const problem = !body ? t(lang, 'required') : body.length > MAX_MESSAGE ? t(lang, 'messageTooLong') : undefined;
      if (!problem) {
        try {
          await kit.api.query(kit.caller(tenant, session), REPLY_TO_CASE, { caseId: id, body, as });
          const path = casePath(id, as);
          return reply.redirect(`${path}${path.includes('?') ? '&' : '?'}done=message#messages`, 303);
        } catch (error) {
          if (!(error instanceof ApiError) || !['VALIDATION_FAILED', 'CASE_CLOSED'].includes(error.code)) throw error;
          return showCase(request, reply, tenant, session, 422, {
            reply: { body, problems: [{ control: 'reply', label: t(lang, 'writeMessage'), message: error.message }] },
          });
        }
      }
      return showCase(request, reply, tenant, session, 422, {
        reply: { body, problems: [{ control: 'reply', label: t(lang, 'writeMessage'), message: problem }] },
      });
    }),
  );

  /** The completion form, or why there is none (the case awaits no completion here): back to the case. */
  const completion = async (
    request: FastifyRequest,
    reply: FastifyReply,
    tenant: WebTenant,
    session: Session,
    work: (c: CaseDetail, submission: MySubmission, form: PublishedForm) => Promise<unknown>,
  ) => {
    const c = await loadCase(tenant, session, (request.params as { id: string }).id);
    const submission = await loadSubmission(tenant, session, c);
    if (!submission || submission.status !== 'completion_requested') return reply.redirect(casePath(c.id), 303);
    const { publishedForm } = await kit.api.query<{ publishedForm: PublishedForm }>({ tenant: tenant.slug }, PUBLISHED_FORM, {
      slug: submission.formSlug,
    });
    return work(c, submission, publishedForm);
  };

  const renderCompletion = (
    request: FastifyRequest,
    reply: FastifyReply,
    tenant: WebTenant,
    session: Session,
    status: number,
    c: CaseDetail,
    submission: MySubmission,
    form: PublishedForm,
    state: CompletionState,
  ) => {
    const ctx = kit.context(request, tenant, session);
    return kit.send(
      reply,
      status,
      ctx,
      completionPage(ctx.lang, c, submission, form.definition, state, { csrf: session.csrfToken }, formScript),
    );
  };

  app.get(
    '/my-pages/cases/:id/completion',
    kit.resident(async (request, reply, tenant, session) =>
      completion(request, reply, tenant, session, async (c, submission, form) => {
        const files = Object.fromEntries(submission.attachments.map((a) => [a.field, { id: a.id, fileName: a.fileName }]));
        return renderCompletion(request, reply, tenant, session, 200, c, submission, form, {
          answers: submission.data,
          problems: [],
          files,
        });
      }),
    ),
  );

  app.post(
    '/my-pages/cases/:id/completion',
    kit.residentPost(async (request, reply, tenant, session) =>
      completion(request, reply, tenant, session, async (c, submission, form) => {
        const lang = kit.langOf(request);
        const entries = kit.postedEntries(request);
        const answers = answersFromEntries(form.definition, entries);
        const uploaded = await answerAttachments(
          kit.api,
          kit.caller(tenant, session),
          form.definition,
          { submissionId: submission.submissionId },
          { entries, files: kit.postedFiles(request) },
          submission.attachments,
          answers,
          lang,
        );
        let problems: FieldProblem[] = uploaded.problems;
        if (problems.length === 0) {
          try {
            await kit.api.query(kit.caller(tenant, session), PROVIDE_COMPLETION, {
              id: submission.submissionId,
              data: answers,
              language: lang,
            });
            return reply.redirect(`${casePath(c.id)}?done=completion`, 303);
          } catch (error) {
            if (!(error instanceof ApiError) || !['SUBMISSION_INVALID', 'VALIDATION_FAILED'].includes(error.code)) throw error;
            problems = Array.isArray(error.details)
              ? error.details.filter((d): d is FieldProblem => isRecord(d) && typeof d.path === 'string' && typeof d.message === 'string')
              : [];
            if (problems.length === 0) problems = [{ path: '', message: error.message }];
          }
        }
        return renderCompletion(request, reply, tenant, session, 422, c, submission, form, { answers, problems, files: uploaded.files });
      }),
    ),
  );
}
