import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Allow, CurrentPrincipal, Principal } from '@kommuna/platform-auth';
import { CaseWorkService } from '@kommuna/e-forms';
import { sendSubmissionFile } from './case-system.controller';

/**
 * A file the resident attached, for the case worker handling the errand: only their unit's
 * submissions (another unit's, or another municipality's, is 404 as if it did not exist), each
 * download audited as the case system's is.
 */
@Controller('e-forms/submissions')
export class StaffAttachmentController {
  constructor(private readonly cases: CaseWorkService) {}

  @Allow('case_worker')
  @Get(':id/attachments/:attachmentId')
  async attachment(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('attachmentId') attachmentId: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await sendSubmissionFile(reply, await this.cases.attachment(principal, id, attachmentId));
  }
}
