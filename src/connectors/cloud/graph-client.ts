import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ConnectorError, errorMessage } from '../../domain/errors.js';
import type { CloudConfig } from './config.js';
import { mapGraphError } from './graph-errors.js';

/** The few Graph API calls the connector makes. Every failure is a `ConnectorError`. */
export interface GraphClient {
  /** `POST /{version}/{path}` with a JSON body; resolves with the parsed JSON answer. */
  postJson(operation: string, path: string, body: unknown): Promise<unknown>;
  /** `POST /{version}/{path}` with a multipart body. */
  postForm(operation: string, path: string, form: FormData): Promise<unknown>;
  /** `GET /{version}/{path}`. */
  get(operation: string, path: string): Promise<unknown>;
  /** Streams a media file from the (absolute) `url` Graph returned; the token goes along. */
  download(url: string): Promise<Readable>;
}

/** A Graph API client for one account's config, on the global `fetch`. */
export function createGraphClient(config: CloudConfig): GraphClient {
  const auth = { authorization: `Bearer ${config.accessToken}` };
  const urlOf = (path: string) => `${config.baseUrl}/${config.apiVersion}/${path}`;

  async function call(
    operation: string,
    url: string,
    init: RequestInit,
    timeoutMs = config.timeoutMs,
  ): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      // Network errors and timeouts: the request may not have arrived; try again later.
      throw new ConnectorError(operation, `Cloud API unreachable: ${errorMessage(err)}`, {
        retryable: true,
        cause: err,
      });
    }
  }

  async function json(operation: string, res: Response): Promise<unknown> {
    const text = await res.text().catch(() => '');
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!res.ok) throw mapGraphError(operation, res.status, body, res.headers.get('retry-after'));
    return body;
  }

  return {
    async postJson(operation, path, body) {
      const res = await call(operation, urlOf(path), {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return json(operation, res);
    },
    async postForm(operation, path, form) {
      const res = await call(operation, urlOf(path), { method: 'POST', headers: auth, body: form });
      return json(operation, res);
    },
    async get(operation, path) {
      const res = await call(operation, urlOf(path), { method: 'GET', headers: auth });
      return json(operation, res);
    },
    async download(url) {
      const res = await call('media', url, { method: 'GET', headers: auth }, config.mediaTimeoutMs);
      if (!res.ok || res.body === null) {
        await res.body?.cancel().catch(() => undefined);
        throw mapGraphError('media', res.status, undefined, res.headers.get('retry-after'));
      }
      return Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>);
    },
  };
}
