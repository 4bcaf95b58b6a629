import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. */
export const SIGNATURE_HEADER = 'x-linda-signature';
/** Header carrying the event's stable id: the same on every retry and replay (dedupe on it). */
export const EVENT_ID_HEADER = 'x-linda-event-id';
/** Header carrying the event type (`message.received`, …). */
export const EVENT_TYPE_HEADER = 'x-linda-event-type';
/** Header carrying the delivery id (one per webhook and event; the API's replay handle). */
export const DELIVERY_ID_HEADER = 'x-linda-delivery-id';

/** Default window, in seconds, within which a receiver accepts a signature's timestamp. */
export const DEFAULT_TOLERANCE_SEC = 300;

function hmacHex(secret: string, timestamp: number, rawBody: string | Uint8Array): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`);
  mac.update(rawBody);
  return mac.digest('hex');
}

/**
 * The `X-Linda-Signature` value for `rawBody` at `timestamp` (unix seconds, default now).
 *
 * @example
 * signWebhook('whsec_…', '{"id":"evt_1"}') // 't=1764236400,v1=5f0c…'
 */
export function signWebhook(
  secret: string,
  rawBody: string | Uint8Array,
  timestamp: number = Math.floor(Date.now() / 1000),
): string {
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, rawBody)}`;
}

/** Why a signature was refused, or `ok`. */
export type SignatureCheck =
  | { ok: true; timestamp: number }
  | { ok: false; reason: 'malformed' | 'stale' | 'mismatch' };

/**
 * For receivers: checks an `X-Linda-Signature` header against the raw request body (the exact
 * bytes, before any JSON parsing). Refuses a malformed header, a timestamp further than
 * `toleranceSec` from `now` (a replayed request), and a wrong MAC; the MAC comparison is
 * constant-time. Any of several `v1=` values may match (for secret rotation).
 *
 * @example
 * const check = verifyWebhookSignature(secret, req.headers['x-linda-signature'], rawBody);
 * if (!check.ok) return res.writeHead(400).end();
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | string[] | undefined,
  rawBody: string | Uint8Array,
  opts: { toleranceSec?: number; now?: number } = {},
): SignatureCheck {
  if (typeof header !== 'string' || header.length > 4096) return { ok: false, reason: 'malformed' };
  let timestamp: number | undefined;
  const macs: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return { ok: false, reason: 'malformed' };
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value) || timestamp !== undefined) return { ok: false, reason: 'malformed' };
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/.test(value)) return { ok: false, reason: 'malformed' };
      macs.push(value);
    }
  }
  if (timestamp === undefined || macs.length === 0) return { ok: false, reason: 'malformed' };
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (opts.toleranceSec ?? DEFAULT_TOLERANCE_SEC)) {
    return { ok: false, reason: 'stale' };
  }
  const expected = Buffer.from(hmacHex(secret, timestamp, rawBody), 'hex');
  let match = false;
  for (const mac of macs) {
    // No early exit: every candidate is compared.
    if (timingSafeEqual(expected, Buffer.from(mac, 'hex'))) match = true;
  }
  return match ? { ok: true, timestamp } : { ok: false, reason: 'mismatch' };
}
