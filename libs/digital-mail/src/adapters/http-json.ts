import * as http from 'node:http';
import * as https from 'node:https';
import { PermanentAdapterError, TransientAdapterError } from './types';

/** A client certificate for mutual TLS, and the CA the party's server certificate is checked against. */
export interface ClientTls {
  certificatePem: string;
  privateKeyPem: string;
  /** Else the system's CAs. */
  caPem?: string;
}

export interface HttpPartyOptions {
  baseUrl: string;
  /** Per request; a slower answer counts as a transient fault. */
  timeoutMs?: number;
  tls?: ClientTls;
}

/** Answers larger than this are refused: no party's answer to a batch of 1,000 comes near it. */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

// node:http with kept-alive connections rather than fetch(): a bulk send makes hundreds of calls a
// second, and fetch's web streams and abort signals cost the worker about a tenth of its CPU
// (bench/RESULTS.md, mail-bulk profile). node:http is also what the tracing instruments.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};
// One agent per client certificate, so its TLS sessions are kept alive and reused too.
const tlsAgents = new WeakMap<ClientTls, https.Agent>();

function agentFor(url: URL, tls: ClientTls | undefined): http.Agent | undefined {
  if (url.protocol !== 'https:' || !tls) return agents[url.protocol as keyof typeof agents];
  let agent = tlsAgents.get(tls);
  if (!agent) {
    agent = new https.Agent({ keepAlive: true, maxSockets: 64, cert: tls.certificatePem, key: tls.privateKeyPem, ca: tls.caPem });
    tlsAgents.set(tls, agent);
  }
  return agent;
}

export interface RawAnswer {
  status: number;
  contentType: string;
  text: string;
}

/**
 * POSTs bytes and returns the answer, whatever its status; network failures and timeouts are
 * transient, an unsupported scheme or an oversized answer permanent.
 */
export async function postBytes(
  url: URL,
  payload: Buffer,
  headers: Record<string, string>,
  options: { timeoutMs?: number; tls?: ClientTls },
  party: string,
): Promise<RawAnswer> {
  const agent = agentFor(url, options.tls);
  if (!agent) throw new PermanentAdapterError(`${party}: unsupported address ${url.protocol}//${url.host}`);
  const timeoutMs = options.timeoutMs ?? 30_000;
  for (;;) {
    try {
      return await exchange(url, payload, headers, agent, timeoutMs, party);
    } catch (error) {
      // A kept-alive connection the party closed as idle (Node's servers do after 5 s) while this
      // process was busy is seen closed only once a request is written on it. The party never read
      // that request, so it is sent again (as Node's docs advise): each such failure drops one idle
      // connection, and on a new one this error cannot happen, so this ends.
      if (!(error instanceof StaleConnectionError)) throw error;
    }
  }
}

/** A request written on a reused kept-alive connection that was closed before any answer came. */
class StaleConnectionError extends TransientAdapterError {}

function exchange(
  url: URL,
  payload: Buffer,
  headers: Record<string, string>,
  agent: http.Agent,
  timeoutMs: number,
  party: string,
): Promise<RawAnswer> {
  return new Promise<RawAnswer>((resolve, reject) => {
    let answered = false;
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': payload.length } },
      (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) {
            request.destroy(new PermanentAdapterError(`${party} answered with more than ${MAX_ANSWER_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => {
          clearTimeout(timer);
          resolve({
            status: response.statusCode ?? 0,
            contentType: String(response.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
        response.on('error', fail);
      },
    );
    // One timer for the whole exchange (connect, send, answer), cleared as soon as the answer is read.
    const timer = setTimeout(() => request.destroy(new TransientAdapterError(`${party} unreachable: timed out`)), timeoutMs);
    function fail(error: Error) {
      clearTimeout(timer);
      const code = (error as NodeJS.ErrnoException).code;
      if (request.reusedSocket && !answered && (code === 'ECONNRESET' || code === 'EPIPE')) {
        reject(new StaleConnectionError(`${party} unreachable: ${error.message}`));
        return;
      }
      reject(
        error instanceof PermanentAdapterError || error instanceof TransientAdapterError
          ? error
          : new TransientAdapterError(`${party} unreachable: ${error.message}`),
      );
    }
    request.on('error', fail);
    request.end(payload);
  });
}

/** POSTs JSON and maps failures to transient (network, timeout, 5xx, 429) or permanent (other 4xx). */
export async function postJson<T>(options: HttpPartyOptions, path: string, body: unknown, party: string): Promise<T> {
  const { status, text } = await postBytes(
    new URL(path, options.baseUrl),
    Buffer.from(JSON.stringify(body)),
    { 'content-type': 'application/json', accept: 'application/json' },
    options,
    party,
  );
  if (status >= 500 || status === 429) {
    throw new TransientAdapterError(`${party} answered ${status}`);
  }
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    throw new PermanentAdapterError(`${party} answered ${status} with a body that is not JSON`);
  }
  if (status < 200 || status >= 300) {
    const code = (parsed as { code?: unknown } | undefined)?.code;
    throw new PermanentAdapterError(`${party} refused the request (${status}${typeof code === 'string' ? ` ${code}` : ''})`);
  }
  return parsed as T;
}
