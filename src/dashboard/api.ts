import type { AccountView, EngineStatus, LinkingInfo, SandboxExchange, StatsTick } from './types.js';

/** A failed API call: the HTTP status and Linda's error code (`UNAUTHORIZED`, `NOT_FOUND`…). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Input of `POST /v1/accounts`. */
export interface NewAccount {
  id: string;
  name?: string;
  phone?: string;
  connector: string;
  config?: Record<string, unknown>;
}

/**
 * Linda's `/v1` API as the page uses it. The key travels only in the Authorization header of
 * same-origin requests: no cookie exists that another site could make the browser send.
 */
export class Api {
  constructor(readonly key: string) {}

  /** The headers every call carries. */
  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.key}`, ...extra };
  }

  /** Sends a request; resolves with the parsed JSON body (undefined for 204), throws {@link ApiError}. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method, headers: this.headers(), cache: 'no-store' };
    if (body !== undefined) {
      init.headers = this.headers({ 'content-type': 'application/json' });
      init.body = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await fetch(`/v1${path}`, init);
    } catch {
      throw new ApiError(0, 'NETWORK', 'Linda is not reachable');
    }
    if (!res.ok) throw await toApiError(res);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  status(): Promise<EngineStatus> {
    return this.request('GET', '/status');
  }

  async accounts(): Promise<AccountView[]> {
    const page = await this.request<{ accounts: AccountView[] }>('GET', '/accounts');
    return page.accounts;
  }

  /** The last two minutes of `stats.tick`s; empty when the server does not keep them. */
  async stats(): Promise<StatsTick[]> {
    try {
      const page = await this.request<{ ticks?: StatsTick[] }>('GET', '/stats');
      return page.ticks ?? [];
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return [];
      throw err;
    }
  }

  createAccount(input: NewAccount): Promise<AccountView> {
    return this.request('POST', '/accounts', input);
  }

  startAccount(id: string): Promise<AccountView> {
    return this.request('POST', `/accounts/${encodeURIComponent(id)}/start`);
  }

  stopAccount(id: string): Promise<AccountView> {
    return this.request('POST', `/accounts/${encodeURIComponent(id)}/stop`);
  }

  removeAccount(id: string): Promise<void> {
    return this.request('DELETE', `/accounts/${encodeURIComponent(id)}`);
  }

  /** What a linking account waits on; undefined when it is not linking. */
  async linking(id: string): Promise<LinkingInfo | undefined> {
    try {
      return await this.request<LinkingInfo>('GET', `/accounts/${encodeURIComponent(id)}/qr`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** The QR code as a PNG blob (fetched with the key, shown through an object URL). */
  async qrImage(id: string): Promise<Blob> {
    const res = await fetch(`/v1/accounts/${encodeURIComponent(id)}/qr?format=png`, {
      headers: this.headers(),
      cache: 'no-store',
    });
    if (!res.ok) throw await toApiError(res);
    return res.blob();
  }

  /** A virtual contact `from` writes `text` to sandbox account `account`. */
  sandboxSay(account: string, from: string, text: string): Promise<SandboxExchange> {
    return this.request('POST', `/sandbox/${encodeURIComponent(account)}/inbound`, { from, text });
  }
}

async function toApiError(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    return new ApiError(res.status, body.error?.code ?? 'HTTP', body.error?.message ?? res.statusText);
  } catch {
    return new ApiError(res.status, 'HTTP', res.statusText || `HTTP ${res.status}`);
  }
}
