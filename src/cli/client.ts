import type { Message } from '../domain/message.js';
import type { SandboxExchange } from '../linda-api.js';
import type { StatusView } from '../server/routes/status.js';
import type { AccountView } from '../server/views.js';
import type { WebhookView } from '../webhooks/registry.js';
import type { DeliveryView } from '../webhooks/service.js';
import { CliError } from './errors.js';

/** Body of `POST /v1/accounts`. */
export interface NewAccount {
  id: string;
  name?: string;
  phone?: string;
  connector?: string;
  config?: Record<string, unknown>;
}

/** Response of a send: the outbox row id, the network message id and the outbox state. */
export interface SendReceipt {
  id: number;
  messageId: string;
  state: string;
}

/** Body of `POST /v1/webhooks`. */
export interface NewWebhook {
  url: string;
  events: string[];
  account?: string;
  secret?: string;
}

/** One page of a chat's history, newest first. */
export interface HistoryResponse {
  messages: Message[];
  nextCursor: string | null;
}

/** `GET /v1/accounts`. */
export interface AccountList {
  accounts: AccountView[];
  defaultAccount: string | null;
}

/**
 * A small typed client of the Linda HTTP API (Node 20's global fetch). Every failure is a
 * `CliError` carrying the server's error code, or SERVER_UNREACHABLE / BAD_RESPONSE / TIMEOUT.
 * @example
 *   const client = new LindaClient('http://127.0.0.1:3000', key);
 *   await client.send('demo', '+15550001', 'hello');
 */
export class LindaClient {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly timeoutMs = 30_000,
  ) {}

  /** `GET /health` (no key needed): resolves when a Linda server answers at `baseUrl`. */
  async health(): Promise<void> {
    await this.request('GET', '/health', undefined, {}, false);
  }

  createAccount(input: NewAccount): Promise<AccountView> {
    return this.request('POST', '/v1/accounts', input);
  }

  listAccounts(): Promise<AccountList> {
    return this.request('GET', '/v1/accounts');
  }

  useAccount(id: string): Promise<{ defaultAccount: string }> {
    return this.request('POST', `/v1/accounts/${enc(id)}/use`);
  }

  startAccount(id: string): Promise<AccountView> {
    return this.request('POST', `/v1/accounts/${enc(id)}/start`);
  }

  stopAccount(id: string): Promise<AccountView> {
    return this.request('POST', `/v1/accounts/${enc(id)}/stop`);
  }

  async removeAccount(id: string, purge: boolean): Promise<void> {
    await this.request('DELETE', `/v1/accounts/${enc(id)}${purge ? '?purge=true' : ''}`);
  }

  send(account: string, to: string, text: string, idempotencyKey?: string): Promise<SendReceipt> {
    const headers: Record<string, string> =
      idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey };
    return this.request('POST', `/v1/accounts/${enc(account)}/messages`, { to, text }, headers);
  }

  history(account: string, chat: string, limit: number, before?: string): Promise<HistoryResponse> {
    const query = new URLSearchParams({ limit: String(limit) });
    if (before !== undefined) query.set('before', before);
    return this.request('GET', `/v1/accounts/${enc(account)}/chats/${enc(chat)}/messages?${query}`);
  }

  search(account: string, q: string, limit: number): Promise<{ messages: Message[] }> {
    const query = new URLSearchParams({ q, limit: String(limit) });
    return this.request('GET', `/v1/accounts/${enc(account)}/search?${query}`);
  }

  status(): Promise<StatusView> {
    return this.request('GET', '/v1/status');
  }

  sandboxSay(account: string, from: string, text: string): Promise<SandboxExchange> {
    return this.request('POST', `/v1/sandbox/${enc(account)}/inbound`, { from, text });
  }

  createWebhook(input: NewWebhook): Promise<WebhookView & { secret: string }> {
    return this.request('POST', '/v1/webhooks', input);
  }

  listWebhooks(): Promise<{ webhooks: WebhookView[] }> {
    return this.request('GET', '/v1/webhooks');
  }

  async removeWebhook(id: string): Promise<void> {
    await this.request('DELETE', `/v1/webhooks/${enc(id)}`);
  }

  webhookDeliveries(id: string, limit: number, state?: string): Promise<{ deliveries: DeliveryView[] }> {
    const query = new URLSearchParams({ limit: String(limit) });
    if (state !== undefined) query.set('state', state);
    return this.request('GET', `/v1/webhooks/${enc(id)}/deliveries?${query}`);
  }

  replayDelivery(id: string): Promise<DeliveryView> {
    return this.request('POST', `/v1/webhooks/deliveries/${enc(id)}/replay`);
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
    authenticate = true,
  ): Promise<T> {
    const headers: Record<string, string> = { ...extraHeaders };
    if (authenticate) headers.authorization = `Bearer ${this.apiKey}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(new URL(path, this.baseUrl), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw transportError(err, this.baseUrl);
    }
    const text = await res.text();
    if (res.status === 204) return undefined as T;
    let json: unknown;
    try {
      json = text.length === 0 ? undefined : JSON.parse(text);
    } catch {
      throw new CliError('BAD_RESPONSE', `${method} ${path} answered ${res.status} with a non-JSON body`);
    }
    if (!res.ok) throw responseError(json, res.status);
    return json as T;
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

function responseError(json: unknown, status: number): CliError {
  const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (typeof error?.code === 'string' && typeof error.message === 'string') {
    return new CliError(error.code, error.message);
  }
  return new CliError('BAD_RESPONSE', `server answered ${status}`);
}

function transportError(err: unknown, baseUrl: string): CliError {
  const name = (err as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new CliError('TIMEOUT', `no answer from ${baseUrl} in time`);
  }
  if (err instanceof TypeError && (err as { code?: string }).code === 'ERR_INVALID_URL') {
    return new CliError('VALIDATION_FAILED', `invalid server URL ${baseUrl}`);
  }
  return new CliError('SERVER_UNREACHABLE', `no Linda server at ${baseUrl} — start one with npm start`, {
    cause: err,
  });
}
