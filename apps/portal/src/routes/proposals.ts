import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '@kommuna/platform-page-server';
import type { Session } from '../http/sessions';
import { ProposalFormState, proposalsPage } from '../pages/proposals';
import type { PortalKit } from './kit';

/** A form's text fields by name: strings cut to a sane length, anything else empty. */
const fields = (body: unknown, names: string[]): Record<string, string> =>
  Object.fromEntries(
    names.map((name) => {
      const value = (body as Record<string, unknown> | undefined)?.[name];
      return [name, typeof value === 'string' ? value.slice(0, 4000) : ''];
    }),
  );
const orNull = (value: string) => (value.trim() === '' ? null : value.trim());

/** Proposals for shared services: the list for readers, the forms for the steering group. */
export const proposalRoutes: FastifyPluginAsync<PortalKit> = async (app, kit) => {
  const { page, data, context, send, checkPost, refuseCsrf } = kit;

  const render = async (request: FastifyRequest, reply: FastifyReply, session: Session, status: number, state?: ProposalFormState) => {
    const view = await data.proposals(session.accessToken);
    const ctx = context(request, session);
    return send(reply, status, ctx, proposalsPage(ctx.lang, view, session.csrfToken, state));
  };

  /** Runs a form's mutation; a refusal the api explains is shown beside the form, anything else is the page's error. */
  const submit = (
    form: (request: FastifyRequest) => ProposalFormState['form'],
    names: string[],
    run: (token: string, values: Record<string, string>, request: FastifyRequest) => Promise<unknown>,
  ) =>
    page(async (request, reply, session) => {
      if (!checkPost(request, session)) return refuseCsrf(request, reply, session);
      const values = fields(request.body, names);
      try {
        await run(session.accessToken, values, request);
      } catch (error) {
        if (!(error instanceof ApiError) || (error.code !== 'VALIDATION_FAILED' && error.code !== 'GRAPHQL_VALIDATION_FAILED')) throw error;
        const errors = Array.isArray(error.details) ? (error.details as ProposalFormState['errors']) : [];
        return render(request, reply, session, 422, { form: form(request), values, errors, message: error.message });
      }
      return reply.redirect('/proposals', 303);
    });
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;

  app.get(
    '/proposals',
    page((request, reply, session) => render(request, reply, session, 200)),
  );

  app.post(
    '/proposals',
    submit(
      () => 'propose',
      ['titleSv', 'titleEn', 'descriptionSv', 'descriptionEn', 'origin', 'supplier', 'estimatedYearlyCostSek', 'proposedBy'],
      (token, v) => {
        const cost = v.estimatedYearlyCostSek.replace(/\s/g, '');
        return data.propose(token, {
          title: { sv: v.titleSv, en: v.titleEn },
          description: { sv: v.descriptionSv, en: v.descriptionEn },
          origin: v.origin,
          supplier: orNull(v.supplier),
          // Not a whole number: sent as it is, so the api names the field.
          estimatedYearlyCostSek: cost === '' ? null : /^\d+$/.test(cost) ? Number(cost) : Number(cost.replace(',', '.')),
          proposedBy: v.proposedBy,
        });
      },
    ),
  );

  app.post(
    '/proposals/:id/interest',
    submit(
      (request) => `interest:${idOf(request)}`,
      ['municipality', 'note'],
      (token, v, request) =>
        data.registerInterest(token, { proposalId: idOf(request), municipality: v.municipality, note: orNull(v.note) }),
    ),
  );

  app.post(
    '/proposals/:id/decisions',
    submit(
      (request) => `decide:${idOf(request)}`,
      ['outcome', 'decidedOn', 'diaryNumber'],
      (token, v, request) =>
        data.decideProposal(token, { proposalId: idOf(request), outcome: v.outcome, decidedOn: v.decidedOn, diaryNumber: v.diaryNumber }),
    ),
  );
};
