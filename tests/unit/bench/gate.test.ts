import { describe, expect, it } from 'vitest';
import { BenchError } from '../../../src/bench/errors.js';
import {
  type Baseline,
  compareToBaseline,
  formatGate,
  mergeRemeasured,
  parseBaseline,
} from '../../../src/bench/gate.js';

function baseline(
  metrics: Record<string, number>,
  calibrationMs = 100,
  mode: 'quick' | 'full' = 'quick',
): Baseline {
  return {
    kind: 'linda-bench-baseline',
    version: 1,
    mode,
    createdAt: '2026-11-27T00:00:00.000Z',
    environment: {
      node: 'v20',
      cpu: 'test',
      cores: 2,
      platform: 'linux x64',
      date: '2026-11-27T00:00:00.000Z',
    },
    calibrationMs,
    metrics,
  };
}

describe('regression gate', () => {
  it('fails a latency slower than its tolerance on the same machine speed', () => {
    const report = compareToBaseline(baseline({ 'single.latency': 1.6 }), baseline({ 'single.latency': 1 }));
    expect(report.regressions.map((r) => r.id)).toEqual(['single.latency']);
    expect(report.regressions[0]?.worseBy).toBeCloseTo(0.6);
  });

  it('normalises by the calibration: twice the time on a machine twice as slow is no regression', () => {
    const report = compareToBaseline(
      baseline({ 'single.latency': 2, 'inbound.ack': 20_000 }, 200),
      baseline({ 'single.latency': 1, 'inbound.ack': 40_000 }, 100),
    );
    expect(report.regressions).toEqual([]);
    const latency = report.rows.find((r) => r.id === 'single.latency');
    expect(latency?.currentNormalised).toBeCloseTo(latency?.baselineNormalised ?? Number.NaN);
  });

  it('fails a throughput drop beyond its tolerance even when the raw number looks close', () => {
    // Same rate, but the machine got twice as fast: normalised, that is half the throughput.
    const report = compareToBaseline(
      baseline({ 'inbound.ack': 40_000 }, 50),
      baseline({ 'inbound.ack': 40_000 }, 100),
    );
    expect(report.regressions.map((r) => r.id)).toEqual(['inbound.ack']);
  });

  it('never fails an improvement, however large', () => {
    const report = compareToBaseline(
      baseline({ 'single.latency': 0.01, 'inbound.ack': 1e9, 'memory.idle5': 1, 'cache.hit-rate': 100 }),
      baseline({ 'single.latency': 1, 'inbound.ack': 10_000, 'memory.idle5': 20, 'cache.hit-rate': 80 }),
    );
    expect(report.rows).toHaveLength(4);
    expect(report.regressions).toEqual([]);
  });

  it('compares memory in absolute MB, without calibration', () => {
    const within = compareToBaseline(
      baseline({ 'memory.idle5': 12.9 }, 300),
      baseline({ 'memory.idle5': 10 }, 100),
    );
    expect(within.regressions).toEqual([]);
    const beyond = compareToBaseline(
      baseline({ 'memory.idle5': 13.5 }, 50),
      baseline({ 'memory.idle5': 10 }, 100),
    );
    expect(beyond.regressions.map((r) => r.id)).toEqual(['memory.idle5']);
  });

  it('does not gate the limits it only reports (raw SQLite speed)', () => {
    const report = compareToBaseline(baseline({ 'limit.sqlite': 1 }), baseline({ 'limit.sqlite': 100_000 }));
    expect(report.rows).toEqual([]);
  });

  it('refuses to compare a full run with a quick baseline', () => {
    expect(() => compareToBaseline(baseline({}, 100, 'full'), baseline({}, 100, 'quick'))).toThrow(
      BenchError,
    );
    try {
      compareToBaseline(baseline({}, 100, 'full'), baseline({}, 100, 'quick'));
    } catch (err) {
      expect((err as BenchError).code).toBe('BENCH_MODE_MISMATCH');
      expect((err as Error).message).toMatch(/quick run and this is a full run/);
    }
  });

  it('prints each regressed metric with its change and normalised numbers', () => {
    const current = baseline({ 'batch100.time': 30, 'inbound.ack': 41_000 });
    const base = baseline({ 'batch100.time': 10, 'inbound.ack': 40_000 });
    const text = formatGate(compareToBaseline(current, base), current, base);
    expect(text).toMatch(
      /REGRESSED batch100\.time: 10\.0 ms → 30\.0 ms \[normalised 0\.100 → 0\.300\], \+200 % worse/,
    );
    expect(text).toMatch(/ok +inbound\.ack/);
    expect(text).toMatch(/1 metric\(s\) regressed: batch100\.time/);
  });

  it('rejects a file that is not a baseline', () => {
    expect(() => parseBaseline('{"kind":"other"}', 'x.json')).toThrow(/not a linda bench baseline/);
    expect(() => parseBaseline('nope', 'x.json')).toThrow(/not JSON/);
  });

  it('re-measured: a metric regresses only if every run regressed, and the best run is shown', () => {
    const base = baseline({ 'single.latency': 1, 'batch100.time': 10 });
    const first = compareToBaseline(baseline({ 'single.latency': 1.8, 'batch100.time': 30 }), base);
    expect(first.regressions.map((r) => r.id)).toEqual(['single.latency', 'batch100.time']);
    // A busy second: the re-run of single.latency is fine; batch100.time is slow again.
    const again = compareToBaseline(baseline({ 'single.latency': 1.1, 'batch100.time': 25 }), base);
    const merged = mergeRemeasured(first, again);
    expect(merged.regressions.map((r) => r.id)).toEqual(['batch100.time']);
    const single = merged.rows.find((r) => r.id === 'single.latency')!;
    expect(single).toMatchObject({ current: 1.1, runs: 2, regressed: false });
    expect(merged.rows.find((r) => r.id === 'batch100.time')).toMatchObject({ current: 25, runs: 2 });
    expect(formatGate(merged, baseline({}), base)).toMatch(/batch100\.time: .*best of 2 runs/);
  });

  it('re-measured: a metric the re-run did not measure keeps its first verdict', () => {
    const base = baseline({ 'single.latency': 1, 'memory.idle5': 10 });
    const first = compareToBaseline(baseline({ 'single.latency': 1, 'memory.idle5': 20 }), base);
    const merged = mergeRemeasured(first, compareToBaseline(baseline({ 'single.latency': 1 }), base));
    expect(merged.regressions.map((r) => r.id)).toEqual(['memory.idle5']);
    expect(merged.rows.find((r) => r.id === 'memory.idle5')?.runs).toBe(1);
  });
});
