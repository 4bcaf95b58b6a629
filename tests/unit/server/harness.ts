import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { pino } from 'pino';
import { createLinda, type Linda } from '../../../src/engine.js';
import { buildServer } from '../../../src/server/app.js';

/** The key every harness server accepts. */
export const API_KEY = 'test-key-0123456789abcdef';

/** A real engine on a temporary data directory, with the HTTP API in front of it (not listening). */
export interface Harness {
  linda: Linda;
  app: FastifyInstance;
  dataDir: string;
  /** `app.inject` with the right Authorization header. */
  call(opts: InjectOptions): Promise<LightMyRequestResponse>;
  /** Number of accounts and stored messages, to prove a rejected request stored nothing. */
  counts(): Promise<{ accounts: number; in: number; out: number; outbox: number }>;
  close(): Promise<void>;
}

/** Starts the engine with the demo account (default: yes) and builds the server. */
export async function startHarness(opts: { logger?: pino.Logger; demo?: boolean } = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'linda-server-'));
  const linda = await createLinda({
    dataDir,
    demo: opts.demo ?? true,
    ...(opts.logger === undefined ? {} : { logger: opts.logger }),
  });
  await linda.start();
  const app = buildServer(linda, {
    apiKey: API_KEY,
    ...(opts.logger === undefined ? {} : { logger: opts.logger }),
  });
  await app.ready();
  return {
    linda,
    app,
    dataDir,
    call: (o) => app.inject({ ...o, headers: { authorization: `Bearer ${API_KEY}`, ...o.headers } }),
    counts: async () => {
      const s = await linda.status();
      const outbox = s.outbox.queued + s.outbox.sending + s.outbox.sent + s.outbox.failed + s.outbox.dead;
      return { accounts: s.accounts.length, in: s.messages.in, out: s.messages.out, outbox };
    },
    close: async () => {
      await app.close();
      await linda.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The `error.code` of a JSON error response. */
export function errorCode(res: LightMyRequestResponse): string | undefined {
  return (res.json() as { error?: { code?: string } }).error?.code;
}
