import { describe, expect, it } from 'vitest';
import { toInbound, toStatus, valuesFor } from '../../../../src/connectors/cloud/webhook-payload.js';
import { FAKE, fixture } from '../../../fixtures/cloud/fake-graph.js';

const SENDER = '+15550001111';
const TS = 1_767_225_600_000;

/** Every message of a fixture, mapped without media. */
function mapped(name: string) {
  return valuesFor(fixture(name), FAKE.phoneNumberId).flatMap((value) =>
    (value.messages ?? []).map((m) => toInbound(m, value)),
  );
}

describe('Cloud webhook messages → InboundMessage', () => {
  it('text: wamid as id, E.164 sender and chat, seconds → ms, profile name → pushName', () => {
    expect(mapped('text.json')).toEqual([
      {
        id: 'wamid.LINDA0001',
        chat: SENDER,
        sender: SENDER,
        kind: 'text',
        body: '!ping',
        timestamp: TS,
        meta: { pushName: 'Ada Lovelace' },
      },
    ]);
  });

  it('context.id becomes quotedId', () => {
    expect(mapped('text-reply.json')[0]).toMatchObject({ kind: 'text', quotedId: 'wamid.OUT0001' });
  });

  it('location carries its coordinates, name and address in meta', () => {
    expect(mapped('location.json')[0]).toMatchObject({
      kind: 'location',
      body: 'Clock Tower',
      meta: { latitude: 51.5007, longitude: -0.1246, name: 'Clock Tower', address: '1 Main St, Springfield' },
    });
  });

  it('contacts carry the cards in meta and the names as body', () => {
    const m = mapped('contacts.json')[0];
    expect(m).toMatchObject({ kind: 'contact', body: 'Grace Hopper' });
    expect(m?.meta?.contacts).toEqual([expect.objectContaining({ phones: [expect.anything()] })]);
  });

  it.each([
    ['interactive-button-reply.json', 'Yes, confirm', 'confirm_yes'],
    ['interactive-list-reply.json', 'Express', 'ship_express'],
    ['button-quick-reply.json', 'Stop promotions', 'STOP_PROMOS'],
  ])('%s is text with the title as body and the reply id in meta', (file, title, replyId) => {
    expect(mapped(file)[0]).toMatchObject({
      kind: 'text',
      body: title,
      quotedId: 'wamid.OUT0001',
      meta: { replyId },
    });
  });

  it('reactions: emoji as body and the target in meta; a removed reaction has an empty body', () => {
    expect(mapped('reaction.json')[0]).toMatchObject({
      kind: 'reaction',
      body: '👍',
      meta: { targetId: 'wamid.OUT0001' },
    });
    expect(mapped('reaction-removed.json')[0]).toMatchObject({
      kind: 'reaction',
      body: '',
      meta: { targetId: 'wamid.OUT0001' },
    });
    expect(mapped('reaction.json')[0]?.quotedId).toBeUndefined();
  });

  it('unknown types become unsupported, keeping the type', () => {
    expect(mapped('unsupported.json')[0]).toMatchObject({
      kind: 'unsupported',
      meta: { type: 'unsupported' },
    });
  });

  it.each([
    ['image.json', 'image', 'a red door'],
    ['video.json', 'video', 'the sea'],
    ['audio-voice.json', 'audio', undefined],
    ['document.json', 'document', 'the invoice'],
    ['sticker.json', 'sticker', undefined],
  ])(
    '%s maps to kind %s with its caption and media id (the file comes from the connector)',
    (file, kind, body) => {
      const m = mapped(file)[0];
      expect(m).toMatchObject({ kind, meta: { mediaId: expect.stringMatching(/^3\d+$/) } });
      expect(m?.body).toBe(body);
    },
  );

  it('voice notes are flagged', () => {
    expect(mapped('audio-voice.json')[0]?.meta?.voice).toBe(true);
  });

  it('a batch keeps every change for this number and skips other numbers', () => {
    expect(mapped('batch-two-messages.json').map((m) => m?.body)).toEqual(['first', 'second']);
  });

  it('bad JSON is VALIDATION_FAILED', () => {
    expect(() => valuesFor(Buffer.from('{"entry": ['), FAKE.phoneNumberId)).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });
});

describe('Cloud webhook statuses → StatusUpdate', () => {
  const statuses = (name: string) =>
    valuesFor(fixture(name), FAKE.phoneNumberId).flatMap((v) => (v.statuses ?? []).map(toStatus));

  it.each([
    ['status-sent.json', 'sent'],
    ['status-delivered.json', 'delivered'],
    ['status-read.json', 'read'],
  ])('%s → %s', (file, status) => {
    expect(statuses(file)).toEqual([{ id: 'wamid.OUT0001', status, timestamp: 1_767_225_700_000 }]);
  });

  it('a failed status carries the error title and code', () => {
    const [update] = statuses('status-failed-131047.json');
    expect(update).toMatchObject({ id: 'wamid.OUT0001', status: 'failed' });
    expect(update?.error).toMatch(/^Re-engagement message \(131047\)/);
  });

  it('statuses Linda does not track are ignored', () => {
    expect(toStatus({ id: 'wamid.X', status: 'deleted' })).toBeUndefined();
  });
});
