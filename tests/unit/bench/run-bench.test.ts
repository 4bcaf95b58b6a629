import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBench } from '../../../src/bench/runner.js';
import { formatTable } from '../../../src/bench/table.js';
import { runCli } from '../cli/cli-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'linda-bench-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runBench on the real engine', () => {
  it('measures single-message latency end to end and judges it against the plan', async () => {
    const seen: string[] = [];
    const result = await runBench({
      quick: true,
      scenarios: ['single-message'],
      scale: 0.02,
      calibrationRuns: 1,
      onProgress: (e) => seen.push(e.phase),
    });
    expect(result.scenarios).toEqual([
      { name: 'single-message', durationMs: expect.any(Number), error: undefined },
    ]);
    const latency = result.metrics.find((m) => m.id === 'single.latency');
    expect(latency?.summary.n).toBe(40);
    expect(latency?.summary.median).toBeGreaterThan(0);
    expect(latency?.planMet).toBe(true); // < 100 ms, even on a busy machine
    expect(result.charts.latencyMs).toHaveLength(40);
    expect(result.calibration.ms).toBeGreaterThan(0);
    expect(seen[0]).toBe('start');
    expect(seen.at(-1)).toBe('done');
    expect(formatTable(result)).toMatch(/single message: say → reply durable +\| < 100 ms +\| < 1 ms/);
  });

  it('rejects an unknown scenario by name', async () => {
    await expect(runBench({ scenarios: ['nope'] })).rejects.toThrow(
      /unknown scenario nope \(known: single-message, /,
    );
  });
});

describe('linda bench', () => {
  it('writes a baseline and passes the gate against it, then refuses a baseline of the other mode', async () => {
    const file = join(dir, 'baseline.json');
    const first = await runCli(['bench', '--quick', '--scenario', 'accounts', '--write-baseline', file]);
    expect(first.stderr).toMatch(/bench \[1\/1\] accounts done/);
    expect(first.code).toBe(0);
    const written = JSON.parse(readFileSync(file, 'utf8')) as {
      mode: string;
      metrics: Record<string, number>;
    };
    expect(written.mode).toBe('quick');
    expect(Object.keys(written.metrics)).toContain('account.create');

    // The same scenario compared with a baseline ten times slower: improvements never fail.
    const slower = {
      ...written,
      metrics: Object.fromEntries(Object.entries(written.metrics).map(([k, v]) => [k, v * 10])),
    };
    writeFileSync(file, JSON.stringify(slower));
    const gated = await runCli(['bench', '--quick', '--scenario', 'accounts', '--baseline', file]);
    expect(gated.stdout).toMatch(/no regression in \d+ metrics/);
    expect(gated.code).toBe(0);

    const full = await runCli(['bench', '--scenario', 'accounts', '--baseline', file]);
    expect(full.code).toBe(1);
    expect(full.stderr).toMatch(/error BENCH_MODE_MISMATCH: .* is a quick baseline and this is a full run/);
  });
});
