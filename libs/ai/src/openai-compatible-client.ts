import { z } from 'zod';
import { ModelProviderError } from './errors';
import type { RegisteredModel } from './model-registry';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatAnswer {
  text: string;
  finishReason: string | null;
  /** The model name and version the provider says answered. */
  providerModel: string;
  promptTokens: number | null;
  completionTokens: number | null;
}

export interface ClientOptions {
  /** Per attempt. */
  timeoutMs?: number;
  /** Attempts in all (the first included). */
  attempts?: number;
  /** The environment credential references are read from. */
  env?: NodeJS.ProcessEnv;
}

const ChatCompletion = z.object({
  model: z.string().optional(),
  choices: z
    .array(z.object({ message: z.object({ content: z.string().nullable() }), finish_reason: z.string().nullable().optional() }))
    .min(1),
  usage: z
    .object({ prompt_tokens: z.number().int().nonnegative(), completion_tokens: z.number().int().nonnegative() })
    .partial()
    .optional(),
});
const Transcription = z.object({ text: z.string() });

/** Refusals a retry cannot change (bad request, auth, not found): fail at once. */
class PermanentFailure extends Error {}

/**
 * Speaks the OpenAI-compatible API (/v1/chat/completions, /v1/audio/transcriptions) that vLLM,
 * speaches/faster-whisper-server, Berget, Azure OpenAI and LiteLLM serve. Timeouts, 5xx, 429 and
 * answers of the wrong shape are retried; after the last attempt it throws ModelProviderError.
 */
export class OpenAiCompatibleClient {
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly env: NodeJS.ProcessEnv;

  constructor(options: ClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.attempts = Math.max(1, options.attempts ?? 3);
    this.env = options.env ?? process.env;
  }

  async chat(model: RegisteredModel, messages: ChatMessage[], options: { maxTokens?: number; user?: string } = {}): Promise<ChatAnswer> {
    const body = JSON.stringify({
      model: model.providerModel,
      messages,
      temperature: 0,
      stream: false,
      max_tokens: options.maxTokens ?? 1024,
      user: options.user,
    });
    return this.withRetries(model, 'chat completion', async (signal) => {
      const response = await fetch(`${model.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...this.auth(model) },
        body,
        signal,
      });
      const parsed = ChatCompletion.safeParse(await this.json(response));
      if (!parsed.success) throw new Error('the answer is not a chat completion');
      const [choice] = parsed.data.choices;
      if (!choice.message.content) throw new Error('the answer has no text');
      return {
        text: choice.message.content,
        finishReason: choice.finish_reason ?? null,
        providerModel: parsed.data.model ?? model.providerModel,
        promptTokens: parsed.data.usage?.prompt_tokens ?? null,
        completionTokens: parsed.data.usage?.completion_tokens ?? null,
      };
    });
  }

  async transcribe(
    model: RegisteredModel,
    audio: { content: Buffer; fileName: string; mediaType: string },
    options: { language?: string } = {},
  ): Promise<string> {
    return this.withRetries(model, 'transcription', async (signal) => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(audio.content)], { type: audio.mediaType }), audio.fileName);
      form.append('model', model.providerModel);
      form.append('response_format', 'json');
      form.append('temperature', '0');
      if (options.language) form.append('language', options.language);
      const response = await fetch(`${model.baseUrl}/audio/transcriptions`, {
        method: 'POST',
        headers: this.auth(model),
        body: form,
        signal,
      });
      const parsed = Transcription.safeParse(await this.json(response));
      if (!parsed.success) throw new Error('the answer is not a transcription');
      return parsed.data.text;
    });
  }

  private auth(model: RegisteredModel): Record<string, string> {
    if (!model.credentialRef) return {};
    const name = model.credentialRef.slice('env:'.length);
    const key = this.env[name];
    if (!key)
      throw new ModelProviderError(
        `The model ${model.name}'s credential ${model.credentialRef} is not set in this installation's environment`,
        0,
      );
    return { authorization: `Bearer ${key}` };
  }

  private async json(response: Response): Promise<unknown> {
    const text = await response.text();
    if (!response.ok) {
      const reason = `HTTP ${response.status}`;
      if (response.status === 429 || response.status >= 500) throw new Error(reason);
      throw new PermanentFailure(reason);
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new Error('the answer is not JSON');
    }
  }

  private async withRetries<T>(model: RegisteredModel, what: string, attempt: (signal: AbortSignal) => Promise<T>): Promise<T> {
    let last = 'no attempt';
    for (let n = 1; n <= this.attempts; n++) {
      try {
        return await attempt(AbortSignal.timeout(this.timeoutMs));
      } catch (error) {
        if (error instanceof ModelProviderError) throw error;
        last = (error as Error).name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : (error as Error).message;
        if (error instanceof PermanentFailure) {
          throw new ModelProviderError(`The model ${model.name} refused the ${what} (${last})`, n);
        }
      }
    }
    throw new ModelProviderError(`The model ${model.name} failed the ${what} ${this.attempts} times (last: ${last})`, this.attempts);
  }
}
