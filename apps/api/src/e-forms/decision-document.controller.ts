import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Allow, CurrentPrincipal, Principal } from '@kommuna/platform-auth';
import { CaseWorkService, CitizenFormsService, EFormsError, Language } from '@kommuna/e-forms';

/**
 * The decision document (a PDF) at the platform's own link that decisions carry
 * (decisionDocumentPath: /e-forms/decisions/<id>/document.pdf), so Mina sidor can show it: the
 * citizen gets their own decisions, a case worker those of their unit, in the municipality addressed.
 */
@Controller('e-forms/decisions')
export class DecisionDocumentController {
  constructor(
    private readonly citizens: CitizenFormsService,
    private readonly cases: CaseWorkService,
  ) {}

  @Allow('citizen', 'company_representative', 'case_worker')
  @Get(':id/document.pdf')
  async document(
    @Param('id') id: string,
    @Query('language') language: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (language !== undefined && language !== 'sv' && language !== 'en')
      throw new EFormsError('VALIDATION_FAILED', 'language is sv or en');
    const lang: Language = language ?? 'sv';
    const file = principal.roles.includes('case_worker')
      ? await this.cases.decisionDocument(principal, id, lang)
      : await this.citizens.decisionDocument(id, lang);
    await reply
      .header('content-type', 'application/pdf')
      // The name holds only the errand number (capitals, digits, dashes) and "Beslut": safe in the header as it is.
      .header('content-disposition', `inline; filename="${file.fileName}"`)
      .header('cache-control', 'private, no-store')
      .send(Buffer.from(file.pdf));
  }
}
