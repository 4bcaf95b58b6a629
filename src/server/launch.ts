import type { pino } from 'pino';
import { createLinda } from '../engine.js';
import { ensureApiKey, ensureSecretFile, METRICS_TOKEN_FILE } from './api-key.js';
import { buildServer } from './app.js';

/** Options of {@link launch}. */
export interface LaunchOptions {
  dataDir: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Create the sandbox account `demo` when missing. */
  demo: boolean;
  logger: pino.Logger;
  /** The read-only token of `GET /metrics` (`LINDA_METRICS_TOKEN`); default `<data>/metrics-token`. */
  metricsToken?: string | undefined;
}

/** A running engine plus its HTTP API. */
export interface RunningServer {
  /** `http://host:port` actually bound. */
  url: string;
  apiKey: string;
  apiKeyPath: string;
  /** True when this run created the key (the only run that should print it). */
  apiKeyCreated: boolean;
  /** The read-only `GET /metrics` token; its file, unless it came from the options. */
  metricsToken: { token: string; path: string | undefined; created: boolean };
  /** Stops taking requests (`app.close()`), then stops the engine. Idempotent. */
  close(): Promise<void>;
}

/**
 * What `linda start` runs: data directory and API key, the engine, the API on `host:port`.
 * @example
 *   const server = await launch({ dataDir: './data', host: '127.0.0.1', port: 3000, demo: true, logger });
 *   process.once('SIGTERM', () => void server.close());
 */
export async function launch(opts: LaunchOptions): Promise<RunningServer> {
  const key = await ensureApiKey(opts.dataDir);
  const given = opts.metricsToken?.trim();
  const metricsToken =
    given === undefined || given.length === 0
      ? await ensureSecretFile(opts.dataDir, METRICS_TOKEN_FILE)
      : { key: given, path: undefined, created: false };
  const linda = await createLinda({ dataDir: opts.dataDir, logger: opts.logger, demo: opts.demo });
  try {
    await linda.start();
  } catch (err) {
    await linda.stop().catch(() => undefined); // close whatever start() had opened
    throw err;
  }
  const app = buildServer(linda, { apiKey: key.key, metricsToken: metricsToken.key, logger: opts.logger });
  try {
    await app.listen({ host: opts.host, port: opts.port });
  } catch (err) {
    await app.close();
    await linda.stop();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    apiKey: key.key,
    apiKeyPath: key.path,
    apiKeyCreated: key.created,
    metricsToken: { token: metricsToken.key, path: metricsToken.path, created: metricsToken.created },
    close() {
      closing ??= (async () => {
        try {
          await app.close();
        } finally {
          await linda.stop();
        }
      })();
      return closing;
    },
  };
}
