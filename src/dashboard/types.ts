// What the dashboard reads from Linda's HTTP API. Copies of the wire shapes, not imports of the
// server's types: the browser build must not pull Node code in. Fields added later by the
// server are optional here, so an older server still renders.

/** `GET /v1/accounts` items. */
export interface AccountView {
  id: string;
  name: string;
  phone: string | null;
  connector: string;
  status: string;
  createdAt: number;
  configKeys: string[];
}

/** One second of engine activity (`stats.tick` events, `GET /v1/stats`). */
export interface StatsTick {
  at: number;
  inPerSec: number;
  outPerSec: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  queued: number;
  heapUsedBytes: number;
}

/** An account row of `GET /v1/status`. */
export interface StatusAccount {
  id: string;
  connector: string;
  status: string;
  name?: string;
  phone?: string | null;
  today?: { in: number; out: number };
  queued?: number;
}

/** `GET /v1/status`. */
export interface EngineStatus {
  uptimeMs: number;
  defaultAccount?: string | null;
  accounts: StatusAccount[];
  messages?: { in: number; out: number };
  outbox?: Record<string, number>;
  memory?: { heapUsed: number; rss: number };
  live?: StatsTick;
}

/** A stored message as events and history carry it (only the fields the dashboard shows). */
export interface Message {
  id: string;
  account: string;
  chat: string;
  sender: string;
  direction: 'in' | 'out';
  kind: string;
  body?: string;
  timestamp: number;
  status?: string;
}

/** `POST /v1/sandbox/:account/inbound`. */
export interface SandboxExchange {
  inbound: Message;
  replies: Array<{ id: string; to: string; body: string | null | undefined; kind: string }>;
}

/** `GET /v1/accounts/:id/qr`. */
export interface LinkingInfo {
  qr: string | null;
  pairingCode: string | null;
}

/** One server-sent event of `GET /v1/events`. */
export interface LindaEvent {
  id: string;
  type: string;
  at: number;
  account: string;
  data: Record<string, unknown>;
}
