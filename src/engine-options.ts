import type { Logger } from 'pino';
import type { SandboxNetwork } from './connectors/sandbox/network.js';
import type { ConnectorFactory } from './connectors/types.js';
import type { BackoffPolicy } from './limits/backoff.js';
import type { RateLimit } from './limits/rate-limit.js';
import type { MediaStore } from './storage/media-store.js';
import type { Store } from './storage/types.js';
import type { WebhookOptions } from './webhooks/service.js';

/** Options of `createLinda`. Everything but `dataDir` (or `store`) has a default. */
export interface LindaOptions {
  /** Directory for the SQLite database and media files (created if missing). */
  dataDir?: string;
  /** A store to use instead of `<dataDir>/linda.db`. */
  store?: Store;
  /** A media store to use instead of `<dataDir>/media`. */
  media?: MediaStore;
  logger?: Logger;
  /** Create the sandbox account `demo` on first start. */
  demo?: boolean;
  /** The in-process sandbox network; one is created when omitted. */
  sandbox?: SandboxNetwork;
  /** Extra connector kinds (the sandbox is always registered). */
  connectors?: Record<string, ConnectorFactory>;
  /** Register `!help`, `!ping`, `!status` (default true). */
  builtins?: boolean;
  pipeline?: Partial<{
    concurrency: number;
    maxBatch: number;
    /** Accepted-but-unhandled messages before acknowledgements wait (backpressure). */
    maxBacklog: number;
    maxMediaBytes: number;
    /** Messages per sender before handlers are skipped. */
    flood: RateLimit;
    floodNotice: string;
  }>;
  outbox?: Partial<{
    batch: number;
    maxAttempts: number;
    backoff: BackoffPolicy;
    /** Default send rate per account; an account's `config.sendRate` ({points, durationMs}) overrides it. */
    rate: RateLimit;
  }>;
  session?: Partial<{ maxFailures: number; backoff: BackoffPolicy }>;
  cache?: Partial<{ accounts: number; contacts: number; dedupe: number }>;
  /** Outbound webhook delivery: concurrency, timeout, attempts, backoff (see `WEBHOOK_DEFAULTS`). */
  webhooks?: Partial<WebhookOptions>;
}

/** Every default in one place. */
export const DEFAULTS = {
  pipeline: {
    concurrency: 256,
    maxBatch: 512,
    maxBacklog: 10_000,
    maxMediaBytes: 64 * 1024 * 1024,
    flood: { points: 20, durationMs: 10_000 },
    floodNotice: 'You are sending messages too fast. Please wait a few seconds.',
  },
  outbox: {
    batch: 256,
    maxAttempts: 5,
    backoff: { baseMs: 500, capMs: 60_000, jitter: 0.5 },
    rate: { points: 1_000, durationMs: 1_000 },
  },
  session: { maxFailures: 8, backoff: { baseMs: 1_000, capMs: 60_000, jitter: 0.5 } },
  cache: { accounts: 1_000, contacts: 10_000, dedupe: 10_000 },
} as const;
