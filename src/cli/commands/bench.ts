import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { BenchError } from '../../bench/errors.js';
import {
  compareToBaseline,
  formatGate,
  type GateReport,
  mergeRemeasured,
  parseBaseline,
  toBaseline,
} from '../../bench/gate.js';
import { progressReporter } from '../../bench/progress.js';
import { renderHtmlReport } from '../../bench/report-html.js';
import { runBench, scenarioNames } from '../../bench/runner.js';
import { histogram } from '../../bench/stats.js';
import { formatTable, verdictSummary } from '../../bench/table.js';
import type { BenchResult } from '../../bench/types.js';
import { CliError } from '../errors.js';
import type { CliIo } from '../io.js';
import { LINDA_NODE_FLAGS, missingNodeFlags } from '../node-flags.js';

const DEFAULT_BASELINE = 'bench/baseline.json';

/** Times a scenario whose metric regressed is run again before the gate fails. */
const REMEASURE_RUNS = 2;

interface BenchOptions {
  quick?: boolean;
  scenario: string[];
  json?: string;
  report?: string;
  baseline?: string;
  writeBaseline?: string | true;
}

function collect(value: string, previous: string[]): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  ];
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** The run as `--json` writes it: latency samples summarised as a histogram. */
function jsonResult(result: BenchResult): string {
  const { latencyMs, ...charts } = result.charts;
  return `${JSON.stringify({ ...result, charts: { ...charts, latencyHistogram: histogram(latencyMs, 40) } }, null, 2)}\n`;
}

/**
 * The node flags a measuring run lacks: gc for the memory scenarios (without it, re-spawn),
 * plus Linda's own flags when re-spawning anyway (`npm run bench` passes them all).
 */
function benchFlags(): string[] {
  if (typeof (globalThis as { gc?: unknown }).gc === 'function') return [];
  return ['--expose-gc', ...missingNodeFlags(LINDA_NODE_FLAGS)];
}

/** Runs this same command again with the missing `flags`; resolves with its exit code. */
function respawnWith(flags: string[]): Promise<number> {
  const args = [...flags, ...process.execArgv, ...process.argv.slice(1)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
}

/** `linda bench`: the benchmark harness on the real engine, with an optional regression gate. */
export function registerBenchCommand(program: Command, io: CliIo): void {
  program
    .command('bench')
    .description('measure the engine (sandbox network, SQLite, outbox) against the plan and our goals')
    .option('--quick', 'smaller counts and fewer repetitions (under two minutes; what CI runs)')
    .option(
      '--scenario <name>',
      `run only these scenarios (repeatable, or a comma list): ${scenarioNames().join(', ')}`,
      collect,
      [],
    )
    .option('--json <file>', 'write every result (summaries, environment) as JSON')
    .option('--report <file>', 'write a self-contained HTML report with charts')
    .option(
      '--baseline <file>',
      'exit non-zero when a metric regressed beyond its tolerance against this baseline',
    )
    .option('--write-baseline [file]', `write this run as a baseline (default ${DEFAULT_BASELINE})`)
    .action(async (opts: BenchOptions) => {
      const flags = benchFlags();
      if (flags.length > 0) {
        const code = await respawnWith(flags);
        if (code !== 0)
          throw new CliError(
            'BENCH_FAILED',
            `linda bench (re-run with ${flags.join(' ')}) exited with code ${code}`,
          );
        return;
      }
      // Read the baseline first: a bad path should fail before minutes of measuring.
      const baseline =
        opts.baseline === undefined ? undefined : parseBaseline(readBaseline(opts.baseline), opts.baseline);
      const mode = opts.quick === true ? 'quick' : 'full';
      if (baseline !== undefined && baseline.mode !== mode) {
        throw new CliError(
          'BENCH_MODE_MISMATCH',
          `${opts.baseline} is a ${baseline.mode} baseline and this is a ${mode} run; they cannot be compared (run ${baseline.mode === 'quick' ? 'with' : 'without'} --quick, or write a ${mode} baseline)`,
        );
      }
      const missing = missingNodeFlags(LINDA_NODE_FLAGS);
      if (missing.length > 0) {
        io.stderr(`note: measuring without ${missing.join(' ')}, which npm start and npm run bench use\n`);
      }
      const progress = progressReporter({
        isTTY: process.stderr.isTTY === true,
        write: (s: string) => io.stderr(s),
      });
      const result = await runBench({
        quick: opts.quick === true,
        scenarios: opts.scenario,
        onProgress: (e) => progress.onProgress(e),
      }).finally(() => progress.finish());
      io.stdout(`${formatTable(result)}\n\n${verdictSummary(result)}\n`);
      io.stdout(
        `${result.mode} run in ${(result.durationMs / 1000).toFixed(1)} s on ${result.environment.cpu} × ${result.environment.cores}, node ${result.environment.node}; CPU calibration ${result.calibration.ms.toFixed(1)} ms\n`,
      );
      if (opts.json !== undefined) write(opts.json, jsonResult(result));
      if (opts.report !== undefined) write(opts.report, renderHtmlReport(result));
      const failed = result.scenarios.filter((s) => s.error !== undefined);
      if (failed.length > 0) {
        throw new CliError(
          'BENCH_FAILED',
          `${failed.length} scenario(s) failed: ${failed.map((s) => s.name).join(', ')}`,
        );
      }
      if (opts.writeBaseline !== undefined) {
        const file = opts.writeBaseline === true ? DEFAULT_BASELINE : opts.writeBaseline;
        write(file, `${JSON.stringify(toBaseline(result), null, 2)}\n`);
        io.stdout(`baseline written to ${file}\n`);
      }
      if (baseline !== undefined) {
        const current = toBaseline(result);
        const compare = (run: BenchResult): GateReport => {
          try {
            return compareToBaseline(toBaseline(run), baseline);
          } catch (err) {
            if (err instanceof BenchError) throw new CliError(err.code, err.message);
            throw err;
          }
        };
        let report = compare(result);
        for (let run = 1; run <= REMEASURE_RUNS && report.regressions.length > 0; run++) {
          const scenarios = [
            ...new Set(
              report.regressions.flatMap((r) => result.metrics.find((m) => m.id === r.id)?.scenario ?? []),
            ),
          ];
          if (scenarios.length === 0) break;
          io.stdout(
            `\nregressed: ${report.regressions.map((r) => r.id).join(', ')}; re-measuring ${scenarios.join(', ')} (${run}/${REMEASURE_RUNS}) …\n`,
          );
          const again = await runBench({ quick: opts.quick === true, scenarios });
          // Only what the re-run scenarios measure; whole-run metrics (GC max pause) keep their verdict.
          const remeasured = new Set(
            again.metrics
              .filter((m) => m.scenario !== undefined && scenarios.includes(m.scenario))
              .map((m) => m.id),
          );
          const fresh = compare(again);
          report = mergeRemeasured(report, {
            ...fresh,
            rows: fresh.rows.filter((r) => remeasured.has(r.id)),
          });
        }
        io.stdout(`\n${formatGate(report, current, baseline)}`);
        if (report.regressions.length > 0) {
          throw new CliError(
            'BENCH_REGRESSION',
            `${report.regressions.length} metric(s) regressed against ${opts.baseline}: ${report.regressions.map((r) => r.id).join(', ')}`,
          );
        }
      }
    });
}

function readBaseline(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError('BENCH_BASELINE_INVALID', `cannot read baseline ${file}: ${(err as Error).message}`);
  }
}
