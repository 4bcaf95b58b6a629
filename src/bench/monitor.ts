import { constants, PerformanceObserver } from 'node:perf_hooks';
import type { ChartData, GcEntry } from './types.js';

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/**
 * Watches the whole run: every GC (PerformanceObserver 'gc') and the heap every `everyMs`,
 * tagged with the scenario running at the time.
 */
export class RunMonitor {
  readonly origin = performance.now();
  private current = '';
  private readonly observer: PerformanceObserver;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly charts: ChartData,
    everyMs = 50,
  ) {
    this.observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const detail = (e as { detail?: unknown }).detail as { kind?: number; flags?: number } | undefined;
        charts.gc.push({
          at: e.startTime - this.origin,
          ms: e.duration,
          kind: GC_KINDS[detail?.kind ?? -1] ?? 'other',
          forced: ((detail?.flags ?? 0) & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0,
        });
      }
    });
    this.observer.observe({ entryTypes: ['gc'] });
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  /** Marks the start of `name`; heap samples from now on are tagged with it. */
  set scenario(name: string) {
    this.current = name;
    this.charts.marks.push({ at: performance.now() - this.origin, scenario: name });
    this.sample();
  }

  /** The scenario running at `at` (ms since the run started). */
  scenarioAt(at: number): string {
    let name = '';
    for (const m of this.charts.marks) {
      if (m.at > at) break;
      name = m.scenario;
    }
    return name;
  }

  /** Records the heap now. */
  sample(): void {
    this.charts.heap.push({
      at: performance.now() - this.origin,
      mb: process.memoryUsage().heapUsed / 2 ** 20,
      scenario: this.current,
    });
  }

  /** Non-forced GC entries that started between two `performance.now()` times. */
  async gcBetween(from: number, to: number): Promise<GcEntry[]> {
    // The observer delivers entries asynchronously; give it a turn to catch up.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const a = from - this.origin;
    const b = to - this.origin;
    return this.charts.gc.filter((g) => !g.forced && g.at >= a && g.at <= b);
  }

  stop(): void {
    clearInterval(this.timer);
    this.observer.disconnect();
  }
}

/** Runs a full (forced) collection twice, so the heap holds only live objects. */
export function fullGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('global.gc is missing: run node with --expose-gc');
  gc();
  gc();
}

/** Heap used now, after a full collection, in MB. */
export function heapAfterGcMb(): number {
  fullGc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}
