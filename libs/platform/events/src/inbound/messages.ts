import { CloudEvent, HTTP, ValidationError } from 'cloudevents';
import { InboundEventRefusedError, InboundProblem } from './errors';

/** The most events one delivery (a batch) may carry. */
export const MAX_INBOUND_BATCH = 100;

/** Content types of the CloudEvents HTTP binding's structured and batch modes. */
export const CLOUDEVENTS_JSON = 'application/cloudevents+json';
export const CLOUDEVENTS_BATCH_JSON = 'application/cloudevents-batch+json';

const reason = (error: unknown): string =>
  error instanceof ValidationError
    ? `${error.message}${Array.isArray(error.errors) && error.errors.length ? `: ${error.errors.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('; ')}` : ''}`
    : (error as Error).message;

/** A CloudEvent checked against the 1.0 spec (the SDK's own validation), or the reason it is not one. */
function checked(attributes: unknown, index: number): CloudEvent<unknown> | InboundProblem {
  const id =
    attributes && typeof attributes === 'object' && typeof (attributes as { id?: unknown }).id === 'string'
      ? (attributes as { id: string }).id
      : undefined;
  try {
    if (!attributes || typeof attributes !== 'object' || Array.isArray(attributes)) throw new Error('an event is a JSON object');
    const event = new CloudEvent<unknown>(attributes as CloudEvent<unknown>, false);
    event.validate();
    return event;
  } catch (error) {
    return { index, ...(id ? { id } : {}), code: 'INBOUND_EVENT_MALFORMED', message: `Not a CloudEvent 1.0: ${reason(error)}` };
  }
}

/**
 * The CloudEvents of an HTTP (or NATS) message in any mode of the HTTP binding: binary (ce-*
 * headers, the data as body), structured (application/cloudevents+json) or batch
 * (application/cloudevents-batch+json, at most MAX_INBOUND_BATCH). Header names are lower case.
 * Refuses the whole message when any event in it is not a valid CloudEvent 1.0.
 */
export function cloudEventsOfMessage(headers: Record<string, string | undefined>, body: string): CloudEvent<unknown>[] {
  const contentType = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (contentType === CLOUDEVENTS_BATCH_JSON) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw InboundEventRefusedError.of('INBOUND_EVENT_MALFORMED', 'A batch is a JSON array of CloudEvents; the body is not JSON');
    }
    if (!Array.isArray(parsed)) throw InboundEventRefusedError.of('INBOUND_EVENT_MALFORMED', 'A batch is a JSON array of CloudEvents');
    if (parsed.length > MAX_INBOUND_BATCH)
      throw InboundEventRefusedError.of(
        'INBOUND_BATCH_TOO_LARGE',
        `A batch carries at most ${MAX_INBOUND_BATCH} events; this one has ${parsed.length}: split it`,
      );
    const results = parsed.map((attributes, index) => checked(attributes, index));
    const problems = results.filter((r): r is InboundProblem => !(r instanceof CloudEvent));
    if (problems.length > 0) throw new InboundEventRefusedError(problems);
    return results as CloudEvent<unknown>[];
  }
  let event: CloudEvent<unknown> | CloudEvent<unknown>[];
  try {
    event = HTTP.toEvent({ headers, body }) as CloudEvent<unknown> | CloudEvent<unknown>[];
  } catch (error) {
    const hint =
      contentType === CLOUDEVENTS_JSON
        ? ''
        : ` (binary mode takes ce-specversion, ce-id, ce-source and ce-type headers; structured mode the content type ${CLOUDEVENTS_JSON})`;
    throw InboundEventRefusedError.of('INBOUND_EVENT_MALFORMED', `Not a CloudEvent 1.0: ${reason(error)}${hint}`);
  }
  const events = Array.isArray(event) ? event : [event];
  const problems: InboundProblem[] = [];
  events.forEach((e, index) => {
    try {
      e.validate();
    } catch (error) {
      problems.push({ index, id: e.id, code: 'INBOUND_EVENT_MALFORMED', message: `Not a CloudEvent 1.0: ${reason(error)}` });
    }
  });
  if (problems.length > 0) throw new InboundEventRefusedError(problems);
  return events;
}
