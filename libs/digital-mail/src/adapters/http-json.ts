import { PermanentAdapterError, TransientAdapterError } from './types';

export interface HttpPartyOptions {
  baseUrl: string;
  /** Per request; a slower answer counts as a transient fault. */
  timeoutMs?: number;
}

/** POSTs JSON and maps failures to transient (network, timeout, 5xx, 429) or permanent (other 4xx). */
export async function postJson<T>(options: HttpPartyOptions, path: string, body: unknown, party: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(new URL(path, options.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (error) {
    throw new TransientAdapterError(`${party} unreachable: ${(error as Error).name === 'TimeoutError' ? 'timed out' : (error as Error).message}`);
  }
  const text = await response.text();
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
