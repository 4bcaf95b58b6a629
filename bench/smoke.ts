/**
 * A quick look at the engine's speed on the sandbox network: single-message latency
 * (inbound → durable → handled → reply durable) and sustained inbound throughput.
 * Run: npx tsx bench/smoke.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLinda } from '../src/engine.js';

const dir = mkdtempSync(join(tmpdir(), 'linda-smoke-'));
const linda = await createLinda({
  dataDir: dir,
  pipeline: { flood: { points: 1_000_000_000, durationMs: 1_000 } },
  outbox: { rate: { points: 1_000_000_000, durationMs: 1_000 } },
});
linda.bot.on('text', (ctx) => ctx.reply('ok'));
await linda.start();
await linda.createAccount({ id: 'bench' });
linda.sandbox.configure({ recordDeliveries: false, receipts: 'none' });

// Single message: inbound acknowledged (durable) → handled → reply durable in the outbox.
const samples: number[] = [];
for (let i = 0; i < 3_000; i++) {
  const t0 = process.hrtime.bigint();
  const handled = new Promise<void>((resolve) => {
    const off = linda.onHandled(() => {
      off();
      resolve();
    });
  });
  await linda.sandbox.say('bench', '+15550001111', `m${i}`);
  await handled;
  samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
samples.sort((a, b) => a - b);
const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]!.toFixed(3);
console.log(
  `single message (ingest → reply durable): p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms over ${samples.length}`,
);

// Throughput: 50,000 inbound messages over 100 chats, all in flight, every one answered.
const N = 50_000;
const items = Array.from({ length: N }, (_, i) => ({
  from: `+1555200${String(i % 100).padStart(4, '0')}`,
  input: `t${i}`,
}));
const t0 = performance.now();
await linda.sandbox.sayMany('bench', items, { concurrency: 2_000 });
const acked = performance.now() - t0;
await linda.idle();
const handled = performance.now() - t0;
console.log(
  `throughput: ${N} acknowledged in ${acked.toFixed(0)} ms (${Math.round(N / (acked / 1000))} msg/s), ` +
    `handled with replies queued in ${handled.toFixed(0)} ms (${Math.round(N / (handled / 1000))} msg/s)`,
);
await linda.stop();
rmSync(dir, { recursive: true, force: true });
