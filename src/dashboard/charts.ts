import { h } from './dom.js';
import type { StatsTick } from './types.js';
import uPlot from './vendor/uplot.js';

/** Seconds of history the charts show (the server keeps the same in `GET /v1/stats`). */
export const WINDOW_SECONDS = 120;
/** Ticks closer than this are one tick seen twice (history and live stream). */
const SAME_TICK_MS = 300;

interface SeriesSpec {
  label: string;
  color: string;
  value: (tick: StatsTick) => number | null;
}

interface ChartSpec {
  id: string;
  title: string;
  format: (v: number) => string;
  series: SeriesSpec[];
  /** Lower bound of the y axis; 'auto' fits the data (heap), 0 keeps the baseline (rates). */
  floor: 0 | 'auto';
  /** Whole numbers only on the y axis (counts). */
  integer?: boolean;
}

/** y-axis steps for counts: never 0.5 of a message. */
const INTEGER_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 1e6];

const rate = (v: number): string =>
  `${Number.isInteger(v) || v >= 10 ? Math.round(v).toLocaleString() : v.toFixed(1)}/s`;
const ms = (v: number): string =>
  v === 0 ? '0 ms' : v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v).toLocaleString()} ms`;
const clock = (seconds: number): string =>
  new Date(seconds * 1000).toLocaleTimeString([], {
    hour12: false,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
const mb = (v: number): string => `${v.toFixed(1)} MB`;

const CHARTS: ChartSpec[] = [
  {
    id: 'throughput',
    title: 'Messages per second',
    format: rate,
    floor: 0,
    series: [
      { label: 'in', color: '#16a34a', value: (t) => t.inPerSec },
      { label: 'out', color: '#2563eb', value: (t) => t.outPerSec },
    ],
  },
  {
    id: 'latency',
    title: 'Handling latency',
    format: ms,
    floor: 0,
    series: [
      { label: 'p50', color: '#7c3aed', value: (t) => t.latencyP50Ms },
      { label: 'p99', color: '#ea580c', value: (t) => t.latencyP99Ms },
    ],
  },
  {
    id: 'queue',
    title: 'Outbox queue',
    format: (v) => Math.round(v).toLocaleString(),
    floor: 0,
    integer: true,
    series: [{ label: 'queued', color: '#0891b2', value: (t) => t.queued }],
  },
  {
    id: 'heap',
    title: 'Heap used',
    format: mb,
    floor: 'auto',
    series: [{ label: 'heap', color: '#db2777', value: (t) => t.heapUsedBytes / 1024 / 1024 }],
  },
];

/** A legend dot. Colour through the CSSOM: the page's CSP allows no inline style attributes. */
function dot(color: string): HTMLElement {
  const el = h('i', { class: 'dot' });
  el.style.background = color;
  return el;
}

/** One chart card: a headline with the latest values and a uPlot line chart of the window. */
class LiveChart {
  readonly card: HTMLElement;
  private x: number[] = [];
  private ys: Array<Array<number | null>>;
  private readonly values: HTMLElement[];
  private readonly body: HTMLElement;
  private plot: uPlot | undefined;

  constructor(private readonly spec: ChartSpec) {
    this.ys = spec.series.map(() => []);
    this.values = spec.series.map(() => h('strong', {}, '–'));
    this.body = h('div', { class: 'chart-body' });
    this.card = h(
      'figure',
      { class: 'card chart', id: `chart-${spec.id}`, 'data-points': '0' },
      h(
        'figcaption',
        {},
        h('span', { class: 'chart-title' }, spec.title),
        h(
          'span',
          { class: 'chart-values' },
          ...spec.series.map((s, i) =>
            h('span', { class: 'chart-value' }, dot(s.color), s.label, ' ', this.values[i]),
          ),
        ),
      ),
      this.body,
    );
  }

  /** Creates the plot once the card is in the document and has a width. */
  mount(): void {
    const spec = this.spec;
    const { width, height } = this.size();
    // Canvas colours come from the stylesheet, so the charts follow a dark colour scheme too.
    const css = getComputedStyle(document.documentElement);
    const color = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
    const axis: uPlot.Axis = {
      stroke: color('--chart-axis', '#6b7280'),
      font: '11px system-ui, sans-serif',
      grid: { stroke: color('--chart-grid', '#eef0f4'), width: 1 },
      ticks: { show: false },
    };
    this.plot = new uPlot(
      {
        width,
        height,
        legend: { show: false },
        cursor: { drag: { x: false, y: false }, points: { size: 6 } },
        padding: [8, 28, 0, 0],
        scales: {
          x: { time: true, range: (_u, _min, max) => [max - WINDOW_SECONDS, max] },
          y: {
            range: (_u, min, max) => {
              const top = Number.isFinite(max) ? max : 0;
              if (spec.floor === 'auto' && Number.isFinite(min)) {
                const pad = Math.max((top - min) * 0.2, top * 0.05, 0.5);
                return [Math.max(0, min - pad), top + pad];
              }
              return [0, Math.max(spec.integer === true ? 4 : 1, top * 1.2)];
            },
          },
        },
        axes: [
          { ...axis, size: 30, space: 72, values: (_u, splits) => splits.map(clock) },
          {
            ...axis,
            size: 60,
            values: (_u, splits) => splits.map((v) => spec.format(v)),
            ...(spec.integer === true ? { incrs: INTEGER_STEPS } : {}),
          },
        ],
        series: [
          {},
          ...spec.series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            fill: `${s.color}14`,
            points: { show: false },
            value: (_u: uPlot, v: number | null) => (v === null ? '–' : spec.format(v)),
          })),
        ],
      },
      this.data(),
      this.body,
    );
    new ResizeObserver(() => {
      if (this.plot !== undefined) this.plot.setSize(this.size());
    }).observe(this.body);
  }

  /** Redraws from `ticks` (oldest first, the window's worth). */
  draw(ticks: StatsTick[]): void {
    this.x = ticks.map((t) => t.at / 1000);
    this.ys = this.spec.series.map((s) => ticks.map((t) => s.value(t)));
    this.spec.series.forEach((_s, i) => {
      const v = this.ys[i]?.[this.ys[i].length - 1];
      const el = this.values[i];
      if (el !== undefined) el.textContent = v === null || v === undefined ? '–' : this.spec.format(v);
    });
    // What the chart holds, for people inspecting the page and for the browser tests.
    this.card.dataset.points = String(this.x.length);
    this.card.dataset.max = String(Math.max(0, ...(this.ys[0] ?? []).map((v) => v ?? 0)));
    this.plot?.setData(this.data());
  }

  private data(): uPlot.AlignedData {
    return [this.x, ...this.ys] as uPlot.AlignedData;
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(200, this.body.clientWidth), height: Math.max(120, this.body.clientHeight) };
  }
}

/** The four live charts: messages/s in and out, latency p50/p99, outbox queue, heap. */
export class Charts {
  private readonly charts = CHARTS.map((spec) => new LiveChart(spec));
  /** The window's ticks, oldest first, one per timestamp. */
  private ticks: StatsTick[] = [];

  /** Puts the cards into `root` and draws them. */
  constructor(root: HTMLElement) {
    root.replaceChildren(...this.charts.map((c) => c.card));
    for (const chart of this.charts) chart.mount();
  }

  /**
   * Adds ticks and redraws once. Order does not matter: the history of `GET /v1/stats` may
   * arrive after the first live ticks of the event stream.
   */
  push(ticks: StatsTick[]): void {
    if (ticks.length === 0) return;
    const sorted = [...this.ticks, ...ticks].sort((a, b) => a.at - b.at);
    // The same tick from both sources can differ by a millisecond or two in `at`.
    const unique: StatsTick[] = [];
    for (const tick of sorted) {
      const last = unique[unique.length - 1];
      if (last === undefined || tick.at - last.at > SAME_TICK_MS) unique.push(tick);
    }
    const cutoff = (unique[unique.length - 1]?.at ?? 0) - WINDOW_SECONDS * 1000;
    this.ticks = unique.filter((t) => t.at >= cutoff);
    for (const chart of this.charts) chart.draw(this.ticks);
  }
}
