import type { EntityManager } from 'typeorm';
import { connect, createInbox, headers as natsHeaders, Msg, NatsConnection, nanos, PubAck } from 'nats';
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
  /** How long a batch's publishes may wait for JetStream's acknowledgements (default 5 s, the JetStream client's). */
  publishTimeoutMs?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A batch of publishes waiting for their acknowledgements: one promise and one timer for the batch. */
interface PendingBatch {
  acks: PubAck[];
  left: number;
  resolve(acks: PubAck[]): void;
  reject(error: Error): void;
}

/** A publish that JetStream refused or did not store (its acknowledgement's error, or no stream for the subject). */
export class NatsPublishError extends KommunaError {
  readonly code = 'NATS_PUBLISH_FAILED';
  readonly status = 500;
  override readonly exposeMessage = false;
}

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

  /** The acknowledgements' inbox: each publish's reply subject is `<inbox>.<n>`. */
  private readonly inbox = createInbox();
  private sent = 0;
  /** Publishes waiting for their acknowledgement, by reply subject: their batch and place in it. */
  private readonly waiting = new Map<string, { batch: PendingBatch; index: number }>();
  private readonly timeoutMs: number;

  private constructor(
    private readonly connection: NatsConnection,
    private readonly options: NatsEventBridgeOptions,
  ) {
    this.timeoutMs = options.publishTimeoutMs ?? 5_000;
    // One subscription for every acknowledgement, instead of the JetStream client's request per
    // publish (its promise chain, its timer, and a NatsError with a stack built for every settled
    // request: a third of the bridge's CPU per event in a profile, ADR 0002).
    connection.subscribe(`${this.inbox}.*`, { callback: (_error, message) => this.acknowledged(message) });
  }

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
      return new NatsEventBridge(connection, options);
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  async handle(event: OutboxEvent, _em: EntityManager): Promise<void> {
    await this.publishAll([event]);
  }

  /** A batch is published at once; the outbox acknowledges it once JetStream has stored every event. */
  async handleBatch(events: OutboxEvent[], _em: EntityManager): Promise<void> {
    await this.publishAll(events);
  }

  /** Publishes one event and waits for JetStream to store it (or to say it already had it). */
  async publish(event: OutboxEvent): Promise<PubAck> {
    return (await this.publishAll([event]))[0];
  }

  /**
   * Publishes the events in one go (one write to the server) and waits for JetStream's
   * acknowledgement of each, as the JetStream client's publish would, but with one promise and one
   * timer for the batch: it fails when any event is refused or not acknowledged within the
   * timeout, and the outbox then keeps them all (a stored one is dropped as a duplicate when
   * published again, its Nats-Msg-Id being the event id).
   */
  async publishAll(events: readonly OutboxEvent[]): Promise<PubAck[]> {
    if (events.length === 0) return [];
    // Every event addressed before any is sent: an unknown municipality fails the batch unpublished.
    const messages = events.map((event) => {
      const slug = this.options.slugOf(event.tenantId);
      if (!slug) throw new UnknownEventTenantError(event.tenantId);
      return { slug, ...structuredOutboxEvent(event, slug) };
    });
    return new Promise<PubAck[]>((resolve, reject) => {
      const replies: string[] = [];
      const forget = () => {
        clearTimeout(timer);
        for (const reply of replies) this.waiting.delete(reply);
      };
      const batch: PendingBatch = {
        acks: new Array<PubAck>(events.length),
        left: events.length,
        resolve: (acks) => {
          clearTimeout(timer);
          resolve(acks);
        },
        reject: (error) => {
          forget();
          reject(error);
        },
      };
      const timer = setTimeout(
        () =>
          batch.reject(
            new NatsPublishError(
              `JetStream acknowledged ${events.length - batch.left} of ${events.length} events within ${this.timeoutMs} ms`,
            ),
          ),
        this.timeoutMs,
      );
      try {
        for (let index = 0; index < events.length; index++) {
          const message = messages[index];
          const headers = natsHeaders();
          for (const name in message.headers) headers.set(name, message.headers[name]);
          headers.set('Nats-Msg-Id', events[index].id);
          const reply = `${this.inbox}.${++this.sent}`;
          replies.push(reply);
          this.waiting.set(reply, { batch, index });
          this.connection.publish(eventSubject(message.slug, message.cloudEventType), encoder.encode(message.body), { headers, reply });
        }
      } catch (error) {
        batch.reject(error as Error);
      }
    });
  }

  /** An acknowledgement: `{ stream, seq, duplicate? }`, `{ error }`, or an empty message with a status (no stream for the subject). */
  private acknowledged(message: Msg): void {
    const waiting = this.waiting.get(message.subject);
    if (!waiting) return; // its batch failed or timed out
    this.waiting.delete(message.subject);
    const { batch, index } = waiting;
    if (message.data.length === 0) {
      const status = message.headers?.code ?? 0;
      batch.reject(
        new NatsPublishError(
          status === 503
            ? 'No JetStream stream stores this subject (no responders)'
            : `JetStream answered ${status} ${message.headers?.description ?? ''}`.trim(),
        ),
      );
      return;
    }
    let ack: PubAck & { error?: { code: number; description: string } };
    try {
      ack = JSON.parse(decoder.decode(message.data)) as typeof ack;
    } catch {
      // Thrown here it would reach the client's subscription, not the batch.
      batch.reject(new NatsPublishError('JetStream answered a publish with something other than an acknowledgement'));
      return;
    }
    if (ack.error || !ack.stream) {
      batch.reject(
        new NatsPublishError(
          `JetStream refused an event: ${ack.error ? `${ack.error.code} ${ack.error.description}` : 'no stream in its acknowledgement'}`,
        ),
      );
      return;
    }
    ack.duplicate = ack.duplicate ?? false;
    batch.acks[index] = ack;
    if (--batch.left === 0) batch.resolve(batch.acks);
  }

  /** The bridge's connection, for the inbound consumer that shares it (nats-inbound.ts). */
  get natsConnection(): NatsConnection {
    return this.connection;
  }

  async close(): Promise<void> {
    await this.connection.drain();
  }
}
