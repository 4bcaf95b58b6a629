/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests (prom-client 15
 * ships no parser). It throws on anything a Prometheus server would reject or that breaks the
 * format's rules: bad names, bad escapes, bad numbers, a TYPE or HELP given twice or after the
 * family's samples, a family's samples split up, a duplicate series, a counter below zero, and
 * histograms whose buckets are not cumulative or whose `+Inf` bucket differs from `_count`.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  /** The sample's own name (`x_bucket`, `x_sum`… for histograms). */
  name: string;
  labels: Record<string, string>;
  value: number;
  timestamp?: number;
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help: string | undefined;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parses `text`; throws an Error naming the line on the first violation. */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const families = new Map<string, MetricFamily>();
  const finished = new Set<string>(); // families whose samples ended (another family started)
  const series = new Set<string>();
  let current: string | undefined;
  const lines = text.split('\n');
  lines.pop(); // the part after the final newline
  lines.forEach((line, index) => {
    const where = `line ${index + 1}: ${JSON.stringify(line.slice(0, 120))}`;
    const fail = (why: string): never => {
      throw new Error(`${where}: ${why}`);
    };
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
      if (m === null) return; // a plain comment
      const [, keyword, name, rest = ''] = m as unknown as [string, string, string, string | undefined];
      if (!METRIC_NAME.test(name)) fail(`bad metric name ${name}`);
      const family = familyFor(name);
      if (family.samples.length > 0 || finished.has(name)) fail(`${keyword} after the samples of ${name}`);
      if (keyword === 'HELP') {
        if (family.help !== undefined) fail(`second HELP for ${name}`);
        family.help = unescapeHelp(rest, fail);
      } else {
        const type = rest.trim() as MetricType;
        if (!TYPES.has(type)) fail(`unknown type ${rest}`);
        if (family.typed) fail(`second TYPE for ${name}`);
        family.type = type;
        family.typed = true;
      }
      switchTo(name);
      return;
    }
    const sample = parseSample(line, fail);
    const familyName = familyOf(sample.name);
    const family = familyFor(familyName);
    if (finished.has(familyName) && current !== familyName) fail(`samples of ${familyName} are not together`);
    switchTo(familyName);
    const key = `${sample.name}{${Object.entries(sample.labels)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',')}}`;
    if (series.has(key)) fail(`duplicate series ${key}`);
    series.add(key);
    if (family.type === 'counter' && !(sample.value >= 0)) fail(`counter ${sample.name} is ${sample.value}`);
    family.samples.push(sample);
  });
  const result = new Map<string, MetricFamily>();
  for (const [name, f] of families) {
    if (f.type === 'histogram') checkHistogram(f);
    result.set(name, { name, type: f.type, help: f.help, samples: f.samples });
  }
  return result;

  function familyFor(name: string): MetricFamily & { typed: boolean } {
    let f = families.get(name) as (MetricFamily & { typed: boolean }) | undefined;
    if (f === undefined) {
      f = { name, type: 'untyped', help: undefined, samples: [], typed: false };
      families.set(name, f);
    }
    return f;
  }

  function switchTo(name: string): void {
    if (current !== undefined && current !== name) finished.add(current);
    current = name;
  }

  /** `x_bucket`, `x_sum`, `x_count` belong to a histogram or summary `x` declared as such. */
  function familyOf(sampleName: string): string {
    for (const suffix of ['_bucket', '_sum', '_count']) {
      if (!sampleName.endsWith(suffix)) continue;
      const base = sampleName.slice(0, -suffix.length);
      const f = families.get(base);
      if (f !== undefined && (f.type === 'histogram' || (f.type === 'summary' && suffix !== '_bucket'))) {
        return base;
      }
    }
    return sampleName;
  }
}

function parseSample(line: string, fail: (why: string) => never): Sample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (nameMatch === null) fail('a sample must start with a metric name');
  const name = nameMatch![0];
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    for (;;) {
      if (line[i] === '}') {
        i++;
        break;
      }
      const labelMatch = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(i));
      if (labelMatch === null) fail(`bad label name at column ${i + 1}`);
      const label = labelMatch![0];
      if (!LABEL_NAME.test(label) || label.startsWith('__')) fail(`reserved or bad label name ${label}`);
      if (Object.hasOwn(labels, label)) fail(`label ${label} given twice`);
      i += label.length;
      if (line[i] !== '=' || line[i + 1] !== '"') fail(`expected =" after ${label}`);
      i += 2;
      let value = '';
      for (;;) {
        const c = line[i];
        if (c === undefined) fail('unterminated label value');
        if (c === '"') break;
        if (c === '\\') {
          const next = line[i + 1];
          if (next === '\\') value += '\\';
          else if (next === '"') value += '"';
          else if (next === 'n') value += '\n';
          else fail(`bad escape \\${next ?? ''} in a label value`);
          i += 2;
          continue;
        }
        value += c;
        i++;
      }
      i++; // closing quote
      labels[label] = value;
      if (line[i] === ',') i++;
      else if (line[i] !== '}') fail(`expected , or } at column ${i + 1}`);
    }
  }
  if (line[i] !== ' ' && line[i] !== '\t') fail('expected whitespace before the value');
  const parts = line
    .slice(i)
    .trim()
    .split(/[ \t]+/);
  if (parts.length < 1 || parts.length > 2) fail('expected a value and an optional timestamp');
  const value = parseValue(parts[0]!, fail);
  const sample: Sample = { name, labels, value };
  if (parts[1] !== undefined) {
    if (!/^-?\d+$/.test(parts[1])) fail(`bad timestamp ${parts[1]}`);
    sample.timestamp = Number(parts[1]);
  }
  return sample;
}

/** Values as Prometheus reads them (Go's ParseFloat: `NaN`, `Inf`, `+Inf`, `-Infinity` in any case). */
function parseValue(text: string, fail: (why: string) => never): number {
  const lower = text.toLowerCase();
  if (lower === 'nan') return Number.NaN;
  if (/^\+?inf(inity)?$/.test(lower)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/.test(lower)) return Number.NEGATIVE_INFINITY;
  if (!FLOAT.test(text)) fail(`bad value ${text}`);
  return Number(text);
}

function unescapeHelp(text: string, fail: (why: string) => never): string {
  return text.replace(/\\(.?)/g, (_all, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    return fail(`bad escape \\${c} in HELP`);
  });
}

/** Per label set (without `le`): cumulative buckets ending in `+Inf` = `_count`, and a `_sum`. */
function checkHistogram(f: MetricFamily): void {
  const groups = new Map<string, { buckets: Array<[number, number]>; count?: number; sum?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1)));
    let g = groups.get(key);
    if (g === undefined) {
      g = { buckets: [] };
      groups.set(key, g);
    }
    if (s.name === `${f.name}_bucket`) {
      if (le === undefined) throw new Error(`${f.name}: a bucket without le`);
      g.buckets.push([parseValue(le, (why) => thrower(`${f.name}: ${why}`)), s.value]);
    } else if (s.name === `${f.name}_count`) g.count = s.value;
    else if (s.name === `${f.name}_sum`) g.sum = s.value;
    else throw new Error(`${f.name}: unexpected sample ${s.name}`);
  }
  for (const [key, g] of groups) {
    const where = `${f.name}${key}`;
    if (g.count === undefined || g.sum === undefined) throw new Error(`${where}: missing _count or _sum`);
    let lastLe = Number.NEGATIVE_INFINITY;
    let lastCount = 0;
    for (const [le, n] of g.buckets) {
      if (!(le > lastLe)) throw new Error(`${where}: buckets not in increasing le order`);
      if (n < lastCount) throw new Error(`${where}: bucket counts are not cumulative`);
      lastLe = le;
      lastCount = n;
    }
    if (lastLe !== Number.POSITIVE_INFINITY) throw new Error(`${where}: no +Inf bucket`);
    if (lastCount !== g.count) throw new Error(`${where}: +Inf bucket ${lastCount} != _count ${g.count}`);
  }
}

function thrower(message: string): never {
  throw new Error(message);
}

/** The value of the one sample of `name` whose labels include `labels`; undefined if none. */
export function sampleValue(
  families: Map<string, MetricFamily>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name !== name) continue;
      if (Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
    }
  }
  return undefined;
}

/** The sum of every sample of `name` whose labels include `labels`. */
export function sampleSum(
  families: Map<string, MetricFamily>,
  name: string,
  labels: Record<string, string> = {},
): number {
  let total = 0;
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) total += s.value;
    }
  }
  return total;
}
