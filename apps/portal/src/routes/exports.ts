import type { FastifyPluginAsync } from 'fastify';
import { meetingPackCsv, meetingPackOf, meetingPackPdf } from '../exports';
import type { Lang } from '../i18n';
import type { PortalKit } from './kit';

const fileName = (lang: Lang, year: number, extension: string) =>
  `kommuna-${lang === 'sv' ? 'motesunderlag' : 'meeting-pack'}-${year}.${extension}`;

/** The steering group's meeting pack for a year, as CSV and as PDF. */
export const exportRoutes: FastifyPluginAsync<PortalKit> = async (app, kit) => {
  const { page, data, yearOf, langOf } = kit;

  app.get(
    '/export/meeting-pack.csv',
    page(async (request, reply, session) => {
      const { year } = yearOf(request);
      const lang = langOf(request);
      const pack = meetingPackOf(await data.meetingPack(session.accessToken, year), year, lang);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${fileName(lang, year, 'csv')}"`)
        .send(meetingPackCsv(pack, lang));
    }),
  );

  app.get(
    '/export/meeting-pack.pdf',
    page(async (request, reply, session) => {
      const { year } = yearOf(request);
      const lang = langOf(request);
      const pack = meetingPackOf(await data.meetingPack(session.accessToken, year), year, lang);
      const pdf = await meetingPackPdf(pack, lang, kit.now());
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${fileName(lang, year, 'pdf')}"`)
        .send(Buffer.from(pdf));
    }),
  );
};
