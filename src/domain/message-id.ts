import { randomBytes } from 'node:crypto';

const ID_SUFFIX = randomBytes(3).toString('hex').toUpperCase();
let idCounter = 0;

/**
 * A network id for outbound messages in the style of WhatsApp's own (`3EB0` + 23 hex digits):
 * time, then a counter, then a per-process random part. Ids made later sort later, so the
 * store's unique indexes grow at their right edge instead of dirtying a random page per insert.
 */
export function newMessageId(): string {
  idCounter = (idCounter + 1) & 0xffffff;
  return `3EB0${Date.now().toString(16).toUpperCase().padStart(11, '0')}${idCounter
    .toString(16)
    .toUpperCase()
    .padStart(6, '0')}${ID_SUFFIX}`;
}
