import { formatLimit, formatValue } from './format.js';
import { percentile } from './stats.js';
import { chart, esc, FRAME as F, linear, ticks } from './svg.js';
import { target } from './targets.js';
import type { BenchResult } from './types.js';

function empty(id: string, title: string, why: string): string {
  return `<figure><figcaption>${esc(title)}</figcaption><svg id="${id}" viewBox="0 0 ${F.width} 60" width="${F.width}" height="60" font-family="sans-serif" font-size="12"><text x="10" y="30">${esc(why)}</text></svg></figure>`;
}

const ms = (v: number): string => formatValue(v, 'ms');

/** Latency histogram of the single-message samples, up to p99.5 (the rest counted in the title). */
function latencyChart(r: BenchResult): string {
  const id = 'chart-latency';
  const title = 'Single message latency (say → reply durable)';
  const xs = r.charts.latencyMs;
  if (xs.length === 0) return empty(id, title, 'not measured in this run (scenario single-message)');
  const lo = Math.min(...xs);
  const cap = percentile(xs, 99.5);
  const bins = 40;
  const width = cap > lo ? (cap - lo) / bins : 1;
  const counts = new Array<number>(bins).fill(0);
  let over = 0;
  for (const x of xs) {
    if (x > cap) over++;
    else counts[Math.min(bins - 1, Math.floor((x - lo) / width))]!++;
  }
  const top = Math.max(...counts);
  const sx = linear(lo, lo + bins * width, F.left, F.width - F.right);
  const sy = linear(0, top, F.height - F.bottom, F.top);
  const bars = counts
    .map(
      (c, i) =>
        `<rect x="${sx(lo + i * width)}" y="${sy(c)}" width="${Math.max(1, sx(lo + width) - sx(lo) - 1)}" height="${sy(0) - sy(c)}" fill="#4a7bd0"><title>${ms(lo + i * width)}–${ms(lo + (i + 1) * width)}: ${c}</title></rect>`,
    )
    .join('');
  const axes = {
    x: ticks(lo, lo + bins * width),
    y: ticks(0, top),
    sx,
    sy,
    fx: ms,
    fy: (v: number) => String(v),
    xTitle: 'latency',
    yTitle: 'messages',
  };
  return chart(id, `${title}: ${xs.length} samples, ${over} above p99.5 (${ms(cap)}) not drawn`, axes, bars);
}

/** Messages per second at each concurrency level (log x). */
function concurrencyChart(r: BenchResult): string {
  const id = 'chart-concurrency';
  const title = 'Throughput vs concurrency (N messages from N chats at once, all handled)';
  const pts = r.charts.concurrency;
  if (pts.length === 0) return empty(id, title, 'not measured in this run (scenario concurrency)');
  const lx = pts.map((p) => Math.log10(p.level));
  const top = Math.max(...pts.map((p) => p.msgsPerSec));
  const sx = linear(Math.min(...lx), Math.max(...lx), F.left + 10, F.width - F.right - 10);
  const sy = linear(0, top * 1.1, F.height - F.bottom, F.top);
  const path = pts
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(Math.log10(p.level))},${sy(p.msgsPerSec)}`)
    .join(' ');
  const dots = pts
    .map(
      (p) =>
        `<circle cx="${sx(Math.log10(p.level))}" cy="${sy(p.msgsPerSec)}" r="3.5" fill="#d0674a"><title>${p.level}: ${Math.round(p.msgsPerSec)} msg/s</title></circle>`,
    )
    .join('');
  const axes = {
    x: lx,
    y: ticks(0, top * 1.1),
    sx,
    sy,
    fx: (v: number) => String(Math.round(10 ** v)),
    fy: (v: number) => formatValue(v, 'msg/s'),
    xTitle: 'messages at once (log scale)',
    yTitle: 'messages per second',
  };
  return chart(id, title, axes, `<path d="${path}" fill="none" stroke="#d0674a" stroke-width="2"/>${dots}`);
}

/** Heap used over the run, with a line where each scenario starts. */
function heapChart(r: BenchResult): string {
  const id = 'chart-heap';
  const title = 'Heap used over the run (sampled every 50 ms)';
  const pts = r.charts.heap;
  if (pts.length < 2) return empty(id, title, 'the run was too short to sample');
  const { sx, sy, axes } = timeAxes(
    pts[pts.length - 1]!.at / 1000,
    Math.max(...pts.map((p) => p.mb)),
    (v) => `${v} MB`,
    'heap used',
  );
  const step = Math.max(1, Math.floor(pts.length / 1500));
  const path = pts
    .filter((_, i) => i % step === 0)
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.at / 1000).toFixed(1)},${sy(p.mb).toFixed(1)}`)
    .join(' ');
  const marks = r.charts.marks
    .map((m) => {
      const x = sx(m.at / 1000).toFixed(1);
      return `<line x1="${x}" x2="${x}" y1="${F.top}" y2="${F.height - F.bottom}" stroke="#bbb" stroke-dasharray="3 3"/><text x="${x}" y="${F.top + 2}" transform="rotate(90 ${x} ${F.top + 2})" font-size="9" fill="#777">${esc(m.scenario)}</text>`;
    })
    .join('');
  return chart(
    id,
    title,
    axes,
    `${marks}<path d="${path}" fill="none" stroke="#3c9a5f" stroke-width="1.5"/>`,
  );
}

/** Scales and axes of a chart over the run's time (seconds) with values from 0 to `top` (+10 %). */
function timeAxes(end: number, top: number, fy: (v: number) => string, yTitle: string) {
  const sx = linear(0, end, F.left, F.width - F.right);
  const sy = linear(0, top * 1.1, F.height - F.bottom, F.top);
  const axes = {
    x: ticks(0, end),
    y: ticks(0, top * 1.1),
    sx,
    sy,
    fx: (v: number) => `${v} s`,
    fy,
    xTitle: 'time since start',
    yTitle,
  };
  return { sx, sy, axes };
}

/** Every GC pause over the run; forced collections (the bench's own gc()) in grey. */
function gcChart(r: BenchResult): string {
  const id = 'chart-gc';
  const title = 'GC pauses over the run (grey: forced by the bench between measurements)';
  const pts = r.charts.gc;
  if (pts.length === 0) return empty(id, title, 'no GC observed');
  const { sx, sy, axes } = timeAxes(
    Math.max(...pts.map((p) => p.at), ...r.charts.heap.map((h) => h.at)) / 1000,
    Math.max(...pts.map((p) => p.ms)),
    ms,
    'pause',
  );
  const colour: Record<string, string> = {
    minor: '#4a7bd0',
    major: '#c0392b',
    incremental: '#e69f00',
    weakcb: '#8e44ad',
  };
  const dots = pts
    .map(
      (p) =>
        `<circle cx="${sx(p.at / 1000).toFixed(1)}" cy="${sy(p.ms).toFixed(1)}" r="2.5" fill="${p.forced ? '#bbb' : (colour[p.kind] ?? '#555')}"><title>${esc(p.kind)}${p.forced ? ' (forced)' : ''}: ${ms(p.ms)}</title></circle>`,
    )
    .join('');
  const legend = Object.entries(colour)
    .map(
      ([k, c], i) =>
        `<circle cx="${F.width - 120}" cy="${F.top + 8 + i * 14}" r="4" fill="${c}"/><text x="${F.width - 110}" y="${F.top + 12 + i * 14}">${k}</text>`,
    )
    .join('');
  return chart(id, `${title}: ${pts.length} collections`, axes, dots + legend);
}

function table(r: BenchResult): string {
  const mark = (m: boolean | undefined): string =>
    m === undefined ? '<td>—</td>' : m ? '<td class="ok">✓</td>' : '<td class="bad">✗</td>';
  const rows = r.metrics
    .map((m) => {
      const t = target(m.id);
      return `<tr><td>${esc(m.label)}</td><td>${esc(formatLimit(t, m.plan))}</td><td>${esc(formatLimit(t, m.goal))}</td><td>${esc(formatValue(m.summary.median, m.unit))}</td><td>${m.summary.n > 1 ? esc(formatValue(m.summary.p99, m.unit)) : ''}</td><td>${m.summary.n > 1 ? m.stat : 'value'}</td>${mark(m.planMet)}${mark(m.goalMet)}<td>${esc(m.note ?? '')}</td></tr>`;
    })
    .join('\n');
  return `<table><thead><tr><th>metric</th><th>plan</th><th>goal</th><th>median</th><th>p99</th><th>judged</th><th>plan</th><th>goal</th><th>note</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

/**
 * One self-contained HTML page: the result table and four inline SVG charts (latency
 * histogram, throughput vs concurrency, heap over time, GC pauses). No scripts, no external
 * resources, so it opens anywhere and can be attached to a CI run.
 */
export function renderHtmlReport(r: BenchResult): string {
  const env = r.environment;
  const failed = r.scenarios.filter((s) => s.error !== undefined);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Linda bench — ${esc(r.mode)} — ${esc(env.date)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}
table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left}
td.ok{color:#2a7a3a}td.bad{color:#b03030;font-weight:bold}figure{margin:1.5em 0}figcaption{font-weight:600;margin-bottom:4px}
.env{color:#555;font-size:13px}
</style></head><body>
<h1>Linda bench (${esc(r.mode)} mode)</h1>
<p class="env">${esc(env.date)} · node ${esc(env.node)} · ${esc(env.cpu)} × ${env.cores} · ${esc(env.platform)} · run ${(r.durationMs / 1000).toFixed(1)} s · CPU calibration ${r.calibration.ms.toFixed(1)} ms (start ${r.calibration.startMs.toFixed(1)}, end ${r.calibration.endMs.toFixed(1)})</p>
${failed.length > 0 ? `<p class="bad">Failed scenarios: ${failed.map((s) => `${esc(s.name)}: ${esc(s.error ?? '')}`).join('; ')}</p>` : ''}
${table(r)}
${latencyChart(r)}
${concurrencyChart(r)}
${heapChart(r)}
${gcChart(r)}
</body></html>
`;
}
