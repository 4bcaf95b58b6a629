import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { LindaError } from '../../domain/errors.js';

/** Constant-time string equality; both sides are hashed first so lengths do not leak either. */
export function secretsMatch(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The value of a header, whatever the case of its name; the first one if repeated. */
export function headerValue(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

const SIGNATURE = /^sha256=([a-f0-9]{64})$/i;

/**
 * Checks Meta's `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>` against `appSecret`.
 * Throws `LindaError('UNAUTHORIZED')` when the header is missing, malformed or wrong.
 */
export function assertSignature(
  rawBody: Buffer,
  headers: Record<string, string | string[] | undefined>,
  appSecret: string,
): void {
  const header = headerValue(headers, 'x-hub-signature-256');
  if (header === undefined) throw new LindaError('UNAUTHORIZED', 'missing X-Hub-Signature-256 header');
  const presented = SIGNATURE.exec(header.trim())?.[1];
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  // Both buffers are 32 bytes when the header is well formed; a malformed one compares zeros.
  const given = presented === undefined ? Buffer.alloc(32) : Buffer.from(presented, 'hex');
  if (!timingSafeEqual(given, expected) || presented === undefined) {
    throw new LindaError('UNAUTHORIZED', 'invalid X-Hub-Signature-256 signature');
  }
}

/**
 * Answers Meta's subscription handshake (`hub.mode=subscribe&hub.verify_token=...&hub.challenge=...`):
 * returns the challenge, or throws `LindaError('UNAUTHORIZED')`.
 */
export function answerVerification(query: Record<string, string | undefined>, verifyToken: string): string {
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (query['hub.mode'] !== 'subscribe' || token === undefined || !secretsMatch(token, verifyToken)) {
    throw new LindaError('UNAUTHORIZED', 'webhook verification failed: wrong hub.mode or hub.verify_token');
  }
  if (challenge === undefined || challenge.length === 0 || challenge.length > 1024) {
    throw new LindaError('VALIDATION_FAILED', 'hub.challenge is missing');
  }
  return challenge;
}
