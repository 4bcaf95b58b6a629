import type { LindaControl, LindaObservability, LindaSandboxControl } from '../linda-api.js';
import type { WebhookControl } from '../webhooks/service.js';

/** The part of the engine the HTTP API drives: its public control surface, nothing internal. */
export type LindaApi = LindaControl &
  LindaSandboxControl &
  LindaObservability & {
    /** The live connector of an account (webhook routing); undefined while it is not connected. */
    connector(id: string): unknown;
    /** Outbound webhooks: registrations, deliveries, replay. */
    readonly webhooks: WebhookControl;
  };
