/** Summary of a sample distribution; every bench metric is reported this way. */
export interface Summary {
  n: number;
  min: number;
  median: number;
  p99: number;
  max: number;
  mean: number;
}

/** Milliseconds since `t0` (a `performance.now()` value). */
export function since(t0: number): number {
  return performance.now() - t0;
}

/** Sorted copy, ascending. */
function sorted(samples: readonly number[]): number[] {
  return [...samples].sort((a, b) => a - b);
}

/** Median (mean of the two middle values for an even count). NaN for no samples. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const s = sorted(samples);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Nearest-rank percentile (`p` in 0..100): the smallest sample with at least p % of the
 * samples at or below it. With fewer than 100 samples p99 is the maximum, as it should be.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const s = sorted(samples);
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length, Math.max(1, rank)) - 1]!;
}

/** n, min, median, p99, max and mean of `samples`. */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) {
    return { n: 0, min: Number.NaN, median: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN };
  }
  let sum = 0;
  for (const x of samples) sum += x;
  const s = sorted(samples);
  return {
    n: s.length,
    min: s[0]!,
    median: median(s),
    p99: percentile(s, 99),
    max: s[s.length - 1]!,
    mean: sum / s.length,
  };
}

/**
 * Jain's fairness index (Σx)² / (n·Σx²): 1 when every share is equal, 1/n when one takes all.
 * @example jain([10, 10, 10]) // => 1
 */
export function jain(shares: readonly number[]): number {
  if (shares.length === 0) return Number.NaN;
  let sum = 0;
  let squares = 0;
  for (const x of shares) {
    sum += x;
    squares += x * x;
  }
  return squares === 0 ? 1 : (sum * sum) / (shares.length * squares);
}

/** Counts of `samples` in `bins` equal-width bins between min and max (for the latency chart). */
export function histogram(
  samples: readonly number[],
  bins: number,
): Array<{ from: number; to: number; count: number }> {
  if (samples.length === 0 || bins < 1) return [];
  const s = sorted(samples);
  const lo = s[0]!;
  const hi = s[s.length - 1]!;
  const width = hi > lo ? (hi - lo) / bins : 1;
  const out = Array.from({ length: bins }, (_, i) => ({
    from: lo + i * width,
    to: lo + (i + 1) * width,
    count: 0,
  }));
  for (const x of s) out[Math.min(bins - 1, Math.floor((x - lo) / width))]!.count++;
  return out;
}

/** A small seeded PRNG (mulberry32) so every run draws the same workload. */
export { seededRandom } from '../connectors/sandbox/seeded-random.js';

/**
 * A Zipf sampler over ranks 0..n-1 (rank 0 most popular) with exponent `s`.
 * @example const pick = zipf(1000, 1.1, seededRandom(1)); pick() // => 0 most often
 */
export function zipf(n: number, s: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) {
    total += 1 / (k + 1) ** s;
    cdf[k] = total;
  }
  return () => {
    const u = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}
