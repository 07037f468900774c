import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '@kommuna/platform-page-server';
import type { RouteKit } from '../http/route-kit';
import type { Session } from '../http/sessions';
import { Lang, t } from '../i18n';
import type { ControlProblem } from '../pages/error-summary';
import { messagePage } from '../pages/layout';
import type { WebTenant } from '../tenants';
import { aiControlLabel, aiDraftPage, aiDraftPath, aiErrandPage, recordingRequired, sizeText } from './ai-pages';
import { AI_DRAFTS, AI_ERRAND, AiDraftView, AiErrand, DRAFT_CASE_SUMMARY, REVIEW_AI_DRAFT } from './ai-queries';

/** The api's refusals of an AI request, shown on the page instead of an error page (each has a clear message). */
const AI_REFUSALS = [
  'AI_MODEL_NOT_CLEARED',
  'AI_QUOTA_EXCEEDED',
  'AI_PROVIDER_FAILED',
  'AUDIO_REJECTED',
  'PAYLOAD_TOO_LARGE',
  'VALIDATION_FAILED',
  'CONFLICT',
];

/** The recording's media type by its name; the api reads what the file really is and refuses what it cannot decode. */
const RECORDING_TYPES: Record<string, string> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  oga: 'audio/ogg',
  m4a: 'audio/mp4',
  webm: 'audio/webm',
};

/**
 * The web takes a recording of at most this size, the api's own limit (a 20-minute call is about
 * 5 MB as WebM Opus, 38 MB as 16 kHz WAV); forms' attachments keep their smaller limit.
 */
export const MAX_RECORDING_BYTES = 50 * 1024 * 1024;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The AI pages of the case-worker workspace. Every read and write goes through the api with the
 * case worker's token: the api keeps unit secrecy (another unit's errand, case or draft is not
 * found), routes to a model cleared for the case's class, audits, and keeps the approval gate.
 */
export function registerAiRoutes(app: FastifyInstance, kit: RouteKit): void {
  const isCaseWorker = (session: Session) => session.user.roles.includes('case_worker');
  const notCaseWorker = (request: FastifyRequest, reply: FastifyReply, tenant: WebTenant, session: Session) => {
    const ctx = kit.context(request, tenant, session);
    return kit.send(reply, 403, ctx, messagePage(t(ctx.lang, 'forbiddenTitle'), t(ctx.lang, 'notCaseWorker')));
  };
  const submissionId = (request: FastifyRequest) => (request.params as { id: string }).id;

  const loadErrand = (tenant: WebTenant, session: Session, id: string) =>
    kit.api.query<AiErrand>(kit.caller(tenant, session), AI_ERRAND, { id });
  const loadDrafts = async (tenant: WebTenant, session: Session, errand: AiErrand): Promise<AiDraftView[]> =>
    errand.staffCaseOfSubmission
      ? (
          await kit.api.query<{ aiDrafts: AiDraftView[] }>(kit.caller(tenant, session), AI_DRAFTS, {
            caseId: errand.staffCaseOfSubmission.id,
          })
        ).aiDrafts
      : [];

  const showErrand = async (
    request: FastifyRequest,
    reply: FastifyReply,
    tenant: WebTenant,
    session: Session,
    status: number,
    problems: ControlProblem[] = [],
  ) => {
    const ctx = kit.context(request, tenant, session);
    const errand = await loadErrand(tenant, session, submissionId(request));
    const drafts = await loadDrafts(tenant, session, errand);
    return kit.send(
      reply,
      status,
      ctx,
      aiErrandPage(ctx.lang, errand, drafts, { csrfToken: session.csrfToken, maxRecordingBytes: MAX_RECORDING_BYTES, problems }),
    );
  };

  /** The errand's Mina sidor case, or a not-found the server answers with its 404 page. */
  const caseOf = (errand: AiErrand): string => {
    if (!errand.staffCaseOfSubmission) throw new ApiError('NOT_FOUND', 'The errand has no Mina sidor case yet');
    return errand.staffCaseOfSubmission.id;
  };

  /** Makes a draft and goes to it (303), or shows the api's refusal on the errand's AI page (422). */
  const draftThen = async (
    request: FastifyRequest,
    reply: FastifyReply,
    tenant: WebTenant,
    session: Session,
    control: 'recording' | 'ai-summarise',
    make: () => Promise<string>,
  ) => {
    try {
      const draftId = await make();
      return reply.redirect(aiDraftPath(submissionId(request), draftId), 303);
    } catch (error) {
      if (!(error instanceof ApiError) || !AI_REFUSALS.includes(error.code)) throw error;
      return showErrand(request, reply, tenant, session, 422, [
        { control, label: aiControlLabel(kit.langOf(request), control), message: refusalText(kit.langOf(request), error) },
      ]);
    }
  };

  app.get(
    '/workspace/submissions/:id/ai',
    kit.resident(async (request, reply, tenant, session) => {
      if (!isCaseWorker(session)) return notCaseWorker(request, reply, tenant, session);
      return showErrand(request, reply, tenant, session, 200);
    }),
  );

  app.post(
    '/workspace/submissions/:id/ai/summary',
    kit.residentPost(async (request, reply, tenant, session) => {
      if (!isCaseWorker(session)) return notCaseWorker(request, reply, tenant, session);
      const errand = await loadErrand(tenant, session, submissionId(request));
      const name = errand.formSubmissionApplicant?.name;
      return draftThen(request, reply, tenant, session, 'ai-summarise', async () => {
        const { draftCaseSummary } = await kit.api.query<{ draftCaseSummary: { id: string } }>(
          kit.caller(tenant, session),
          DRAFT_CASE_SUMMARY,
          // The applicant's name from the register is hidden from the model like the identity number.
          { caseId: caseOf(errand), knownNames: name ? [name] : null },
        );
        return draftCaseSummary.id;
      });
    }),
  );

  app.post(
    '/workspace/submissions/:id/ai/call',
    { config: { maxFileBytes: MAX_RECORDING_BYTES } },
    kit.residentPost(async (request, reply, tenant, session) => {
      if (!isCaseWorker(session)) return notCaseWorker(request, reply, tenant, session);
      const lang = kit.langOf(request);
      const file = kit.postedFiles(request).find((f) => f.name === 'recording' && f.fileName);
      const problem = recordingProblem(lang, file);
      if (problem || !file)
        return showErrand(request, reply, tenant, session, 422, [
          { control: 'recording', label: aiControlLabel(lang, 'recording'), message: problem ?? '' },
        ]);
      const errand = await loadErrand(tenant, session, submissionId(request));
      const name = errand.formSubmissionApplicant?.name;
      return draftThen(request, reply, tenant, session, 'recording', async () => {
        const query = new URLSearchParams({ purpose: 'dokumentation av samtal' });
        if (name) query.append('knownName', name);
        return uploadRecording(kit, tenant, session, caseOf(errand), file.fileName, file.data, query);
      });
    }),
  );

  app.get(
    '/workspace/submissions/:id/ai/drafts/:draftId',
    kit.resident(async (request, reply, tenant, session) => {
      if (!isCaseWorker(session)) return notCaseWorker(request, reply, tenant, session);
      const done = (request.query as Record<string, unknown>).done;
      return showDraft(request, reply, tenant, session, 200, { done: done === 'approved' || done === 'rejected' ? done : undefined });
    }),
  );

  app.post(
    '/workspace/submissions/:id/ai/drafts/:draftId/review',
    kit.residentPost(async (request, reply, tenant, session) => {
      if (!isCaseWorker(session)) return notCaseWorker(request, reply, tenant, session);
      const lang = kit.langOf(request);
      const { draftId } = request.params as { draftId: string };
      const decision = kit.postedValue(request, 'decision');
      const posted = kit.postedValue(request, 'text') ?? '';
      if (decision !== 'approve' && decision !== 'reject') {
        return showDraft(request, reply, tenant, session, 422, {
          problems: [
            {
              control: 'ai-approve',
              label: aiControlLabel(lang, 'ai-approve'),
              message: lang === 'sv' ? 'Välj Godkänn eller Avvisa' : 'Choose Approve or Reject',
            },
          ],
          postedText: posted,
        });
      }
      if (decision === 'approve' && !posted.trim()) {
        return showDraft(request, reply, tenant, session, 422, {
          problems: [{ control: 'review-text', label: aiControlLabel(lang, 'review-text'), message: t(lang, 'required') }],
          postedText: posted,
        });
      }
      try {
        // Browsers post a textarea's line breaks as CRLF; the draft's text has LF, and an
        // unchanged text must count as no edit.
        const text = decision === 'approve' ? posted.replace(/\r\n/g, '\n') : null;
        await kit.api.query(kit.caller(tenant, session), REVIEW_AI_DRAFT, { id: draftId, approve: decision === 'approve', text });
      } catch (error) {
        if (!(error instanceof ApiError) || !AI_REFUSALS.includes(error.code)) throw error;
        return showDraft(request, reply, tenant, session, 422, {
          problems: [{ control: 'review-text', label: aiControlLabel(lang, 'review-text'), message: error.message }],
          postedText: posted,
        });
      }
      return reply.redirect(`${aiDraftPath(submissionId(request), draftId)}?done=${decision === 'approve' ? 'approved' : 'rejected'}`, 303);
    }),
  );

  const showDraft = async (
    request: FastifyRequest,
    reply: FastifyReply,
    tenant: WebTenant,
    session: Session,
    status: number,
    extra: { done?: 'approved' | 'rejected'; problems?: ControlProblem[]; postedText?: string },
  ) => {
    const ctx = kit.context(request, tenant, session);
    const { draftId } = request.params as { draftId: string };
    const errand = await loadErrand(tenant, session, submissionId(request));
    const draft = UUID.test(draftId) ? (await loadDrafts(tenant, session, errand)).find((d) => d.id === draftId) : undefined;
    // A draft of another errand (or unit) is not found here, as the api answers for another unit.
    if (!draft) throw new ApiError('NOT_FOUND', 'No such draft');
    return kit.send(reply, status, ctx, aiDraftPage(ctx.lang, errand, draft, { csrfToken: session.csrfToken, ...extra }));
  };
}

/** The api's refusal in words: its own message, except for a failed model host, whose message the api keeps to itself (a 502). */
function refusalText(lang: Lang, error: ApiError): string {
  if (error.code !== 'AI_PROVIDER_FAILED') return error.message;
  return lang === 'sv'
    ? 'Modellen svarade inte, inte heller efter nya försök. Inget utkast sparades; försök igen om en stund.'
    : 'The model did not answer, not even after retrying. No draft was saved; try again in a while.';
}

/** Why the web refuses a posted recording before the api sees it, or undefined. */
export function recordingProblem(lang: Lang, file: { fileName: string; data: Buffer; tooLarge: boolean } | undefined): string | undefined {
  if (!file) return recordingRequired(lang);
  if (file.tooLarge) {
    const size = sizeText(MAX_RECORDING_BYTES);
    return lang === 'sv' ? `Inspelningen är större än ${size}` : `The recording is larger than ${size}`;
  }
  if (file.data.length === 0) return lang === 'sv' ? 'Inspelningen är tom' : 'The recording is empty';
  if (!RECORDING_TYPES[extensionOf(file.fileName)])
    return lang === 'sv'
      ? 'Filen är ingen inspelning: välj en WAV-, MP3-, M4A-, Ogg- eller WebM-fil'
      : 'The file is not a recording: choose a WAV, MP3, M4A, Ogg or WebM file';
  return undefined;
}

const extensionOf = (fileName: string) => /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';

/** POST /ai/cases/{caseId}/call-notes on the api: the body is the recording, the answer the draft note. */
async function uploadRecording(
  kit: RouteKit,
  tenant: WebTenant,
  session: Session,
  caseId: string,
  fileName: string,
  data: Buffer,
  query: URLSearchParams,
): Promise<string> {
  const response = await fetch(`${kit.apiOrigin}/ai/cases/${encodeURIComponent(caseId)}/call-notes?${query.toString()}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${session.accessToken}`,
      'x-kommuna-tenant': tenant.slug,
      'content-type': RECORDING_TYPES[extensionOf(fileName)],
    },
    body: new Uint8Array(data),
    // Transcription waits on the model host: longer than a page's read.
    signal: AbortSignal.timeout(120_000),
  }).catch((error: Error) => {
    throw new ApiError('API_UNAVAILABLE', `The api cannot be reached (${error.message})`);
  });
  const body = (await response.json().catch(() => undefined)) as { id?: string; code?: string; message?: string } | undefined;
  if (response.ok && body?.id) return body.id;
  throw new ApiError(body?.code ?? 'API_UNAVAILABLE', body?.message ?? `The api answered ${response.status} to the recording`);
}
