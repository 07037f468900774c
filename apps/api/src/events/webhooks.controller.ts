import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { auditActor } from '@kommuna/platform-audit';
import { Allow, CurrentPrincipal, Principal, Public } from '@kommuna/platform-auth';
import {
  WebhookDelivery,
  WebhookDeliveryStatus,
  WebhookInputError,
  WebhookSubscription,
  WebhookSubscriptionInput,
  WebhookSubscriptions,
} from '@kommuna/platform-events';
import { ComposedServices } from '@kommuna/services';
import { WEBHOOKS_OPENAPI } from './webhooks.openapi';

const DELIVERY_STATUSES: readonly WebhookDeliveryStatus[] = ['PENDING', 'DELIVERED', 'FAILED'];

type Problems = Array<{ field: string; message: string }>;

/** The body as a JSON object, or VALIDATION_FAILED. */
function objectBody(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new WebhookInputError('The request body must be a JSON object', [{ field: 'body', message: 'must be a JSON object' }]);
  }
  return body as Record<string, unknown>;
}

/** The fields a subscription is made of, each checked for its JSON type; `required` for creation. */
function subscriptionFields(body: Record<string, unknown>, required: boolean): Partial<WebhookSubscriptionInput> {
  const problems: Problems = [];
  const { url, eventTypes, description } = body;
  if (url !== undefined ? typeof url !== 'string' : required) problems.push({ field: 'url', message: 'required, a string' });
  if (eventTypes !== undefined ? !Array.isArray(eventTypes) || eventTypes.some((t) => typeof t !== 'string') : required)
    problems.push({ field: 'eventTypes', message: 'required, an array of CloudEvents types' });
  if (description !== undefined && description !== null && typeof description !== 'string')
    problems.push({ field: 'description', message: 'a string or null' });
  if (problems.length) throw new WebhookInputError(problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
  return {
    url: url as string | undefined,
    eventTypes: eventTypes as string[] | undefined,
    description: description as string | null | undefined,
  };
}

function instant(value: unknown, field: string): Date {
  const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime()))
    throw new WebhookInputError(`${field} must be an RFC 3339 date-time`, [{ field, message: 'an RFC 3339 date-time' }]);
  return date;
}

/**
 * REST for a municipality's tenant admin: its webhook subscriptions, their delivery logs and
 * replays, as the GraphQL resolver offers them (webhooks.resolver.ts) and the OpenAPI document
 * describes them. The service audits every change; errors come through the api's exception
 * filter with their own status (400, 404), another municipality's id is simply not found.
 */
@Controller('events/webhooks')
export class WebhooksController {
  private readonly webhooks: WebhookSubscriptions;

  constructor(services: ComposedServices) {
    this.webhooks = services.webhooks;
  }

  @Public()
  @Get('openapi.json')
  openapi(): unknown {
    return WEBHOOKS_OPENAPI;
  }

  @Allow('tenant_admin')
  @Get('subscriptions')
  list(): Promise<WebhookSubscription[]> {
    return this.webhooks.list();
  }

  @Allow('tenant_admin')
  @Post('subscriptions')
  @HttpCode(201)
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<{ subscription: WebhookSubscription; secret: string }> {
    return this.webhooks.create(
      subscriptionFields(objectBody(body), true) as WebhookSubscriptionInput,
      auditActor.staff(principal.subject),
    );
  }

  @Allow('tenant_admin')
  @Get('subscriptions/:id')
  get(@Param('id') id: string): Promise<WebhookSubscription> {
    return this.webhooks.get(id);
  }

  @Allow('tenant_admin')
  @Patch('subscriptions/:id')
  update(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown): Promise<WebhookSubscription> {
    const change = objectBody(body);
    if (change.enabled !== undefined && typeof change.enabled !== 'boolean')
      throw new WebhookInputError('enabled is true or false', [{ field: 'enabled', message: 'true or false' }]);
    return this.webhooks.update(
      id,
      { ...subscriptionFields(change, false), enabled: change.enabled as boolean | undefined },
      auditActor.staff(principal.subject),
    );
  }

  @Allow('tenant_admin')
  @Delete('subscriptions/:id')
  @HttpCode(204)
  async delete(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    await this.webhooks.delete(id, auditActor.staff(principal.subject));
  }

  @Allow('tenant_admin')
  @Get('subscriptions/:id/deliveries')
  deliveries(
    @Param('id') id: string,
    @Query('first') first: string | undefined,
    @Query('status') status: string | undefined,
  ): Promise<WebhookDelivery[]> {
    if (first !== undefined && !/^\d{1,3}$/.test(first))
      throw new WebhookInputError('first is a whole number from 1 to 200', [{ field: 'first', message: 'a whole number from 1 to 200' }]);
    if (status !== undefined && !DELIVERY_STATUSES.includes(status as WebhookDeliveryStatus))
      throw new WebhookInputError(`status is one of ${DELIVERY_STATUSES.join(', ')}`, [
        { field: 'status', message: DELIVERY_STATUSES.join(', ') },
      ]);
    return this.webhooks.deliveries(id, {
      first: first === undefined ? undefined : Number(first),
      status: status as WebhookDeliveryStatus,
    });
  }

  @Allow('tenant_admin')
  @Post('subscriptions/:id/replay')
  @HttpCode(200)
  async replay(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown): Promise<{ queued: number }> {
    const range = objectBody(body);
    const queued = await this.webhooks.replay(
      id,
      instant(range.from, 'from'),
      instant(range.to, 'to'),
      auditActor.staff(principal.subject),
    );
    return { queued };
  }
}
