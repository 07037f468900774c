import { Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Allow, CurrentPrincipal, hasScope, Principal } from '@kommuna/platform-auth';
import {
  AcceptedInboundEvent,
  CLOUDEVENTS_BATCH_JSON,
  CLOUDEVENTS_JSON,
  cloudEventsOfMessage,
  INBOUND_EVENTS_SCOPE,
  InboundEventsForbiddenError,
  InboundEventType,
} from '@kommuna/platform-events';
import { ComposedServices } from '@kommuna/services';

/**
 * The CloudEvents HTTP binding's structured and batch content types, taken as text: the SDK
 * parses the message itself (binary mode's application/json keeps Fastify's own JSON parser, and
 * the body is given back to the SDK as JSON text).
 */
export function registerCloudEventsContentTypes(fastify: FastifyInstance): void {
  fastify.addContentTypeParser([CLOUDEVENTS_JSON, CLOUDEVENTS_BATCH_JSON], { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );
}

/** A municipality's system with the events-in scope; the guard has checked it belongs to the addressed municipality. */
function assertSender(principal: Principal): void {
  if (!principal.roles.includes('service_account'))
    throw new InboundEventsForbiddenError("Events are delivered by the municipality's systems (a service account)");
  if (!hasScope(principal, INBOUND_EVENTS_SCOPE))
    throw new InboundEventsForbiddenError(
      `This service account was not granted the scope ${INBOUND_EVENTS_SCOPE}: ask the municipality's administrator to give it to the system's client`,
    );
}

/**
 * Events in over HTTP (issue 18 item 5): a municipality's systems and sensors POST CloudEvents in
 * binary, structured or batch mode to /events/inbound, addressed to their municipality; each is
 * checked against its registered type, stored once per source and id, or refused with the reason
 * (the whole delivery, nothing stored). The AsyncAPI document (/events/asyncapi.json) lists the types.
 */
@Controller('events/inbound')
export class InboundEventsController {
  constructor(private readonly services: ComposedServices) {}

  @Allow('service_account')
  @Post()
  @HttpCode(202)
  async deliver(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest): Promise<{ accepted: AcceptedInboundEvent[] }> {
    assertSender(principal);
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value.join(',') : value]),
    );
    const body = typeof request.body === 'string' ? request.body : request.body === undefined ? '' : JSON.stringify(request.body);
    const events = cloudEventsOfMessage(headers, body);
    const accepted = await this.services.inbound.accept(events, { via: 'http', from: principal.clientId ?? principal.subject });
    return { accepted };
  }

  @Allow('service_account', 'tenant_admin')
  @Get('types')
  types(): Promise<InboundEventType[]> {
    return this.services.inbound.types.list();
  }
}
