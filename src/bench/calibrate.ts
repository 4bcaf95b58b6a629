import { median, seededRandom } from './stats.js';

const BYTES = 1 << 20;
const HASH_PASSES = 6;
const SORT_ITEMS = 60_000;

/** FNV-1a over `data`, in plain JS (no native crypto, so it tracks the JIT's speed). */
function fnv1a(data: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) {
    h ^= data[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** One pass of the fixed workload: hash a fixed 1 MB buffer and sort fixed records. Returns ms. */
function workload(): number {
  const random = seededRandom(42);
  const t0 = performance.now();
  const data = new Uint8Array(BYTES);
  for (let i = 0; i < BYTES; i++) data[i] = (random() * 256) | 0;
  let h = 0;
  for (let pass = 0; pass < HASH_PASSES; pass++) h ^= fnv1a(data);
  const records = Array.from({ length: SORT_ITEMS }, (_, i) => ({ key: `k${(random() * 1e9) | 0}`, i }));
  records.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i));
  const ms = performance.now() - t0;
  if (h === 1 && records.length === 0) throw new Error('unreachable: keeps the work observable');
  return ms;
}

/**
 * Times the fixed CPU workload `runs` times and returns the median in ms. The gate divides
 * times by it (and multiplies rates), so a slower machine or a noisy neighbour moves the
 * calibration and the metrics together.
 */
export function calibrate(runs = 5): number {
  workload(); // warm the JIT: the first pass measures compilation, not the CPU
  return median(Array.from({ length: runs }, workload));
}
