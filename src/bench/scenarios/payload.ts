import { randomFillSync } from 'node:crypto';
import { fullGc } from '../monitor.js';
import type { Scenario } from '../types.js';
import { benchEngine, handledCounter, since } from './fixture.js';

const PAYLOAD = 5 * 2 ** 20;
const CHUNK = 64 * 1024;

async function* chunks(buf: Buffer): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < buf.length; i += CHUNK) yield buf.subarray(i, i + CHUNK);
}

/** Heap plus external memory (Buffers live outside the JS heap), bytes. */
function memory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/**
 * A 5 MB payload: streamed into the media store with `putMedia`, then a document message
 * carrying the reference goes through the pipeline and is answered. Memory is sampled every
 * millisecond during the operation; the peak above the post-gc baseline is reported as a
 * multiple of the payload (the payload buffer itself is part of the baseline).
 */
export const payload: Scenario = {
  name: 'payload',
  description: '5 MB putMedia + message through the pipeline',
  async run(ctx) {
    const linda = await benchEngine(ctx.tempDir('payload'));
    try {
      await linda.createAccount({ id: 'bench' });
      const handled = handledCounter(linda);
      const data = randomFillSync(Buffer.alloc(PAYLOAD));
      const warm = 1;
      const reps = ctx.count(ctx.pick(8, 20));
      const times: number[] = [];
      const peaks: number[] = [];
      for (let r = 0; r < warm + reps; r++) {
        data.writeUInt32BE(r, 0); // new content each time: the store is content-addressed
        fullGc();
        const base = memory();
        let peak = base;
        const sampler = setInterval(() => {
          peak = Math.max(peak, memory());
        }, 1);
        const t0 = performance.now();
        const ref = await linda.putMedia(chunks(data), {
          mime: 'application/octet-stream',
          fileName: 'p.bin',
        });
        const done = handled.until(1);
        await linda.sandbox.say('bench', '+15550002222', { kind: 'document', media: ref, body: 'five MB' });
        await done;
        const ms = since(t0);
        clearInterval(sampler);
        peak = Math.max(peak, memory());
        if (r >= warm) {
          times.push(ms);
          peaks.push((peak - base) / PAYLOAD);
        }
        ctx.progress(r / (warm + reps));
      }
      handled.off();
      return [
        { metric: 'payload.time', samples: times, note: `${reps} payloads` },
        { metric: 'payload.memory', samples: peaks, note: 'sampled every 1 ms' },
      ];
    } finally {
      await linda.stop();
    }
  },
};
