import type { Summary } from './stats.js';

/** Raw samples of one metric from one scenario (times in ms). */
export interface Measurement {
  metric: string;
  samples: number[];
  /** Shown next to the number: scale, caveats. */
  note?: string;
  /** The scenario that measured it (set by the runner; none for metrics derived from the run). */
  scenario?: string;
}

/** Counts a scenario may scale by mode. */
export type Mode = 'quick' | 'full';

/** What a scenario gets from the runner. */
export interface ScenarioContext {
  mode: Mode;
  /** Picks the quick or the full value. */
  pick<T>(quick: T, full: T): T;
  /** A fresh temporary directory; the runner removes it after the scenario, even on failure. */
  tempDir(prefix: string): string;
  /** Reports progress inside the scenario, 0..1. */
  progress(fraction: number): void;
  /** GC entries (not forced) that started between two `performance.now()` times. */
  gcBetween(from: number, to: number): Promise<GcEntry[]>;
  /** Adds a chart series (throughput vs concurrency, latency samples). */
  chart: ChartData;
  /** Overrides scale for tests: multiplies every count a scenario draws through `count`. */
  count(n: number): number;
}

export interface GcEntry {
  /** ms since the run started. */
  at: number;
  ms: number;
  kind: string;
  forced: boolean;
}

/** Data for the report's charts. */
export interface ChartData {
  latencyMs: number[];
  concurrency: Array<{ level: number; msgsPerSec: number }>;
  heap: Array<{ at: number; mb: number; scenario: string }>;
  gc: GcEntry[];
  /** When each scenario started (ms since the run started). */
  marks: Array<{ at: number; scenario: string }>;
}

/** One scenario: creates its own engine on a temp dir, measures, cleans up. */
export interface Scenario {
  name: string;
  description: string;
  run(ctx: ScenarioContext): Promise<Measurement[]>;
}

/** One metric's outcome in a run. */
export interface MetricResult {
  id: string;
  label: string;
  unit: string;
  stat: 'median' | 'p99';
  plan: number | undefined;
  goal: number | undefined;
  summary: Summary;
  /** The judged statistic (median or p99 per the target). */
  value: number;
  planMet: boolean | undefined;
  goalMet: boolean | undefined;
  note: string | undefined;
  /** The scenario that measures it, to re-run it alone; undefined for whole-run metrics. */
  scenario: string | undefined;
}

/** The machine the run was on. */
export interface Environment {
  node: string;
  cpu: string;
  cores: number;
  platform: string;
  date: string;
}

/** Everything a run produced; `--json` writes it. */
export interface BenchResult {
  kind: 'linda-bench';
  version: 1;
  mode: Mode;
  environment: Environment;
  /** The CPU calibration workload, ms (median of runs at the start and the end). */
  calibration: { ms: number; startMs: number; endMs: number };
  durationMs: number;
  scenarios: Array<{ name: string; durationMs: number; error: string | undefined }>;
  metrics: MetricResult[];
  charts: ChartData;
}
