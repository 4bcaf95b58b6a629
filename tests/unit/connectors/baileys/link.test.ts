import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createBaileysConnector } from '../../../../src/connectors/baileys/index.js';
import type { ConnectorFactory } from '../../../../src/connectors/types.js';
import { createLinda } from '../../../../src/engine.js';
import { buildServer } from '../../../../src/server/app.js';
import { eventually, tempDir } from '../../../support/engine.js';
import { runCli } from '../../cli/cli-harness.js';
import { lib, socketFactory } from './fake-socket.js';

const KEY = 'link-test-key-0123456789';

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** The engine (Baileys on fake sockets) and the HTTP API, listening on a free port. */
async function serve() {
  const tmp = tempDir();
  const sockets = socketFactory();
  const factory: ConnectorFactory = (ctx) =>
    createBaileysConnector(
      { ...ctx, config: { ...ctx.config, logLevel: 'silent' } },
      { lib, makeSocket: sockets.makeSocket },
    );
  const linda = await createLinda({ dataDir: tmp.dir, connectors: { baileys: factory } });
  await linda.start();
  const app = buildServer(linda, { apiKey: KEY });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  cleanup.push(async () => {
    await app.close();
    await linda.stop();
    tmp.remove();
  });
  const get = (path: string, auth = true): Promise<Response> =>
    fetch(`${url}${path}`, auth ? { headers: { authorization: `Bearer ${KEY}` } } : {});
  const cli = (...args: string[]) =>
    runCli([...args, '--url', url, '--interval', '10', '--timeout', '20'], { LINDA_API_KEY: KEY });
  return { linda, url, sockets, get, cli };
}

describe('GET /v1/accounts/:id/qr and linda accounts link', () => {
  it('serves the QR as JSON and PNG while linking, 404 otherwise; the CLI shows it until linked', async () => {
    const s = await serve();
    expect((await s.get('/v1/accounts/wa/qr', false)).status).toBe(401);
    const unknown = await s.get('/v1/accounts/wa/qr');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('ACCOUNT_NOT_FOUND');

    const linking = s.cli('accounts', 'link', 'wa');
    await eventually(() => s.sockets.sockets.length === 1, 'a socket');
    s.sockets.sockets[0]!.emit('connection.update', { qr: '2@first-qr' });

    await eventually(async () => (await s.get('/v1/accounts/wa/qr')).status === 200, 'linking info');
    const res = await s.get('/v1/accounts/wa/qr');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ qr: '2@first-qr', pairingCode: null });
    const png = await s.get('/v1/accounts/wa/qr?format=png');
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    expect((await s.get('/v1/accounts/wa/qr?format=gif')).status).toBe(400);

    await new Promise((r) => setTimeout(r, 50)); // the CLI prints the first code
    s.sockets.sockets[0]!.emit('connection.update', { connection: 'open' });
    const result = await linking;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('created wa (baileys)');
    expect(result.stdout).toMatch(/[▀▄█]/); // the QR, drawn in the terminal
    expect(result.stdout).toContain('linked: wa is connected');

    const after = await s.get('/v1/accounts/wa/qr');
    expect(after.status).toBe(404);
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    expect(await s.cli('accounts', 'link', 'wa')).toMatchObject({
      code: 0,
      stdout: 'linked: wa is connected\n',
    });
  });

  it('links with a pairing code for --pairing-code, and refuses a non-Baileys account', async () => {
    const s = await serve();
    const linking = s.cli('accounts', 'link', 'wa', '--pairing-code', '+15550001234');
    await eventually(() => s.sockets.sockets.length === 1, 'a socket');
    const sock = s.sockets.sockets[0]!;
    sock.emit('connection.update', { qr: '2@ignored' });
    await eventually(() => s.linda.linking('wa') !== undefined, 'pairing code');
    expect(sock.pairingRequests).toEqual(['15550001234']);
    const res = await s.get('/v1/accounts/wa/qr');
    expect(await res.json()).toEqual({ qr: null, pairingCode: 'ABCD1234' });
    expect((await s.get('/v1/accounts/wa/qr?format=png')).status).toBe(404);
    await new Promise((r) => setTimeout(r, 50));
    sock.emit('connection.update', { connection: 'open' });
    const result = await linking;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('pairing code: ABCD1234');

    await s.linda.createAccount({ id: 'sb', connector: 'sandbox' });
    const refused = await s.cli('accounts', 'link', 'sb');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('VALIDATION_FAILED');
  });
});
