import { Body, Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { Allow, CurrentPrincipal, Principal, Public } from '@kommuna/platform-auth';
import { DigitalMailError, MessageService, SendMessageInput } from '@kommuna/digital-mail';
import { DIGITAL_MAIL_OPENAPI } from './openapi';
import { letterScopeOf, senderOf } from './sender';

/**
 * REST for municipal systems (service-account tokens), as their vendors integrate: send a letter,
 * read its status. The OpenAPI document describes both. Errors are answered by the api's exception
 * filter with each error's own status: 400 for bad input, 409 for a reused key, 404, 403 for
 * another unit. A tenant admin reads no letters (as no cases), so has no access here; case
 * workers use GraphQL.
 */
@Controller('digital-mail')
export class DigitalMailController {
  constructor(private readonly messages: MessageService) {}

  @Public()
  @Get('openapi.json')
  openapi(): unknown {
    return DIGITAL_MAIL_OPENAPI;
  }

  @Allow('service_account')
  @Post('messages')
  @HttpCode(202)
  async send(
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentPrincipal() principal: Principal,
  ): Promise<unknown> {
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw new DigitalMailError('VALIDATION_FAILED', 'The request body must be a JSON object', {
        problems: [{ field: 'body', message: 'must be a JSON object' }],
      });
    }
    const input = { ...(body as SendMessageInput) };
    if (idempotencyKey && !input.idempotencyKey) input.idempotencyKey = idempotencyKey;
    return this.messages.send(input, senderOf(principal), letterScopeOf(principal));
  }

  @Allow('service_account')
  @Get('messages/:id')
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<unknown> {
    return this.messages.get(id, letterScopeOf(principal));
  }
}
