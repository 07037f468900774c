import { AckPolicy, DeliverPolicy, JsMsg, NatsConnection, nanos } from 'nats';
import { requestContext } from '@kommuna/platform-tenancy';
import { KommunaError } from '@kommuna/shared-service-contracts';
import { INBOUND_STREAM, INBOUND_SUBJECT_PREFIX, municipalityOfInboundSubject } from '../nats-subjects';
import { InboundEventRefusedError } from './errors';
import type { InboundEvents } from './inbound-events';
import { cloudEventsOfMessage } from './messages';

/** A municipality known to the process, by slug. */
export interface InboundTenant {
  id: string;
  slug: string;
}

export interface NatsInboundOptions {
  /** The municipality of an inbound subject's slug (the TenantDirectory's); unknown ones are refused. */
  tenantOf: (slug: string) => InboundTenant | undefined;
  /** The durable consumer every replica shares (each message goes to one of them). */
  durableName?: string;
  /** The subjects to take (default: every municipality's, kommuna.inbound.>). */
  filterSubject?: string;
  /** How long the stream keeps an event a consumer has not taken yet (default 7 days). */
  maxAgeMs?: number;
  /** Told about every refused event (the sender's fault: kept out, not retried) and every failure (retried). */
  onError?: (error: Error, context: { subject: string; refused: boolean }) => void;
}

/**
 * Takes inbound events from NATS JetStream: a municipality's systems publish CloudEvents (binary
 * mode with ce-* headers, or structured/batch by content type) to kommuna.inbound.<slug>.<type>;
 * the subject says which municipality, so one with an extension attribute naming another is
 * refused, as over HTTP. An accepted or refused message is acknowledged (a refusal terminated,
 * never redelivered); a failure of ours (the database) is redelivered later.
 */
export class NatsInboundConsumer {
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly connection: NatsConnection,
    private readonly inbound: InboundEvents,
    private readonly options: NatsInboundOptions,
  ) {}

  /** Makes sure the stream and the durable consumer exist. */
  async ensureConsumer(): Promise<string> {
    const manager = await this.connection.jetstreamManager();
    const stream = {
      name: INBOUND_STREAM,
      subjects: [`${INBOUND_SUBJECT_PREFIX}.>`],
      max_age: nanos(this.options.maxAgeMs ?? 7 * 86_400_000),
      // Senders that retry publish with Nats-Msg-Id = the event id; the store is idempotent beyond this window too.
      duplicate_window: nanos(2 * 3_600_000),
    };
    const existing = await manager.streams.info(INBOUND_STREAM).catch(() => undefined);
    if (existing) await manager.streams.update(INBOUND_STREAM, { ...existing.config, ...stream });
    else await manager.streams.add(stream);
    const durable = this.options.durableName ?? 'kommuna-inbound';
    await manager.consumers.add(INBOUND_STREAM, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(30_000),
      max_deliver: 20,
      filter_subject: this.options.filterSubject ?? `${INBOUND_SUBJECT_PREFIX}.>`,
    });
    return durable;
  }

  /** Takes what is waiting, once: at most `max` messages; returns how many were handled. */
  async takeOnce(max = 50, expiresMs = 1000): Promise<number> {
    const durable = this.options.durableName ?? 'kommuna-inbound';
    const consumer = await this.connection.jetstream().consumers.get(INBOUND_STREAM, durable);
    const messages = await consumer.fetch({ max_messages: max, expires: expiresMs });
    let handled = 0;
    for await (const message of messages) {
      await this.handle(message);
      handled++;
    }
    return handled;
  }

  /** Keeps taking until stopped (a background task of the worker, or of the api on the embedded database). */
  start(): void {
    if (this.running) return;
    this.stopped = false;
    this.running = (async () => {
      let ready = false;
      while (!this.stopped) {
        try {
          // NATS may be down at start or restart without the stream: made sure of until it works.
          if (!ready) ready = Boolean(await this.ensureConsumer());
          const handled = await this.takeOnce();
          if (handled === 0 && !this.stopped) await new Promise((resolve) => setTimeout(resolve, 200));
        } catch (error) {
          ready = false;
          this.options.onError?.(error as Error, { subject: INBOUND_SUBJECT_PREFIX, refused: false });
          if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    })().catch((error: Error) => this.options.onError?.(error, { subject: INBOUND_SUBJECT_PREFIX, refused: false }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
    this.running = undefined;
  }

  private async handle(message: JsMsg): Promise<void> {
    const subject = message.subject;
    try {
      const slug = municipalityOfInboundSubject(subject);
      const tenant = slug ? this.options.tenantOf(slug) : undefined;
      if (!tenant) throw InboundEventRefusedError.of('INBOUND_EVENT_WRONG_MUNICIPALITY', `No municipality takes events on ${subject}`);
      const headers: Record<string, string> = {};
      for (const key of message.headers?.keys() ?? []) headers[key.toLowerCase()] = message.headers?.get(key) ?? '';
      const body = message.string();
      // A message without headers is a structured-mode event (the JSON document alone).
      if (!headers['content-type'] && !headers['ce-specversion']) headers['content-type'] = 'application/cloudevents+json';
      const events = cloudEventsOfMessage(headers, body);
      const typeToken = subject.split('.').slice(3).join('.');
      const misfiled = events.find((e) => e.type !== typeToken);
      if (misfiled)
        throw InboundEventRefusedError.of(
          'INBOUND_EVENT_MALFORMED',
          `Event ${misfiled.id} has type ${misfiled.type} but came on ${subject}: publish each type to its own subject`,
        );
      await requestContext.run({ requestId: `nats-inbound-${message.seq}`, tenantId: tenant.id, tenantSlug: tenant.slug }, () =>
        this.inbound.accept(events, { via: 'nats', from: subject }),
      );
      message.ack();
    } catch (error) {
      const refused = error instanceof KommunaError && error.status < 500;
      this.options.onError?.(error as Error, { subject, refused });
      // The sender's fault: kept out for good. Ours: redelivered after ack_wait, up to max_deliver.
      if (refused) message.term();
      else message.nak(5000);
    }
  }
}
