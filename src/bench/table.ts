import { formatLimit, formatValue } from './format.js';
import { target } from './targets.js';
import type { BenchResult } from './types.js';

const HEADER = ['metric', 'plan', 'goal', 'median', 'p99', 'judged', 'plan', 'goal', 'note'];

function mark(met: boolean | undefined): string {
  return met === undefined ? '—' : met ? '✓' : '✗';
}

/** Pads by code points, so `µ` and `✓` count as one column. */
function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - [...text].length));
}

/** The result table: metric | plan target | goal | median | p99 | judged on | verdicts | note. */
export function formatTable(result: BenchResult): string {
  const rows = result.metrics.map((m) => {
    const t = target(m.id);
    const single = m.summary.n === 1;
    return [
      m.label,
      formatLimit(t, m.plan),
      formatLimit(t, m.goal),
      formatValue(m.summary.median, m.unit),
      single ? '' : formatValue(m.summary.p99, m.unit),
      single ? 'value' : m.stat,
      mark(m.planMet),
      mark(m.goalMet),
      m.note ?? '',
    ];
  });
  const widths = HEADER.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...r[i]!].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => pad(c, widths[i]!))
      .join(' | ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-|-');
  return [line(HEADER), rule, ...rows.map(line)].join('\n');
}

/** Counts of plan and goal verdicts: `plan 20/20 met, goal 12/19 met`. */
export function verdictSummary(result: BenchResult): string {
  const plan = result.metrics.filter((m) => m.planMet !== undefined);
  const goal = result.metrics.filter((m) => m.goalMet !== undefined);
  const failed = result.scenarios.filter((s) => s.error !== undefined);
  return (
    `plan ${plan.filter((m) => m.planMet).length}/${plan.length} met, ` +
    `goal ${goal.filter((m) => m.goalMet).length}/${goal.length} met` +
    (failed.length > 0
      ? `, ${failed.length} scenario(s) failed: ${failed.map((s) => `${s.name} (${s.error})`).join('; ')}`
      : '')
  );
}
