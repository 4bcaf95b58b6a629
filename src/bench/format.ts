import type { Target } from './targets.js';

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Up to 3 significant digits, fewer for big numbers (`0.442`, `12.3`, `456`). */
function sig(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  const a = Math.abs(x);
  if (a >= 100) return int.format(x);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

/**
 * A value in its unit, readable: times as µs, ms or s; rates with thousands separators.
 * @example formatValue(0.0123, 'ms') // => '12.3 µs'
 */
export function formatValue(x: number, unit: string): string {
  if (!Number.isFinite(x)) return 'n/a';
  switch (unit) {
    case 'ms':
      if (x < 1) return `${sig(x * 1000)} µs`;
      if (x >= 1000) return `${sig(x / 1000)} s`;
      return `${sig(x)} ms`;
    case 'msg/s':
      return `${int.format(x)}/s`;
    case 'MB':
      return `${sig(x)} MB`;
    case '%':
      return `${x.toFixed(1)} %`;
    case '×':
      return `${sig(x)}×`;
    case 'index':
      return x.toFixed(3);
    default:
      return int.format(x);
  }
}

/** A target limit with its comparison: `< 100 ms`, `≥ 50,000/s`, `0`. */
export function formatLimit(t: Pick<Target, 'better' | 'unit'>, limit: number | undefined): string {
  if (limit === undefined) return '—';
  // Limits are round numbers: `< 1 ms`, not `< 1.00 ms`.
  const text = formatValue(limit, t.unit)
    .replace(/(\.\d*?)0+(?=\D|$)/, '$1')
    .replace(/\.(?=\D|$)/, '');
  if (t.better === 'lower') return limit === 0 ? '0' : `< ${text}`;
  return `≥ ${text}`;
}
