import { postBytes } from '../http-json';
import { AdapterConfigurationError, PermanentAdapterError, TransientAdapterError } from '../types';

export interface ClientCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  /** Per token request; a slower answer counts as a transient fault. */
  timeoutMs?: number;
}

/** A token is renewed this long before it expires (half its life when shorter), so no call carries an expired one. */
const RENEW_BEFORE_MS = 30_000;

/**
 * OAuth2 client credentials (RFC 6749 4.4, client_secret_basic) with the token cached until
 * shortly before it expires; concurrent callers share one token request. `invalidate()` drops it
 * (after a 401). The same small exchange Mina ombud's client makes; no library needed for one POST.
 */
export class ClientCredentialsToken {
  private cached: { token: string; renewAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly credentials: ClientCredentials,
    private readonly party: string,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<string> {
    if (this.cached && this.cached.renewAt > this.now()) return this.cached.token;
    this.pending ??= this.request().finally(() => (this.pending = undefined));
    return this.pending;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  private async request(): Promise<string> {
    const { clientId, clientSecret, scope } = this.credentials;
    // RFC 6749 2.3.1: id and secret are form-encoded before they are joined and base64-encoded.
    const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
    const form = new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) });
    const { status, text } = await postBytes(
      new URL(this.credentials.tokenUrl),
      Buffer.from(form.toString()),
      { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', authorization: `Basic ${basic}` },
      { timeoutMs: this.credentials.timeoutMs },
      `${this.party} token endpoint`,
    );
    if (status === 429 || status >= 500) throw new TransientAdapterError(`${this.party} token endpoint answered ${status}`);
    let answer: { access_token?: unknown; token_type?: unknown; expires_in?: unknown; error?: unknown } | undefined;
    try {
      answer = JSON.parse(text);
    } catch {
      answer = undefined;
    }
    if (status >= 400) {
      const code = typeof answer?.error === 'string' ? ` ${answer.error.slice(0, 50)}` : '';
      throw new AdapterConfigurationError(
        `${this.party} token endpoint refused our client credentials (${status}${code}): check the client id and secret tenant.yaml names`,
      );
    }
    if (
      status !== 200 ||
      typeof answer?.access_token !== 'string' ||
      !answer.access_token ||
      !/^bearer$/i.test(String(answer.token_type))
    ) {
      throw new PermanentAdapterError(`${this.party} token endpoint answered ${status} without a bearer token`);
    }
    const lifetimeMs = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in * 1000 : 60_000;
    this.cached = { token: answer.access_token, renewAt: this.now() + Math.max(lifetimeMs - RENEW_BEFORE_MS, lifetimeMs / 2) };
    return answer.access_token;
  }
}
