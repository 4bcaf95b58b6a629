import type { LindaControl, LindaSandboxControl } from '../linda-api.js';

/** The part of the engine the HTTP API drives: its public control surface, nothing internal. */
export type LindaApi = LindaControl &
  LindaSandboxControl & {
    /** The live connector of an account (webhook routing); undefined while it is not connected. */
    connector(id: string): unknown;
  };
