import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Allow, CurrentPrincipal, Principal, Public } from '@kommuna/platform-auth';
import {
  CaseSystemService,
  CaseSystemSubmissionPage,
  CaseSystemSubmissionView,
  EFormsError,
  SubmissionFile,
  SubmissionStatus,
} from '@kommuna/e-forms';
import { CASE_SYSTEM_OPENAPI } from './case-system.openapi';

/** A query parameter that is a whole number, or undefined when absent; anything else VALIDATION_FAILED. */
function wholeNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,4}$/.test(value)) throw new EFormsError('VALIDATION_FAILED', `${name} must be a whole number`);
  return Number(value);
}

function booleanParam(value: string | undefined, name: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw new EFormsError('VALIDATION_FAILED', `${name} is true or false`);
  return value === 'true';
}

/** A file's name for a Content-Disposition header: what is not plain ASCII goes as RFC 5987 filename*. */
function disposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * REST for the municipality's case system (ärendehanteringssystem), as its vendor integrates:
 * list submissions, fetch one with its files and receipt PDF, acknowledge the registration with
 * the diarienummer. A service account of the municipality addressed with the scope
 * eforms-submissions; GraphQL has the same (caseSystemSubmissions). Errors are the service's
 * coded errors, answered with their status by the api's exception filter.
 */
@Controller('e-forms/case-system')
export class CaseSystemController {
  constructor(private readonly caseSystem: CaseSystemService) {}

  @Public()
  @Get('openapi.json')
  openapi(): unknown {
    return CASE_SYSTEM_OPENAPI;
  }

  @Allow('service_account')
  @Get('submissions')
  list(
    @CurrentPrincipal() principal: Principal,
    @Query('status') status: string | undefined,
    @Query('registered') registered: string | undefined,
    @Query('first') first: string | undefined,
    @Query('after') after: string | undefined,
  ): Promise<CaseSystemSubmissionPage> {
    return this.caseSystem.listSubmissions(principal, {
      status: status as SubmissionStatus | undefined,
      registered: booleanParam(registered, 'registered'),
      first: wholeNumber(first, 'first'),
      after,
    });
  }

  @Allow('service_account')
  @Get('submissions/:id')
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<CaseSystemSubmissionView> {
    return this.caseSystem.getSubmission(principal, id);
  }

  @Allow('service_account')
  @Get('submissions/:id/receipt.pdf')
  async receipt(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query('language') language: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (language !== undefined && language !== 'sv' && language !== 'en')
      throw new EFormsError('VALIDATION_FAILED', 'language is sv or en');
    await sendSubmissionFile(reply, await this.caseSystem.receiptPdf(principal, id, language ?? 'sv'));
  }

  @Allow('service_account')
  @Get('submissions/:id/attachments/:attachmentId')
  async attachment(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('attachmentId') attachmentId: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await sendSubmissionFile(reply, await this.caseSystem.attachment(principal, id, attachmentId));
  }

  @Allow('service_account')
  @Post('submissions/:id/registration')
  @HttpCode(200)
  acknowledge(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown): Promise<CaseSystemSubmissionView> {
    const reference =
      body && typeof body === 'object' && !Array.isArray(body)
        ? (body as { caseSystemReference?: unknown }).caseSystemReference
        : undefined;
    if (typeof reference !== 'string') {
      throw new EFormsError('VALIDATION_FAILED', 'The body is a JSON object with caseSystemReference (the diarienummer)', {
        problems: [{ field: 'caseSystemReference', message: 'required, a string' }],
      });
    }
    return this.caseSystem.acknowledge(principal, id, reference);
  }
}

/** Sends a file the resident gave (or a receipt) as a download, never sniffed or cached. */
export async function sendSubmissionFile(reply: FastifyReply, file: SubmissionFile): Promise<void> {
  await reply
    .header('content-type', file.contentType)
    .header('content-disposition', disposition(file.fileName))
    // The bytes are what the resident sent: never to be sniffed into something else, never cached.
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store')
    .send(file.content);
}
