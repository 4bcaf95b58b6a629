import { z } from 'zod';
import { e164 } from '../../domain/message.js';
import { parse } from '../../domain/validate.js';
import type { ConnectorContext, ConnectorFactory } from '../types.js';
import { BaileysConnector } from './connector.js';
import type { BaileysConfig, BaileysConnectorOptions } from './types.js';

export { BaileysConnector } from './connector.js';
export type { BaileysConfig, BaileysConnectorOptions, BaileysSocket } from './types.js';

const configSchema = z
  .object({
    pairingPhone: e164.optional(),
    linkTimeoutMs: z.number().int().min(10_000).max(3_600_000).default(180_000),
    maxMediaBytes: z
      .number()
      .int()
      .positive()
      .default(64 * 1024 * 1024),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
    /** Pause before the first message to a number that never wrote to this account (0: none). */
    firstContactDelayMs: z.number().int().min(0).max(60_000).default(5_000),
  })
  .passthrough();

/** Reads a Baileys account's `config` (throws VALIDATION_FAILED). */
export function baileysConfig(config: Record<string, unknown>): BaileysConfig {
  return parse(configSchema, config, 'config');
}

/** A Baileys connector with internal seams (tests pass a fake socket factory). */
export function createBaileysConnector(
  ctx: ConnectorContext,
  options: BaileysConnectorOptions = {},
): BaileysConnector {
  return new BaileysConnector(ctx, baileysConfig(ctx.config), options);
}

/**
 * WhatsApp Web multi-device accounts (`connector: "baileys"`). Sends are paced at one a second per
 * account, with jitter, by default: WhatsApp bans numbers that send like bots.
 * @example
 *   const linda = createLinda({ dataDir, connectors: { baileys: baileysConnectorFactory } });
 */
export const baileysConnectorFactory: ConnectorFactory = Object.assign(
  (ctx: ConnectorContext) => createBaileysConnector(ctx),
  {
    // At most one a second, each after a random pause of up to half a second: steady machine
    // cadence is what gets linked devices banned.
    defaultSendRate: { points: 1, durationMs: 1_000, jitterMs: 500 },
  },
);
