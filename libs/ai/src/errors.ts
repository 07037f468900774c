/** The AI platform's errors: each carries a stable code and HTTP status the api maps to GraphQL and REST. */
import { ConflictError, ForbiddenError, KommunaError, NotFoundError, ValidationFailedError } from '@kommuna/shared-service-contracts';

export class AiValidationError extends ValidationFailedError {}

/** A model, draft or case this municipality (or this unit) does not have. */
export class AiNotFoundError extends NotFoundError {
  constructor(what: string) {
    super(`No such ${what}`);
  }
}

/** No enabled model of the municipality is cleared for the data's class: refused, never sent elsewhere. */
export class ModelNotClearedError extends KommunaError {
  readonly code = 'AI_MODEL_NOT_CLEARED';
  readonly status = 403;
  override readonly details: { dataClass: string; capability: string };
  constructor(
    readonly dataClass: string,
    readonly capability: string,
    modelName?: string,
  ) {
    super(
      modelName
        ? `The model ${modelName} is not cleared for data of class ${dataClass} (or is disabled or cannot do ${capability}): nothing was sent`
        : `No model of this municipality is cleared for data of class ${dataClass} (${capability}): nothing was sent. A tenant administrator can clear one in the model registry.`,
    );
    this.details = { dataClass, capability };
  }
}

/** The model host failed (timeouts, errors, garbage) after the retries: no draft was made. */
export class ModelProviderError extends KommunaError {
  readonly code = 'AI_PROVIDER_FAILED';
  readonly status = 502;
  constructor(
    message: string,
    readonly attempts: number,
  ) {
    super(message);
  }
}

/** Audio that is not audio, empty, too long or too large. */
export class AudioRejectedError extends KommunaError {
  readonly code = 'AUDIO_REJECTED';
  readonly status = 400;
}

/** A draft that was already approved or rejected. */
export class DraftAlreadyReviewedError extends ConflictError {
  constructor(status: string) {
    super(`The draft was already ${status}`);
  }
}

/** A draft the worker is still writing, or that failed: there is no text to review. */
export class DraftNotReadyError extends ConflictError {
  constructor(status: 'pending' | 'failed') {
    super(
      status === 'pending'
        ? 'The draft is still being written from the recording: review it once it is ready'
        : 'The draft failed (the models did not answer): there is nothing to review; upload the recording again',
    );
  }
}

/** Staff without a unit: AI drafts belong to cases, and cases to units. */
export class AiUnitRequiredError extends ForbiddenError {
  constructor() {
    super('Your account has no unit: AI drafts are made for the cases of your unit');
  }
}

/** A request that would go over one of the municipality's quotas for a model or provider: refused, nothing sent. */
export class AiQuotaExceededError extends KommunaError {
  readonly code = 'AI_QUOTA_EXCEEDED';
  readonly status = 429;
  override readonly details: { model?: string; provider?: string; period: string; resetsOn: string };
  constructor(quota: { model?: string; provider?: string; period: 'day' | 'month' }, used: string, resetsOn: string) {
    const scope = quota.model !== undefined ? `the model ${quota.model}` : `the provider ${quota.provider}`;
    super(
      `The municipality's ${quota.period === 'day' ? 'daily' : 'monthly'} quota for ${scope} is used up (${used}): nothing was sent. It resets on ${resetsOn}.`,
    );
    this.details = { model: quota.model, provider: quota.provider, period: quota.period, resetsOn };
  }
}
