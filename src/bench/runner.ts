import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LindaError } from '../domain/errors.js';
import { calibrate } from './calibrate.js';
import { errorText } from './errors.js';
import { fullGc, RunMonitor } from './monitor.js';
import { SCENARIOS } from './scenarios/index.js';
import { median, summarize } from './stats.js';
import { meets, TARGETS } from './targets.js';
import type {
  BenchResult,
  ChartData,
  Measurement,
  MetricResult,
  Mode,
  Scenario,
  ScenarioContext,
} from './types.js';

/** Options of `runBench`. */
export interface BenchOptions {
  quick?: boolean;
  /** Scenario names to run (default: all). */
  scenarios?: string[];
  /** Multiplies every count (tests use tiny values); default 1. */
  scale?: number;
  /** Runs of the calibration workload at each end (default 5). */
  calibrationRuns?: number;
  onProgress?: (event: ProgressEvent) => void;
}

/** What the progress display is told. */
export interface ProgressEvent {
  phase: 'start' | 'progress' | 'done';
  /** 0-based index of the scenario and how many run. */
  index: number;
  total: number;
  scenario: string;
  /** Inside the current scenario, 0..1. */
  fraction: number;
  durationMs?: number;
  error?: string;
}

/** Names of every scenario, in run order. */
export function scenarioNames(): string[] {
  return SCENARIOS.map((s) => s.name);
}

function select(names: string[] | undefined): Scenario[] {
  if (names === undefined || names.length === 0) return [...SCENARIOS];
  const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length > 0) {
    throw new LindaError(
      'VALIDATION_FAILED',
      `unknown scenario ${unknown.join(', ')} (known: ${scenarioNames().join(', ')})`,
    );
  }
  return SCENARIOS.filter((s) => names.includes(s.name));
}

/**
 * Runs the benchmark on the real engine and returns every metric judged against the plan and
 * our goals. Needs `global.gc` (node --expose-gc).
 *
 * @example
 * const result = await runBench({ quick: true, scenarios: ['single-message'] });
 * console.log(formatTable(result));
 */
export async function runBench(options: BenchOptions = {}): Promise<BenchResult> {
  const mode: Mode = options.quick ? 'quick' : 'full';
  const scale = options.scale ?? 1;
  const chosen = select(options.scenarios);
  fullGc(); // fails early, with the reason, when gc is not exposed
  const startedAt = performance.now();
  const calibrationStart = calibrate(options.calibrationRuns);
  const charts: ChartData = { latencyMs: [], concurrency: [], heap: [], gc: [], marks: [] };
  const monitor = new RunMonitor(charts);
  const measurements: Measurement[] = [];
  const scenarios: BenchResult['scenarios'] = [];
  try {
    for (const [index, scenario] of chosen.entries()) {
      const emit = (e: Omit<ProgressEvent, 'index' | 'total' | 'scenario'>): void =>
        options.onProgress?.({ index, total: chosen.length, scenario: scenario.name, ...e });
      const dirs: string[] = [];
      const ctx: ScenarioContext = {
        mode,
        pick: (quick, full) => (mode === 'quick' ? quick : full),
        tempDir: (prefix) => {
          const dir = mkdtempSync(join(tmpdir(), `linda-bench-${prefix}-`));
          dirs.push(dir);
          return dir;
        },
        progress: (fraction) => emit({ phase: 'progress', fraction: Math.max(0, Math.min(1, fraction)) }),
        gcBetween: (from, to) => monitor.gcBetween(from, to),
        chart: charts,
        count: (n) => Math.max(1, Math.round(n * scale)),
      };
      monitor.scenario = scenario.name;
      emit({ phase: 'start', fraction: 0 });
      const t0 = performance.now();
      let error: string | undefined;
      try {
        for (const m of await scenario.run(ctx)) measurements.push({ ...m, scenario: scenario.name });
      } catch (err) {
        error = errorText(err);
      } finally {
        for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      }
      const durationMs = performance.now() - t0;
      scenarios.push({ name: scenario.name, durationMs, error });
      emit({ phase: 'done', fraction: 1, durationMs, ...(error === undefined ? {} : { error }) });
      fullGc();
    }
    // Let the observer deliver the last GC entries.
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    monitor.stop();
  }
  const calibrationEnd = calibrate(options.calibrationRuns);
  measurements.push(...derived(measurements, charts, monitor));
  return {
    kind: 'linda-bench',
    version: 1,
    mode,
    environment: environment(),
    calibration: {
      ms: median([calibrationStart, calibrationEnd]),
      startMs: calibrationStart,
      endMs: calibrationEnd,
    },
    durationMs: performance.now() - startedAt,
    scenarios,
    metrics: judge(measurements),
    charts: { ...charts, latencyMs: downsample(charts.latencyMs, 20_000) },
  };
}

/** Scenarios that measure a limit Linda is up against, not Linda. */
const REFERENCE_SCENARIOS: ReadonlySet<string> = new Set(['sqlite-limit']);

/** Metrics computed from others: the limits' ratios and the run's longest GC pause. */
function derived(measurements: Measurement[], charts: ChartData, monitor: RunMonitor): Measurement[] {
  const value = (id: string): number => median(measurements.find((m) => m.metric === id)?.samples ?? []);
  const out: Measurement[] = [];
  const ack = value('inbound.ack');
  const raw = value('limit.sqlite');
  if (Number.isFinite(ack) && Number.isFinite(raw))
    out.push({ metric: 'limit.pipeline-share', samples: [(ack / raw) * 100] });
  const linda = value('memory.idle5');
  const node = value('limit.node-heap');
  if (Number.isFinite(linda) && Number.isFinite(node))
    out.push({ metric: 'limit.heap-ratio', samples: [linda / node] });
  // Forced collections are the bench's own; so is every pause inside a reference scenario that
  // measures a limit without Linda (raw SQLite inserts).
  const pauses = charts.gc.filter((g) => !g.forced && !REFERENCE_SCENARIOS.has(monitor.scenarioAt(g.at)));
  if (pauses.length > 0) {
    const worst = pauses.reduce((a, b) => (b.ms > a.ms ? b : a));
    out.push({
      metric: 'gc.max-pause',
      samples: [worst.ms],
      note: `${pauses.length} GCs, worst ${worst.kind} during ${monitor.scenarioAt(worst.at)}`,
    });
  }
  return out;
}

/** One result per measured metric, in the order of `TARGETS`. */
function judge(measurements: Measurement[]): MetricResult[] {
  const out: MetricResult[] = [];
  for (const t of TARGETS) {
    const ms = measurements.filter((m) => m.metric === t.id);
    if (ms.length === 0) continue;
    const summary = summarize(ms.flatMap((m) => m.samples));
    const value = t.stat === 'p99' ? summary.p99 : summary.median;
    out.push({
      id: t.id,
      label: t.label,
      unit: t.unit,
      stat: t.stat,
      plan: t.plan,
      goal: t.goal,
      summary,
      value,
      planMet: t.plan === undefined ? undefined : meets(t, value, t.plan),
      goalMet: t.goal === undefined ? undefined : meets(t, value, t.goal),
      note: ms.map((m) => m.note).find((n) => n !== undefined),
      scenario: ms[0]?.scenario,
    });
  }
  return out;
}

function environment(): BenchResult['environment'] {
  const cpu = cpus();
  return {
    node: process.version,
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
  };
}

function downsample(xs: number[], max: number): number[] {
  if (xs.length <= max) return xs;
  const step = xs.length / max;
  return Array.from({ length: max }, (_, i) => xs[Math.floor(i * step)]!);
}
