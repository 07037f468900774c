import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseWav } from './wav';

/** One request the simulator received, as it received it: what a model host would have seen. */
export interface SimulatorRequest {
  path: string;
  authorization: string | null;
  model: string | null;
  /** Chat: every message's content. */
  messages?: Array<{ role: string; content: string }>;
  /** Transcription: the uploaded file and its form fields. */
  file?: Buffer;
  language?: string | null;
}

export type SimulatorFault = 'server-error' | 'garbage' | 'timeout';

export interface ModelSimulatorOptions {
  /** Answer to a chat completion (default: summaryOf, deterministic from the prompt). */
  answerChat?: (messages: Array<{ role: string; content: string }>) => string;
  /** Transcripts by the SHA-256 (hex) of the uploaded file: the "sidecar" text of a recording. */
  transcripts?: ReadonlyMap<string, string>;
  latencyMs?: number;
  /** Bearer key the simulator insists on, when set. */
  apiKey?: string;
  /** The port on 127.0.0.1 (default 0: a free one). */
  port?: number;
}

export interface ModelSimulator {
  /** The base URL to register, ending in /v1. */
  url: string;
  received: SimulatorRequest[];
  /** The next `count` requests fail this way (then it answers normally again). */
  failNext(fault: SimulatorFault, count?: number): void;
  close(): Promise<void>;
}

/**
 * A stand-in for a model host (vLLM, speaches) on 127.0.0.1, speaking the OpenAI-compatible shapes:
 * POST /v1/chat/completions and POST /v1/audio/transcriptions (multipart). It is a simulator, not a
 * model: chat answers are built deterministically from the prompt (summaryOf), and transcripts come
 * from a sidecar text registered for the recording's hash, else a sentence naming the audio's
 * length. No weights can be downloaded on these machines; the adapter code is the same for a real host.
 */
export async function startModelSimulator(options: ModelSimulatorOptions = {}): Promise<ModelSimulator> {
  const received: SimulatorRequest[] = [];
  const faults: SimulatorFault[] = [];
  const server = createServer((req, res) => {
    handle(req, res).catch((error) => reply(res, 500, { error: { message: String((error as Error).message), type: 'server_error' } }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    const path = (req.url ?? '').split('?')[0];
    const authorization = req.headers.authorization ?? null;
    if (req.method !== 'POST' || !['/v1/chat/completions', '/v1/audio/transcriptions'].includes(path)) {
      return reply(res, 404, { error: { message: `No route ${req.method} ${path}`, type: 'invalid_request_error' } });
    }
    if (options.apiKey && authorization !== `Bearer ${options.apiKey}`) {
      return reply(res, 401, { error: { message: 'Invalid API key', type: 'invalid_request_error', code: 'invalid_api_key' } });
    }
    const fault = faults.shift();
    if (fault === 'timeout') return; // never answers; the client's timeout ends the request
    if (fault === 'server-error') return reply(res, 503, { error: { message: 'Simulated overload', type: 'server_error' } });
    if (fault === 'garbage') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"choices": [ <html>');
      return;
    }
    if (path === '/v1/chat/completions') {
      const request = JSON.parse(body.toString('utf8')) as { model?: string; messages?: Array<{ role: string; content: string }> };
      const messages = (request.messages ?? []).map((m) => ({ role: String(m.role), content: String(m.content) }));
      received.push({ path, authorization, model: request.model ?? null, messages });
      const text = (options.answerChat ?? summaryOf)(messages);
      const words = (s: string) => s.split(/\s+/).filter(Boolean).length;
      return reply(res, 200, {
        id: `chatcmpl-sim-${received.length}`,
        object: 'chat.completion',
        created: 0,
        model: `${request.model ?? 'unknown'}-simulated`,
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
        usage: { prompt_tokens: messages.reduce((n, m) => n + words(m.content), 0), completion_tokens: words(text), total_tokens: 0 },
      });
    }
    const form = await new Request('http://simulator/', {
      method: 'POST',
      headers: { 'content-type': req.headers['content-type'] ?? '' },
      body: new Uint8Array(body),
    }).formData();
    const file = form.get('file');
    if (!(file instanceof Blob))
      return reply(res, 400, { error: { message: 'file is required', type: 'invalid_request_error', param: 'file' } });
    const content = Buffer.from(await file.arrayBuffer());
    received.push({
      path,
      authorization,
      model: String(form.get('model') ?? '') || null,
      file: content,
      language: (form.get('language') as string | null) ?? null,
    });
    const sidecar = options.transcripts?.get(createHash('sha256').update(content).digest('hex'));
    if (sidecar !== undefined) return reply(res, 200, { text: sidecar });
    try {
      const seconds = parseWav(content).durationSeconds;
      return reply(res, 200, { text: `Simulerad transkription av ${seconds.toFixed(1).replace('.', ',')} sekunder ljud.` });
    } catch {
      return reply(res, 400, { error: { message: 'Could not decode audio', type: 'invalid_request_error', param: 'file' } });
    }
  }

  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    received,
    failNext(fault, count = 1) {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * The simulator's "summary": the first sentence of every line of the last user message that
 * carries text after a colon (the prompt's material), each ending with that line's label in
 * parentheses (its reference, as the template asks), joined. For a call's transcript (### m:ss
 * headings) the first sentence said after each heading, with that time as its reference. Placeholders pass through unchanged,
 * as a well-behaved model keeps them.
 */
export function summaryOf(messages: Array<{ role: string; content: string }>): string {
  const material = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  // A call's transcript (### m:ss headings): a note of the first sentence said after each heading, with its time.
  if (/^### \d+:\d\d$/m.test(material)) {
    const said: string[] = [];
    let at: string | undefined;
    for (const line of material.split('\n').map((l) => l.trim())) {
      const heading = /^### (\d+:\d\d)$/.exec(line);
      if (heading) at = heading[1];
      else if (at && line) {
        said.push(`${line.split(/(?<=[.!?])\s/)[0].replace(/[.!?]$/, '')} (${at}).`);
        at = undefined;
      }
    }
    return `Samtalsanteckning: ${said.join(' ')}`;
  }
  const sentences = material
    .split('\n')
    .map((line) => line.replace(/^[-*#\s]+/, '').trim())
    .filter((line) => line.includes(': ') && line.split(': ')[1].trim().length > 0)
    .map((line) => {
      // Each sentence ends with the label of the line it rests on, as the summary template asks.
      const [label, ...rest] = line.split(': ');
      const sentence = rest
        .join(': ')
        .split(/(?<=[.!?])\s/)[0]
        .replace(/[.!?]$/, '');
      return `${sentence} (${label}).`;
    });
  return `Sammanfattning: ${sentences.slice(0, 8).join(' ')}`.trim();
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
