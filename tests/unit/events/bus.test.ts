import { afterEach, describe, expect, it } from 'vitest';
import { EventBus, type LindaEvent } from '../../../src/events/bus.js';
import { eventually, startEngine } from '../../support/engine.js';

describe('EventBus', () => {
  it('delivers to type and wildcard listeners, isolates a throwing listener, and unsubscribes', () => {
    const errors: unknown[] = [];
    const bus = new EventBus((err) => errors.push(err));
    const seen: string[] = [];
    const offType = bus.on('session.status', (e) => seen.push(`type:${e.type}`));
    bus.on('*', () => {
      throw new Error('boom');
    });
    const offAll = bus.on('*', (e) => seen.push(`all:${e.type}`));
    bus.publish('session.status', 'a', { status: 'ready' });
    expect(seen).toEqual(['type:session.status', 'all:session.status']);
    expect(errors).toHaveLength(1);
    offType();
    offAll();
    expect(bus.wants('session.status')).toBe(true); // the throwing wildcard listener is still there
    expect(bus.listenerCount()).toBe(1);
  });

  it('gives every event its own id and builds nothing when nobody listens', () => {
    const bus = new EventBus();
    expect(bus.wants('message.status')).toBe(false);
    const ids = new Set<string>();
    bus.on('message.status', (e) => ids.add(e.id));
    for (let i = 0; i < 1000; i++) bus.publish('message.status', 'a', { id: `m${i}`, status: 'read' });
    expect(ids.size).toBe(1000);
  });
});

describe('engine events', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('publishes received, handled, sent and session events for one conversation, once each', async () => {
    const events: LindaEvent[] = [];
    const t = await startEngine();
    close = t.close;
    t.linda.events.on('*', (e) => events.push(e));
    await t.linda.createAccount({ id: 'ev', connector: 'sandbox' });
    await eventually(
      () => events.some((e) => e.type === 'session.status' && e.data.status === 'ready'),
      'session ready event',
    );
    await t.linda.sandbox.say('ev', '+15550001', '!ping');
    await eventually(() => events.some((e) => e.type === 'message.sent'), 'sent event');
    const of = (type: LindaEvent['type']) => events.filter((e) => e.type === type && e.account === 'ev');
    expect(of('message.received')).toHaveLength(1);
    expect(of('message.handled')).toHaveLength(1);
    const sent = of('message.sent');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.data).toMatchObject({ to: '+15550001', result: 'sent', kind: 'text', body: 'pong' });
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });
});
