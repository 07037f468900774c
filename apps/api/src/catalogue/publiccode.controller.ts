import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CatalogueNotFoundError, CatalogueService } from '@kommuna/catalogue';
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
    try {
      const yaml = await this.catalogue.publiccode(id);
      // Set here, not by @Header: an error answer stays JSON.
      reply.header('content-type', 'application/yaml; charset=utf-8');
      return yaml;
    } catch (error) {
      if (error instanceof CatalogueNotFoundError) throw new NotFoundException({ code: 'NOT_FOUND', message: error.message });
      throw error;
    }
  }
}
