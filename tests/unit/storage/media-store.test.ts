import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LindaError } from '../../../src/domain/errors.js';
import { createMediaStore, decodeBase64Slices, type MediaStore } from '../../../src/storage/media-store.js';
import { tempDir } from './temp-dir.js';

const MB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Every file under `dir`, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** `bytes` as a stream of 64 KiB chunks. */
function chunked(bytes: Buffer): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += 64 * 1024) yield bytes.subarray(i, i + 64 * 1024);
    })(),
  );
}

describe('media store', () => {
  let tmp: ReturnType<typeof tempDir>;
  let media: MediaStore;
  beforeEach(() => {
    tmp = tempDir('media');
    media = createMediaStore({ dir: join(tmp.dir, 'media') });
  });
  afterEach(() => tmp.remove());

  it('streams 5 MB to a content-addressed file and reads it back', async () => {
    const bytes = randomBytes(5 * MB);
    const ref = await media.put(chunked(bytes), {
      mime: 'video/mp4',
      fileName: 'clip.mp4',
      maxBytes: 16 * MB,
    });
    expect(ref).toEqual({ sha256: sha(bytes), size: bytes.length, mime: 'video/mp4', fileName: 'clip.mp4' });
    expect(media.path(ref.sha256)).toBe(join(tmp.dir, 'media', ref.sha256.slice(0, 2), ref.sha256));
    expect(await media.has(ref.sha256)).toBe(true);
    expect(sha(await readAll(media.open(ref.sha256)))).toBe(ref.sha256);
    expect(files(join(tmp.dir, 'media'))).toEqual([media.path(ref.sha256)]);
  });

  it('stores the same content once', async () => {
    const bytes = randomBytes(300 * 1024);
    const a = await media.put(chunked(bytes), { mime: 'image/png', maxBytes: MB });
    const b = await media.put(Readable.from([new Uint8Array(bytes)]), { mime: 'image/jpeg', maxBytes: MB });
    expect(b.sha256).toBe(a.sha256);
    expect(b.mime).toBe('image/jpeg');
    expect(files(join(tmp.dir, 'media'))).toHaveLength(1);
  });

  it('refuses payloads over maxBytes and leaves no file behind', async () => {
    const bytes = randomBytes(2 * MB);
    const err = await media.put(chunked(bytes), { mime: 'image/png', maxBytes: MB }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LindaError);
    expect((err as LindaError).code).toBe('PAYLOAD_TOO_LARGE');
    expect(await media.has(sha(bytes))).toBe(false);
    expect(files(join(tmp.dir, 'media'))).toEqual([]);
    // Exactly maxBytes is allowed.
    const ok = await media.put(chunked(bytes.subarray(0, MB)), { mime: 'image/png', maxBytes: MB });
    expect(ok.size).toBe(MB);
  });

  it('putBase64 decodes to the same bytes, tolerating line breaks', async () => {
    const bytes = randomBytes(5 * MB + 7);
    const b64 = bytes.toString('base64');
    const ref = await media.putBase64(b64, { mime: 'application/pdf', maxBytes: 8 * MB });
    expect(ref).toMatchObject({ sha256: sha(bytes), size: bytes.length });
    expect(sha(readFileSync(media.path(ref.sha256)))).toBe(sha(bytes));

    const small = randomBytes(1000);
    const wrapped = small.toString('base64').replace(/.{76}/g, '$&\r\n');
    expect((await media.putBase64(wrapped, { mime: 'text/plain', maxBytes: MB })).sha256).toBe(sha(small));
  });

  it('putBase64 refuses oversize and invalid input without leaving files', async () => {
    const big = randomBytes(2 * MB).toString('base64');
    await expect(media.putBase64(big, { mime: 'x/y', maxBytes: MB })).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
    });
    await expect(media.putBase64('abc$def!', { mime: 'x/y', maxBytes: MB })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(existsSync(join(tmp.dir, 'media')) ? files(join(tmp.dir, 'media')) : []).toEqual([]);
  });

  it('decodes base64 in bounded slices that concatenate to the whole', () => {
    const bytes = randomBytes(700 * 1024 + 1);
    const slices = [...decodeBase64Slices(bytes.toString('base64'))];
    expect(slices.length).toBeGreaterThan(1);
    expect(Math.max(...slices.map((s) => s.length))).toBeLessThanOrEqual(256 * 1024);
    expect(Buffer.concat(slices).equals(bytes)).toBe(true);
  });

  it('open throws NOT_FOUND for a missing blob; malformed ids are rejected', async () => {
    expect(() => media.open('f'.repeat(64))).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(await media.has('f'.repeat(64))).toBe(false);
    expect(await media.has('../../etc/passwd')).toBe(false);
    expect(() => media.path('../../etc/passwd')).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });
});
