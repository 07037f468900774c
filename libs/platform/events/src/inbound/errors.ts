import { ForbiddenError, KommunaError, ValidationFailedError } from '@kommuna/shared-service-contracts';

/** Why an inbound event was refused, by its stable code. */
export type InboundRefusalCode =
  | 'INBOUND_EVENT_MALFORMED'
  | 'INBOUND_EVENT_TYPE_UNKNOWN'
  | 'INBOUND_EVENT_INVALID'
  | 'INBOUND_EVENT_WRONG_MUNICIPALITY'
  | 'INBOUND_EVENT_ID_CONFLICT'
  | 'INBOUND_BATCH_TOO_LARGE';

const STATUS: Record<InboundRefusalCode, number> = {
  INBOUND_EVENT_MALFORMED: 400,
  INBOUND_EVENT_TYPE_UNKNOWN: 422,
  INBOUND_EVENT_INVALID: 422,
  INBOUND_EVENT_WRONG_MUNICIPALITY: 403,
  INBOUND_EVENT_ID_CONFLICT: 409,
  INBOUND_BATCH_TOO_LARGE: 413,
};

/** One refused event of a delivery: where it was in the batch, its id if it had one, and why. */
export interface InboundProblem {
  index: number;
  id?: string;
  code: InboundRefusalCode;
  message: string;
}

/**
 * An inbound delivery refused as a whole (nothing of it is stored): the code of its first problem,
 * and every event's problem in `details`, so a sender fixes a batch in one round.
 */
export class InboundEventRefusedError extends KommunaError {
  readonly code: InboundRefusalCode;
  readonly status: number;
  override readonly details: { problems: InboundProblem[] };

  constructor(problems: InboundProblem[]) {
    const [first] = problems;
    super(
      problems.length === 1
        ? first.message
        : `${problems.length} events of the batch were refused (nothing was stored); the first: ${first.message}`,
    );
    this.code = first.code;
    this.status = STATUS[first.code];
    this.details = { problems };
  }

  static of(code: InboundRefusalCode, message: string, index = 0, id?: string): InboundEventRefusedError {
    return new InboundEventRefusedError([{ index, ...(id === undefined ? {} : { id }), code, message }]);
  }
}

/** A municipality's registration of an inbound type was refused. */
export class InboundEventTypeInputError extends ValidationFailedError {}

/** The caller may not deliver or manage inbound events (no service account, or without the scope). */
export class InboundEventsForbiddenError extends ForbiddenError {}
