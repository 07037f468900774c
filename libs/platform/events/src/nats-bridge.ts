import type { EntityManager } from 'typeorm';
import { connect, headers as natsHeaders, JetStreamClient, NatsConnection, nanos, PubAck } from 'nats';
import { EVENT_CONTRACTS, KommunaError } from '@kommuna/shared-service-contracts';
import { structuredOutboxEvent } from './cloud-event';
import { EVENT_STREAM, EVENT_SUBJECT_PREFIX, eventSubject } from './nats-subjects';
import type { EventHandler, OutboxEvent } from './outbox-dispatcher';

export interface NatsEventBridgeOptions {
  /** The tenant slug of a tenant id (the TenantDirectory's), for the subject and `kommunatenant`. */
  slugOf: (tenantId: string) => string | undefined;
  /**
   * How long JetStream remembers an event id to drop a second publish of it (default 2 h: longer
   * than the outbox's largest backoff, 1 h, so a retried event is stored once).
   */
  duplicateWindowMs?: number;
}

const encoder = new TextEncoder();

/** An outbox event whose municipality is not known here: kept in the outbox and retried, never sent unaddressed. */
export class UnknownEventTenantError extends KommunaError {
  readonly code = 'EVENT_TENANT_UNKNOWN';
  readonly status = 500;
  override readonly exposeMessage = false;
  constructor(tenantId: string) {
    super(`No municipality is known for tenant ${tenantId}: the event stays in the outbox`);
  }
}

/**
 * The outbox's bridge to NATS JetStream: an event handler that publishes each published event type
 * as a structured-mode CloudEvent to its municipality's subject (kommuna.events.<slug>.<type>).
 * It runs in the outbox's transaction like any handler, so an event is acknowledged only once
 * JetStream has stored it; a redelivery (a crash, a failing neighbour in the batch) carries the
 * same Nats-Msg-Id (the event id) and JetStream drops it within the duplicate window.
 */
export class NatsEventBridge implements EventHandler {
  readonly name = 'nats-bridge';
  readonly types = EVENT_CONTRACTS.map((contract) => contract.type);

  private constructor(
    private readonly connection: NatsConnection,
    private readonly jetstream: JetStreamClient,
    private readonly options: NatsEventBridgeOptions,
  ) {}

  /** Connects and makes sure the stream exists with its subjects and duplicate window. */
  static async connect(url: string, options: NatsEventBridgeOptions): Promise<NatsEventBridge> {
    // No async stack traces: the client would otherwise build two Error objects (their stacks) for
    // every publish, its request's context and its timeout's, a fifth of the bridge's CPU per event
    // in a profile (ADR 0002). A failed publish still says what failed; only its await chain is missing.
    const connection = await connect({ servers: url, name: 'kommuna-outbox', noAsyncTraces: true });
    try {
      const manager = await connection.jetstreamManager();
      const config = {
        name: EVENT_STREAM,
        subjects: [`${EVENT_SUBJECT_PREFIX}.>`],
        duplicate_window: nanos(options.duplicateWindowMs ?? 2 * 3_600_000),
      };
      const existing = await manager.streams.info(EVENT_STREAM).catch(() => undefined);
      if (existing) await manager.streams.update(EVENT_STREAM, { ...existing.config, ...config });
      else await manager.streams.add(config);
      return new NatsEventBridge(connection, connection.jetstream(), options);
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  async handle(event: OutboxEvent, _em: EntityManager): Promise<void> {
    await this.publish(event);
  }

  /** A batch is published concurrently; the outbox acknowledges it once every event is stored. */
  async handleBatch(events: OutboxEvent[], _em: EntityManager): Promise<void> {
    await Promise.all(events.map((event) => this.publish(event)));
  }

  /** Publishes one event and waits for JetStream to store it (or to say it already had it). */
  async publish(event: OutboxEvent): Promise<PubAck> {
    const slug = this.options.slugOf(event.tenantId);
    if (!slug) throw new UnknownEventTenantError(event.tenantId);
    const message = structuredOutboxEvent(event, slug);
    const headers = natsHeaders();
    for (const [name, value] of Object.entries(message.headers)) headers.set(name, value);
    return this.jetstream.publish(eventSubject(slug, message.cloudEventType), encoder.encode(message.body), {
      msgID: event.id,
      headers,
    });
  }

  /** The bridge's connection, for the inbound consumer that shares it (nats-inbound.ts). */
  get natsConnection(): NatsConnection {
    return this.connection;
  }

  async close(): Promise<void> {
    await this.connection.drain();
  }
}
