import { describe, expect, it } from 'vitest';
import { jain, median, percentile, seededRandom, summarize, zipf } from '../../../src/bench/stats.js';

describe('bench stats', () => {
  it('takes the median of odd and even counts, ignoring input order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('uses nearest-rank percentiles, so p99 of fewer than 100 samples is the maximum', () => {
    const xs = Array.from({ length: 200 }, (_, i) => i + 1); // 1..200
    expect(percentile(xs, 99)).toBe(198);
    expect(percentile(xs, 50)).toBe(100);
    expect(percentile([5, 1, 9], 99)).toBe(9);
  });

  it('summarises without mutating the samples', () => {
    const xs = [5, 3, 1, 4, 2];
    expect(summarize(xs)).toEqual({ n: 5, min: 1, median: 3, p99: 5, max: 5, mean: 3 });
    expect(xs).toEqual([5, 3, 1, 4, 2]);
  });

  it("computes Jain's index: 1 for equal shares, 1/n when one account takes everything", () => {
    expect(jain([7, 7, 7, 7])).toBe(1);
    expect(jain([10, 0, 0, 0])).toBeCloseTo(0.25);
    expect(jain([1, 2, 3])).toBeCloseTo(36 / 42);
  });

  it('draws Zipf ranks with the most popular first, reproducibly', () => {
    const draw = (): number[] => {
      const pick = zipf(100, 1, seededRandom(3));
      return Array.from({ length: 5_000 }, pick);
    };
    const xs = draw();
    const count = (r: number): number => xs.filter((x) => x === r).length;
    expect(count(0)).toBeGreaterThan(count(1));
    expect(count(1)).toBeGreaterThan(count(50));
    expect(Math.max(...xs)).toBeLessThan(100);
    expect(draw()).toEqual(xs);
  });
});
