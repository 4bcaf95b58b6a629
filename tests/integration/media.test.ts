import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { startEngine } from '../support/engine.js';

const FIVE_MB = 5 * 1024 * 1024;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

function payload(size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i += 4) buf.writeUInt32LE((i * 2654435761) >>> 0, i);
  return buf;
}

describe('media through the pipeline', () => {
  it('a 5 MB image streams into the media store, reaches handlers as a reference and reads back intact', async () => {
    const e = await startEngine();
    close = e.close;
    const { linda } = e;
    await linda.createAccount({ id: 'a' });
    const seen: Array<{ kind: string; sha: string | undefined; caption: string | undefined }> = [];
    linda.bot.on('media', (ctx) => {
      seen.push({ kind: ctx.kind, sha: ctx.message.media?.sha256, caption: ctx.text });
      return ctx.reply('got it');
    });
    const bytes = payload(FIVE_MB);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const ref = await linda.putMedia(
      Readable.from([bytes.subarray(0, FIVE_MB / 2), bytes.subarray(FIVE_MB / 2)]),
      {
        mime: 'image/jpeg',
        fileName: 'big.jpg',
      },
    );
    expect(ref).toMatchObject({ sha256: sha, size: FIVE_MB, mime: 'image/jpeg' });
    // The same payload as base64 (how webhooks carry it) lands on the same content address.
    const again = await linda.putMedia(bytes.toString('base64'), { mime: 'image/jpeg' });
    expect(again.sha256).toBe(sha);

    await linda.sandbox.say('a', '+15550001111', { kind: 'image', media: ref, body: 'a big one' });
    await linda.idle();
    expect(seen).toEqual([{ kind: 'image', sha, caption: 'a big one' }]);
    expect(await linda.store.getMedia(sha)).toMatchObject({ size: FIVE_MB });
    const read = createHash('sha256');
    for await (const chunk of createReadStream(linda.media.path(sha))) read.update(chunk as Buffer);
    expect(read.digest('hex')).toBe(sha);
  });

  it('refuses media over the configured limit with PAYLOAD_TOO_LARGE and keeps no file', async () => {
    const e = await startEngine({ pipeline: { maxMediaBytes: 1024 } });
    close = e.close;
    const bytes = payload(4096);
    await expect(e.linda.putMedia(Readable.from([bytes]), { mime: 'image/png' })).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
    });
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(await e.linda.media.has(sha)).toBe(false);
    expect(await e.linda.store.getMedia(sha)).toBeUndefined();
  });
});
