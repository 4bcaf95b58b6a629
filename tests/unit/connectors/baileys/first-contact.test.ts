import { describe, expect, it } from 'vitest';
import { FirstContactPacer } from '../../../../src/connectors/baileys/first-contact.js';
import { memoryAuthState } from '../../../support/connector-context.js';

const JID = '15550001111@s.whatsapp.net';

async function timed(f: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

describe('FirstContactPacer', () => {
  it('pauses before the first message to a new number only, and remembers it across restarts', async () => {
    const auth = memoryAuthState();
    const pacer = new FirstContactPacer(auth, 80, () => 0);
    expect(await timed(() => pacer.beforeSend(JID))).toBeGreaterThanOrEqual(75);
    await pacer.afterSend(JID);
    expect(await timed(() => pacer.beforeSend(JID))).toBeLessThan(20);
    // A new connector (restart) reads the mark from the auth state.
    const again = new FirstContactPacer(auth, 80, () => 0);
    expect(await timed(() => again.beforeSend(JID))).toBeLessThan(20);
  });

  it('does not pause to answer someone who wrote first, and stop() ends a pause', async () => {
    const pacer = new FirstContactPacer(memoryAuthState(), 5_000, () => 0);
    pacer.noteInbound(JID);
    expect(await timed(() => pacer.beforeSend(JID))).toBeLessThan(20);
    const waiting = timed(() => pacer.beforeSend('15550002222@s.whatsapp.net'));
    pacer.stop();
    expect(await waiting).toBeLessThan(100);
  });
});
