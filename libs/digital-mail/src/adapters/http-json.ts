import { PermanentAdapterError, TransientAdapterError } from './types';

export interface HttpPartyOptions {
  baseUrl: string;
  /** Per request; a slower answer counts as a transient fault. */
  timeoutMs?: number;
}

/** POSTs JSON and maps failures to transient (network, timeout, 5xx, 429) or permanent (other 4xx). */
export async function postJson<T>(options: HttpPartyOptions, path: string, body: unknown, party: string): Promise<T> {
  // A timer cleared as soon as the answer is read: AbortSignal.timeout() would keep every request,
  // its body and its answer reachable for the whole timeout (30 s), which at hundreds of letters a
  // second was the bulk of the worker's memory growth.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('timed out', 'TimeoutError')), options.timeoutMs ?? 30_000);
  let response: Response;
  let text: string;
  try {
    response = await fetch(new URL(path, options.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    text = await response.text();
  } catch (error) {
    const timedOut = controller.signal.aborted || (error as Error).name === 'TimeoutError';
    throw new TransientAdapterError(`${party} unreachable: ${timedOut ? 'timed out' : (error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  if (response.status >= 500 || response.status === 429) {
    throw new TransientAdapterError(`${party} answered ${response.status}`);
  }
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    throw new PermanentAdapterError(`${party} answered ${response.status} with a body that is not JSON`);
  }
  if (!response.ok) {
    const code = (parsed as { code?: unknown } | undefined)?.code;
    throw new PermanentAdapterError(`${party} refused the request (${response.status}${typeof code === 'string' ? ` ${code}` : ''})`);
  }
  return parsed as T;
}
