import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CatalogueService } from '@kommuna/catalogue';
import { Public } from '@kommuna/platform-auth';

/**
 * publiccode.yml per service, for the public catalogues of open public-sector software: public by
 * design, and it holds only public facts (no costs, use or benefits).
 */
@Public()
@Controller('catalogue/services')
export class PubliccodeController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Get(':id/publiccode.yml')
  async publiccode(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    // An unknown service is a CatalogueNotFoundError, answered 404 NOT_FOUND by the exception filter.
    const yaml = await this.catalogue.publiccode(id);
    // Set here, not by @Header: an error answer stays JSON.
    reply.header('content-type', 'application/yaml; charset=utf-8');
    return yaml;
  }
}
