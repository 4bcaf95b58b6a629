import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, open as openFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { errorMessage, isLindaError, LindaError, StorageError, ValidationError } from '../domain/errors.js';
import type { MediaRef } from '../domain/message.js';

/** What `put` needs to know besides the bytes. */
export interface MediaPutOptions {
  mime: string;
  fileName?: string | undefined;
  /** Larger payloads fail with `PAYLOAD_TOO_LARGE` and leave nothing behind. */
  maxBytes: number;
}

/**
 * Content-addressed blobs on disk: `<dir>/<first two hex>/<sha256>`. Same bytes, same file.
 * Metadata (mime, file name) is the caller's to keep, through `Store.saveMedia`.
 */
export interface MediaStore {
  readonly dir: string;
  /** Streams `source` to disk while hashing it; never holds the whole payload in memory. */
  put(source: Readable | AsyncIterable<Uint8Array>, opts: MediaPutOptions): Promise<MediaRef>;
  /** Decodes `base64` slice by slice, so no second full-size copy of the payload is made. */
  putBase64(base64: string, opts: MediaPutOptions): Promise<MediaRef>;
  /** A stream of the blob; throws `LindaError('NOT_FOUND')` when it is not stored. */
  open(sha256: string): Readable;
  has(sha256: string): Promise<boolean>;
  /** Where the blob lives (whether or not it exists). */
  path(sha256: string): string;
}

const SHA256 = /^[a-f0-9]{64}$/;
/** Base64 characters decoded per slice: a multiple of 4, so slices decode independently. */
const BASE64_SLICE = 256 * 1024;
const BASE64_CHARS = /^[A-Za-z0-9+/\-_]*={0,2}$/;

function checkHash(sha256: string): void {
  if (!SHA256.test(sha256)) {
    throw new ValidationError('invalid media id', [{ path: 'sha256', message: 'must be 64 hex digits' }]);
  }
}

function tooLarge(maxBytes: number): LindaError {
  return new LindaError('PAYLOAD_TOO_LARGE', `media is larger than ${maxBytes} bytes`, { maxBytes });
}

/** Yields decoded slices of `base64`, ignoring white space (MIME line breaks) anywhere in it. */
export function* decodeBase64Slices(base64: string): Generator<Buffer> {
  let carry = '';
  for (let i = 0; i < base64.length; i += BASE64_SLICE) {
    const text = carry + base64.slice(i, i + BASE64_SLICE).replace(/\s+/g, '');
    if (!BASE64_CHARS.test(text)) {
      throw new ValidationError('invalid base64 media', [{ path: 'data', message: 'not base64' }]);
    }
    const whole = i + BASE64_SLICE >= base64.length ? text.length : text.length - (text.length % 4);
    carry = text.slice(whole);
    if (whole > 0) yield Buffer.from(text.slice(0, whole), 'base64');
  }
}

/**
 * Opens (creating on first write) a media store under `dir`.
 *
 * @example
 * const media = createMediaStore({ dir: 'data/media' });
 * const ref = await media.put(req.raw, { mime: 'image/jpeg', maxBytes: 16 << 20 });
 */
export function createMediaStore(options: { dir: string }): MediaStore {
  const { dir } = options;
  const tmpDir = join(dir, '.tmp');
  const pathOf = (sha256: string): string => {
    checkHash(sha256);
    return join(dir, sha256.slice(0, 2), sha256);
  };

  async function put(
    source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array>,
    opts: MediaPutOptions,
  ): Promise<MediaRef> {
    const tmp = join(tmpDir, `${randomUUID()}.part`);
    let done = false;
    try {
      await mkdir(tmpDir, { recursive: true });
      const hash = createHash('sha256');
      let size = 0;
      const file = await openFile(tmp, 'wx');
      try {
        for await (const chunk of source) {
          const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
          size += bytes.byteLength;
          if (size > opts.maxBytes) throw tooLarge(opts.maxBytes);
          hash.update(bytes);
          await file.write(bytes);
        }
      } finally {
        await file.close();
      }
      const sha256 = hash.digest('hex');
      const target = pathOf(sha256);
      if (existsSync(target)) {
        await unlink(tmp);
      } else {
        await mkdir(join(dir, sha256.slice(0, 2)), { recursive: true });
        // rename is atomic: a reader sees the whole blob or none (racing writers write equal bytes).
        await rename(tmp, target);
      }
      done = true;
      const ref: MediaRef = { sha256, size, mime: opts.mime };
      if (opts.fileName !== undefined) ref.fileName = opts.fileName;
      return ref;
    } catch (err) {
      if (isLindaError(err)) throw err;
      const code = (err as { code?: string }).code;
      const unwritable = code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOSPC';
      throw new StorageError(
        unwritable ? 'STORAGE_UNWRITABLE' : 'STORAGE_FAILED',
        `cannot store media in ${dir}: ${errorMessage(err)}`,
        { dir },
        { cause: err },
      );
    } finally {
      if (!done) await unlink(tmp).catch(() => undefined);
    }
  }

  return {
    dir,
    put,
    async putBase64(base64, opts) {
      // Cheap early refusal: the decoded size is known from the length (white space aside).
      if (Math.floor((base64.length * 3) / 4) - 2 > opts.maxBytes && !/\s/.test(base64)) {
        throw tooLarge(opts.maxBytes);
      }
      return put(decodeBase64Slices(base64), opts);
    },
    open(sha256) {
      const file = pathOf(sha256);
      if (!existsSync(file)) throw new LindaError('NOT_FOUND', `media ${sha256} not found`, { sha256 });
      return createReadStream(file);
    },
    async has(sha256) {
      if (!SHA256.test(sha256)) return false;
      try {
        return (await stat(pathOf(sha256))).isFile();
      } catch {
        return false;
      }
    },
    path: pathOf,
  };
}
