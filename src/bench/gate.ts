import { BenchError } from './errors.js';
import { formatValue } from './format.js';
import { TARGETS, type Target } from './targets.js';
import type { BenchResult, Environment, Mode } from './types.js';

/**
 * What `--write-baseline` stores: the median of every metric and the calibration. The gate
 * compares medians, not p99s: on a shared 2-core machine the p99 of a few hundred samples
 * moves 2–3× between identical runs, which no useful tolerance absorbs.
 */
export interface Baseline {
  kind: 'linda-bench-baseline';
  version: 1;
  mode: Mode;
  createdAt: string;
  environment: Environment;
  calibrationMs: number;
  metrics: Record<string, number>;
}

/** One metric compared with the baseline. */
export interface GateRow {
  id: string;
  label: string;
  unit: string;
  baseline: number;
  current: number;
  /** Times ÷ calibration ms, rates × calibration ms (per 1,000); memory and quality unchanged. */
  baselineNormalised: number;
  currentNormalised: number;
  /** How much worse: a fraction for time/throughput, the metric's unit otherwise; ≤ 0 is not worse. */
  worseBy: number;
  tolerance: number;
  regressed: boolean;
  /** How many runs measured it (1, or more when a regression was re-measured). */
  runs: number;
}

export interface GateReport {
  rows: GateRow[];
  regressions: GateRow[];
  /** Metrics in the baseline that this run measured but could not compare (NaN). */
  missing: string[];
}

/** The baseline of a run. */
export function toBaseline(result: BenchResult): Baseline {
  return {
    kind: 'linda-bench-baseline',
    version: 1,
    mode: result.mode,
    createdAt: result.environment.date,
    environment: result.environment,
    calibrationMs: result.calibration.ms,
    metrics: Object.fromEntries(result.metrics.map((m) => [m.id, m.summary.median])),
  };
}

/** Parses and checks a baseline file's content; throws BENCH_BASELINE_INVALID naming `source`. */
export function parseBaseline(text: string, source: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new BenchError('BENCH_BASELINE_INVALID', `${source} is not JSON`);
  }
  const b = data as Partial<Baseline>;
  if (
    b?.kind !== 'linda-bench-baseline' ||
    (b.mode !== 'quick' && b.mode !== 'full') ||
    typeof b.calibrationMs !== 'number' ||
    typeof b.metrics !== 'object' ||
    b.metrics === null
  ) {
    throw new BenchError(
      'BENCH_BASELINE_INVALID',
      `${source} is not a linda bench baseline (write one with --write-baseline)`,
    );
  }
  return b as Baseline;
}

function normalise(t: Target, value: number, calibrationMs: number): number {
  if (t.kind === 'time') return value / calibrationMs;
  if (t.kind === 'throughput') return (value * calibrationMs) / 1_000;
  return value;
}

function worseBy(t: Target, base: number, current: number): number {
  if (t.kind === 'time') return current / base - 1;
  if (t.kind === 'throughput') return 1 - current / base;
  return t.better === 'lower' ? current - base : base - current;
}

/**
 * Compares `current` with `baseline`, metric by metric, after normalising times and rates by
 * each run's CPU calibration (so a slower or busier machine is not a regression). A metric
 * regresses when it is worse by more than its tolerance in `TARGETS`; improvements never fail.
 * Throws BENCH_MODE_MISMATCH when one is a quick run and the other a full one.
 */
export function compareToBaseline(current: Baseline, baseline: Baseline): GateReport {
  if (current.mode !== baseline.mode) {
    throw new BenchError(
      'BENCH_MODE_MISMATCH',
      `the baseline is a ${baseline.mode} run and this is a ${current.mode} run; their counts differ, so they cannot be compared (run with${baseline.mode === 'quick' ? '' : 'out'} --quick, or write a ${current.mode} baseline)`,
    );
  }
  const rows: GateRow[] = [];
  const missing: string[] = [];
  for (const t of TARGETS) {
    const base = baseline.metrics[t.id];
    const cur = current.metrics[t.id];
    if (t.tolerance === undefined || base === undefined || cur === undefined) continue;
    if (!Number.isFinite(base) || !Number.isFinite(cur)) {
      if (Number.isFinite(base)) missing.push(t.id);
      continue;
    }
    const baselineNormalised = normalise(t, base, baseline.calibrationMs);
    const currentNormalised = normalise(t, cur, current.calibrationMs);
    // Time and throughput near zero cannot be compared as ratios; treat them as unchanged.
    const by =
      baselineNormalised === 0 && t.kind !== 'memory' && t.kind !== 'quality'
        ? 0
        : worseBy(t, baselineNormalised, currentNormalised);
    rows.push({
      id: t.id,
      label: t.label,
      unit: t.unit,
      baseline: base,
      current: cur,
      baselineNormalised,
      currentNormalised,
      worseBy: by,
      tolerance: t.tolerance,
      regressed: by > t.tolerance,
      runs: 1,
    });
  }
  return { rows, regressions: rows.filter((r) => r.regressed), missing };
}

/**
 * Folds a re-measurement into a report: a metric counts as regressed only if it regressed in
 * every run that measured it, and the best run is the one shown. On a shared machine one
 * scenario can land on a busy second; a real regression is slow every time.
 */
export function mergeRemeasured(report: GateReport, again: GateReport): GateReport {
  const retried = new Map(again.rows.map((r) => [r.id, r]));
  const rows = report.rows.map((row) => {
    const other = retried.get(row.id);
    if (other === undefined) return row;
    const best = other.worseBy < row.worseBy ? other : row;
    return { ...best, regressed: row.regressed && other.regressed, runs: row.runs + other.runs };
  });
  return {
    rows,
    regressions: rows.filter((r) => r.regressed),
    missing: report.missing.filter((id) => !retried.has(id)),
  };
}

function change(row: GateRow): string {
  const t = TARGETS.find((x) => x.id === row.id)!;
  const relative = t.kind === 'time' || t.kind === 'throughput';
  const amount = (x: number): string => (relative ? `${(x * 100).toFixed(0)} %` : formatValue(x, row.unit));
  const verdict =
    row.worseBy > 0
      ? `+${amount(row.worseBy)} worse`
      : row.worseBy < 0
        ? `${amount(-row.worseBy)} better`
        : 'unchanged';
  return `${verdict} (tolerance ${amount(row.tolerance)})`;
}

/** The gate's report: every compared metric with normalised numbers, then the verdict. */
export function formatGate(report: GateReport, current: Baseline, baseline: Baseline): string {
  const lines = [
    `regression gate: calibration ${baseline.calibrationMs.toFixed(1)} ms (baseline) vs ${current.calibrationMs.toFixed(1)} ms (now); ` +
      'times ÷ calibration, rates × calibration, memory and quality absolute',
  ];
  for (const row of report.rows) {
    const t = TARGETS.find((x) => x.id === row.id)!;
    const normalised =
      t.kind === 'time' || t.kind === 'throughput'
        ? ` [normalised ${row.baselineNormalised.toPrecision(3)} → ${row.currentNormalised.toPrecision(3)}]`
        : '';
    const runs = row.runs > 1 ? `, best of ${row.runs} runs` : '';
    lines.push(
      `  ${row.regressed ? 'REGRESSED' : 'ok       '} ${row.id}: ${formatValue(row.baseline, row.unit)} → ${formatValue(row.current, row.unit)}${normalised}, ${change(row)}${runs}`,
    );
  }
  for (const id of report.missing) lines.push(`  MISSING   ${id}: measured in the baseline, not in this run`);
  lines.push(
    report.regressions.length === 0
      ? `no regression in ${report.rows.length} metrics`
      : `${report.regressions.length} metric(s) regressed: ${report.regressions.map((r) => r.id).join(', ')}`,
  );
  return `${lines.join('\n')}\n`;
}
