import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '@kommuna/platform-page-server';
import { stockholmDay } from '@kommuna/shared-identifiers';
import type { Session } from '../http/sessions';
import { cataloguePage } from '../pages/catalogue';
import { municipalityPage } from '../pages/municipality';
import { FormState, servicePage } from '../pages/service';
import { PortalKit } from './kit';

/** A form's text fields by name: strings cut to a sane length, anything else empty. */
const fields = (body: unknown, names: string[]): Record<string, string> =>
  Object.fromEntries(
    names.map((name) => [
      name,
      typeof (body as Record<string, unknown>)?.[name] === 'string'
        ? ((body as Record<string, string>)[name] as string).slice(0, 2000)
        : '',
    ]),
  );

/** The catalogue, a service's page with its follow-ups and decisions, and a municipality's page. */
export const catalogueRoutes: FastifyPluginAsync<PortalKit> = async (app, kit) => {
  const { page, data, context, send, yearOf, checkPost, refuseCsrf, langOf } = kit;

  app.get(
    '/catalogue',
    page(async (request, reply, session) => {
      const { year, years } = yearOf(request);
      const view = await data.catalogue(session.accessToken, year);
      const ctx = { ...context(request, session), demo: view.catalogueDemo };
      return send(reply, 200, ctx, cataloguePage(ctx.lang, view, year, years));
    }),
  );

  const renderService = async (request: FastifyRequest, reply: FastifyReply, session: Session, status: number, state?: FormState) => {
    const { id } = request.params as { id: string };
    const { year, years } = yearOf(request);
    const saved = (request.query as Record<string, string>).saved;
    const result = await data.service(session.accessToken, id, year);
    const ctx = { ...context(request, session), demo: result.catalogueDemo };
    return send(
      reply,
      status,
      ctx,
      servicePage(ctx.lang, result, year, years, session.csrfToken, { state, saved, today: stockholmDay(kit.now()) }),
    );
  };

  app.get(
    '/services/:id',
    page((request, reply, session) => renderService(request, reply, session, 200)),
  );

  app.get(
    '/services/:id/publiccode.yml',
    page(async (request, reply, session) => {
      const { id } = request.params as { id: string };
      return reply.type('text/yaml; charset=utf-8').send(await data.publiccode(session.accessToken, id));
    }),
  );

  app.post(
    '/services/:id/follow-ups',
    page(async (request, reply, session) => {
      if (!checkPost(request, session)) return refuseCsrf(request, reply, session);
      const { id } = request.params as { id: string };
      const values = fields(request.body, ['hypothesisId', 'periodStart', 'periodEnd', 'measuredValue', 'measuredOn', 'source', 'note']);
      const measured = Number(values.measuredValue.replace(',', '.').replace(/\s/g, ''));
      if (values.measuredValue.trim() === '' || !Number.isFinite(measured)) {
        const message = langOf(request) === 'sv' ? 'ange ett tal, t.ex. 9,5' : 'enter a number, e.g. 9.5';
        return renderService(request, reply, session, 422, { form: 'follow-up', values, errors: [{ field: 'measuredValue', message }] });
      }
      try {
        await data.recordFollowUp(session.accessToken, {
          service: id,
          ...values,
          measuredValue: measured,
          note: values.note.trim() || null,
        });
      } catch (error) {
        if (!(error instanceof ApiError) || error.code !== 'VALIDATION_FAILED') throw error;
        return renderService(request, reply, session, 422, {
          form: 'follow-up',
          values,
          errors: Array.isArray(error.details) ? (error.details as FormState['errors']) : [],
          message: error.message,
        });
      }
      return reply.redirect(`/services/${encodeURIComponent(id)}?saved=follow-up#follow-ups`, 303);
    }),
  );

  app.post(
    '/services/:id/decisions',
    page(async (request, reply, session) => {
      if (!checkPost(request, session)) return refuseCsrf(request, reply, session);
      const { id } = request.params as { id: string };
      const values = fields(request.body, ['toStatus', 'decidedOn', 'diaryNumber']);
      try {
        await data.recordDecision(session.accessToken, { service: id, ...values });
      } catch (error) {
        if (error instanceof ApiError && error.code === 'PROMOTION_REFUSED') {
          const missing = (error.details as { missing?: Array<{ sv: string; en: string }> } | undefined)?.missing ?? [
            { sv: error.message, en: error.message },
          ];
          return renderService(request, reply, session, 422, { form: 'decision', values, errors: [], missing });
        }
        if (error instanceof ApiError && (error.code === 'VALIDATION_FAILED' || error.code === 'GRAPHQL_VALIDATION_FAILED')) {
          return renderService(request, reply, session, 422, {
            form: 'decision',
            values,
            errors: Array.isArray(error.details) ? (error.details as FormState['errors']) : [],
            message: error.message,
          });
        }
        throw error;
      }
      return reply.redirect(`/services/${encodeURIComponent(id)}?saved=decision#decisions`, 303);
    }),
  );

  app.get(
    '/municipalities/:slug',
    page(async (request, reply, session) => {
      const { slug } = request.params as { slug: string };
      const { year, years } = yearOf(request);
      const view = await data.municipality(session.accessToken, slug, year);
      const ctx = { ...context(request, session), demo: view.catalogueDemo };
      return send(reply, 200, ctx, municipalityPage(ctx.lang, view, years));
    }),
  );
};
