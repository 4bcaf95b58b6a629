import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

/**
 * The one end-to-end check of the built `linda` bin: compile `src/` into a scratch directory
 * inside the repo (so `node_modules` resolves), then spawn `start` and a client command.
 */
describe('the built linda bin', () => {
  let outDir: string;
  let dataDir: string;
  let server: ChildProcess | undefined;

  beforeAll(async () => {
    mkdirSync(join(root, 'test-artifacts'), { recursive: true });
    outDir = mkdtempSync(join(root, 'test-artifacts', 'cli-bin-'));
    dataDir = mkdtempSync(join(tmpdir(), 'linda-bin-'));
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    // Type errors elsewhere in the tree are the typecheck's business; emit regardless.
    await run(
      process.execPath,
      [
        tsc,
        '-p',
        'tsconfig.build.json',
        '--outDir',
        outDir,
        '--declaration',
        'false',
        '--sourceMap',
        'false',
      ],
      { cwd: root },
    ).catch(() => undefined);
    // tsc does not copy the store's .sql migrations; a packaged build ships them next to the JS.
    const migrations = join('storage', 'sqlite', 'migrations');
    cpSync(join(root, 'src', migrations), join(outDir, migrations), { recursive: true });
  }, 120_000);

  afterAll(() => {
    server?.kill('SIGKILL');
    rmSync(outDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts, answers a client command, and exits 0 on SIGTERM', async () => {
    const bin = join(outDir, 'cli', 'main.js');
    expect(existsSync(bin)).toBe(true);
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');

    const child = spawn(
      process.execPath,
      [bin, 'start', '--port', '0', '--data', dataDir, '--log-level', 'silent'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    server = child;
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in: ${out}`)), 20_000);
      child.stdout?.on('data', () => {
        const m = /listening on (\S+)/.exec(out);
        if (m?.[1]) {
          clearTimeout(timer);
          resolveUrl(m[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    expect(out).toContain(readFileSync(join(dataDir, 'api-key'), 'utf8').trim());

    const say = await run(process.execPath, [
      bin,
      'sandbox',
      'say',
      '!ping',
      '--url',
      url,
      '--data',
      dataDir,
    ]);
    expect(say.stdout).toBe('pong\n');

    const bad = await run(process.execPath, [
      bin,
      'send',
      'nobody',
      'hi',
      '--url',
      url,
      '--data',
      dataDir,
    ]).catch((err: { code: number; stderr: string }) => err);
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error VALIDATION_FAILED: /) });

    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    server = undefined;
  }, 60_000);
});
