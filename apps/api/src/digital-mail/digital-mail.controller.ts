import { Body, Controller, Get, Headers, HttpCode, HttpException, Param, Post } from '@nestjs/common';
import { Allow, CurrentPrincipal, Principal, Public } from '@kommuna/platform-auth';
import { DigitalMailError, MessageService, SendMessageInput } from '@kommuna/digital-mail';
import { DIGITAL_MAIL_OPENAPI } from './openapi';
import { letterScopeOf, senderOf } from './sender';

const STATUS_OF: Record<string, number> = { CONFLICT: 409, NOT_FOUND: 404, SERVICE_NOT_ENABLED: 422, FORBIDDEN: 403 };

/** Coded digital-mail errors as HTTP answers: 400 for bad input, 409 for a reused key, 404, 403 for another unit. */
async function answering<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DigitalMailError) {
      throw new HttpException({ code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) }, STATUS_OF[error.code] ?? 400);
    }
    throw error;
  }
}

/**
 * REST for municipal systems (service-account tokens), as their vendors integrate: send a letter,
 * read its status. The OpenAPI document describes both. A tenant admin reads no letters (as no
 * cases), so has no access here; case workers use GraphQL.
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
  send(@Body() body: unknown, @Headers('idempotency-key') idempotencyKey: string | undefined, @CurrentPrincipal() principal: Principal): Promise<unknown> {
    return answering(async () => {
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        throw new DigitalMailError('VALIDATION_FAILED', 'The request body must be a JSON object', { problems: [{ field: 'body', message: 'must be a JSON object' }] });
      }
      const input = { ...(body as SendMessageInput) };
      if (idempotencyKey && !input.idempotencyKey) input.idempotencyKey = idempotencyKey;
      return this.messages.send(input, senderOf(principal), letterScopeOf(principal));
    });
  }

  @Allow('service_account')
  @Get('messages/:id')
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<unknown> {
    return answering(() => this.messages.get(id, letterScopeOf(principal)));
  }
}
