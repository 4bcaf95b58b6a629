import type { ConnectorFactory } from '../types.js';
import { parseCloudConfig } from './config.js';
import { CloudConnector } from './connector.js';
import { createGraphClient } from './graph-client.js';

export { type CloudConfig, cloudConfigSchema, parseCloudConfig } from './config.js';
export { CloudConnector } from './connector.js';
export { mapGraphError } from './graph-errors.js';

/**
 * The WhatsApp Business Cloud API connector. Throws `ValidationError` for a bad account config.
 * @example
 *   const linda = await createLinda({ dataDir, connectors: { cloud: cloudConnectorFactory } });
 */
export const cloudConnectorFactory: ConnectorFactory = Object.assign(
  (ctx: Parameters<ConnectorFactory>[0]) => {
    const config = parseCloudConfig(ctx.config);
    return new CloudConnector(ctx, config, createGraphClient(config));
  },
  {
    defaultSendRate: { points: 80, durationMs: 1_000 },
    // Meta's pair rate: about one message every 6 s to the same user, with short bursts allowed.
    defaultRecipientRate: { points: 10, durationMs: 60_000 },
  },
);
