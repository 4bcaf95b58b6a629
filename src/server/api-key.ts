import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LindaError } from '../domain/errors.js';

/** File name of the API key inside the data directory. */
export const API_KEY_FILE = 'api-key';

/** The key the server accepts, and whether this call created it (then it is shown once). */
export interface ApiKeyInfo {
  key: string;
  path: string;
  created: boolean;
}

/**
 * Reads `<dataDir>/api-key`, or creates the directory and a random 256-bit key (file mode 0600)
 * when there is none. Creation uses `wx`, so two processes starting at once never overwrite
 * each other's key.
 */
export async function ensureApiKey(dataDir: string): Promise<ApiKeyInfo> {
  return ensureSecretFile(dataDir, API_KEY_FILE);
}

/** File name of the read-only metrics token inside the data directory. */
export const METRICS_TOKEN_FILE = 'metrics-token';

/** Like {@link ensureApiKey}, for any secret file of the data directory (`metrics-token`). */
export async function ensureSecretFile(dataDir: string, file: string): Promise<ApiKeyInfo> {
  const path = join(dataDir, file);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32).toString('base64url');
  try {
    await writeFile(path, `${key}\n`, { flag: 'wx', mode: 0o600 });
    return { key, path, created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return { key: await readApiKey(path), path, created: false };
}

/** Reads an API key file; throws UNAUTHORIZED when it is missing or empty. */
export async function readApiKey(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new LindaError('UNAUTHORIZED', `no API key file at ${path}`);
    }
    throw err;
  }
  const key = text.trim();
  if (key.length === 0) throw new LindaError('UNAUTHORIZED', `API key file ${path} is empty`);
  return key;
}
