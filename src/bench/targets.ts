/**
 * Every metric the bench reports, with the plan's target, our goal and the regression
 * tolerance, in one table. Values are in `unit`; times are milliseconds.
 *
 * `kind` decides how the regression gate compares runs:
 * - `time`: divided by the run's CPU calibration time, tolerance relative (0.5 = 50 % slower);
 * - `throughput`: multiplied by it, tolerance relative (0.35 = 35 % fewer per second);
 * - `memory`: absolute, tolerance in the metric's unit (MB, or × payload);
 * - `quality` (hit rates, fairness, counts): absolute, tolerance in the metric's unit.
 * A metric without a tolerance is reported but never gated (the limits we are up against).
 */
export type MetricKind = 'time' | 'throughput' | 'memory' | 'quality';

export interface Target {
  id: string;
  label: string;
  /** The scenario that measures it. */
  scenario: string;
  unit: 'ms' | 'msg/s' | 'MB' | '%' | '×' | 'index' | 'count';
  kind: MetricKind;
  better: 'lower' | 'higher';
  /** The statistic judged against plan and goal (the regression gate compares medians). */
  stat: 'median' | 'p99';
  plan?: number;
  goal?: number;
  tolerance?: number;
}

export const TARGETS: readonly Target[] = [
  {
    id: 'single.latency',
    label: 'single message: say → reply durable',
    scenario: 'single-message',
    unit: 'ms',
    kind: 'time',
    better: 'lower',
    stat: 'p99',
    plan: 100,
    goal: 1,
    tolerance: 0.5,
  },
  {
    id: 'batch100.time',
    label: 'batch of 100 messages, replies durable',
    scenario: 'batch',
    unit: 'ms',
    kind: 'time',
    better: 'lower',
    stat: 'median',
    plan: 5_000,
    goal: 10,
    tolerance: 0.5,
  },
  {
    id: 'payload.time',
    label: '5 MB payload: putMedia + message handled',
    scenario: 'payload',
    unit: 'ms',
    kind: 'time',
    better: 'lower',
    stat: 'median',
    plan: 500,
    goal: 25,
    tolerance: 0.5,
  },
  {
    id: 'payload.memory',
    label: '5 MB payload: memory peak (heap+external) / payload',
    scenario: 'payload',
    unit: '×',
    kind: 'memory',
    better: 'lower',
    stat: 'median',
    goal: 3,
    tolerance: 1,
  },
  {
    id: 'inbound.ack',
    label: 'sustained inbound, durable and handled (no reply)',
    scenario: 'throughput',
    unit: 'msg/s',
    kind: 'throughput',
    better: 'higher',
    stat: 'median',
    goal: 50_000,
    tolerance: 0.35,
  },
  {
    id: 'inbound.handled',
    label: 'sustained inbound with one reply each, handled',
    scenario: 'throughput',
    unit: 'msg/s',
    kind: 'throughput',
    better: 'higher',
    stat: 'median',
    tolerance: 0.35,
  },
  {
    id: 'gc.ratio',
    label: 'GC time / wall time under full load',
    scenario: 'throughput',
    unit: '%',
    kind: 'quality',
    better: 'lower',
    stat: 'median',
    plan: 5,
    goal: 2,
    tolerance: 2,
  },
  {
    id: 'limit.sqlite',
    label: 'limit: raw better-sqlite3 inserts (tx of 500)',
    scenario: 'sqlite-limit',
    unit: 'msg/s',
    kind: 'throughput',
    better: 'higher',
    stat: 'median',
  },
  {
    id: 'limit.pipeline-share',
    label: 'limit: pipeline ack rate / raw insert rate',
    scenario: 'sqlite-limit',
    unit: '%',
    kind: 'quality',
    better: 'higher',
    stat: 'median',
  },
  {
    id: 'account.create',
    label: 'account create (with session)',
    scenario: 'accounts',
    unit: 'ms',
    kind: 'time',
    better: 'lower',
    stat: 'p99',
    plan: 200,
    goal: 2,
    tolerance: 0.5,
  },
  {
    id: 'account.switch',
    label: 'account switch: use(id) + cached getAccount',
    scenario: 'accounts',
    unit: 'ms',
    kind: 'time',
    better: 'lower',
    stat: 'p99',
    plan: 50,
    goal: 0.05,
    // A sub-microsecond call: its median doubles with the neighbours' load on a shared 2-core
    // machine even after calibration, so only a 4× slowdown counts as a regression.
    tolerance: 3,
  },
  {
    id: 'history.page',
    label: 'history page (50) on stored messages',
    scenario: 'history',
    unit: 'ms',
    kind: 'time',
    better: 'lower',
    stat: 'p99',
    plan: 100,
    goal: 1,
    tolerance: 0.5,
  },
  {
    id: 'search.query',
    label: 'full-text search (50) on stored messages',
    scenario: 'history',
    unit: 'ms',
    kind: 'time',
    better: 'lower',
    stat: 'p99',
    plan: 100,
    goal: 20,
    tolerance: 0.5,
  },
  {
    id: 'cache.hit-rate',
    label: 'cache hit rate, Zipf account/contact lookups',
    scenario: 'cache',
    unit: '%',
    kind: 'quality',
    better: 'higher',
    stat: 'median',
    plan: 80,
    goal: 95,
    tolerance: 2,
  },
  {
    id: 'concurrent.10',
    label: '10 concurrent messages, all handled',
    scenario: 'concurrency',
    unit: 'ms',
    kind: 'time',
    better: 'lower',
    stat: 'median',
    plan: 2_000,
    tolerance: 0.5,
  },
  {
    id: 'concurrent.50',
    label: '50 concurrent messages, all handled',
    scenario: 'concurrency',
    unit: 'ms',
    kind: 'time',
    better: 'lower',
    stat: 'median',
    plan: 10_000,
    tolerance: 0.5,
  },
  {
    id: 'concurrent.100',
    label: '100 concurrent messages, all handled',
    scenario: 'concurrency',
    unit: 'ms',
    kind: 'time',
    better: 'lower',
    stat: 'median',
    plan: 30_000,
    goal: 20,
    tolerance: 0.5,
  },
  {
    id: 'fairness.jain',
    label: "100 active accounts: Jain's fairness",
    scenario: 'fairness',
    unit: 'index',
    kind: 'quality',
    better: 'higher',
    stat: 'median',
    goal: 0.95,
    tolerance: 0.05,
  },
  {
    id: 'sessions.1000',
    label: '1,000 sessions created',
    scenario: 'sessions',
    unit: 'ms',
    kind: 'time',
    better: 'lower',
    stat: 'median',
    goal: 1_000,
    tolerance: 0.5,
  },
  {
    id: 'memory.idle5',
    label: 'heap, 5 idle accounts (own process, after gc)',
    scenario: 'idle-memory',
    unit: 'MB',
    kind: 'memory',
    better: 'lower',
    stat: 'median',
    plan: 50,
    goal: 25,
    tolerance: 3,
  },
  {
    id: 'limit.heap-ratio',
    label: 'limit: 5-idle-account heap / idle node heap',
    scenario: 'idle-memory',
    unit: '×',
    kind: 'memory',
    better: 'lower',
    stat: 'median',
  },
  {
    id: 'limit.node-heap',
    label: 'limit: heap of an idle node process',
    scenario: 'idle-memory',
    unit: 'MB',
    kind: 'memory',
    better: 'lower',
    stat: 'median',
  },
  {
    id: 'memory.growth-per-1000',
    label: 'heap growth per 1,000 operations (after gc)',
    scenario: 'growth',
    unit: 'MB',
    kind: 'memory',
    better: 'lower',
    stat: 'median',
    plan: 10,
    tolerance: 0.5,
  },
  {
    id: 'memory.growth',
    label: 'heap growth over the whole run of operations',
    scenario: 'growth',
    unit: 'MB',
    kind: 'memory',
    better: 'lower',
    stat: 'median',
    goal: 1,
    tolerance: 5,
  },
  {
    id: 'memory.recovery',
    label: 'memory recovered after a load burst (gc)',
    scenario: 'recovery',
    unit: '%',
    kind: 'quality',
    better: 'higher',
    stat: 'median',
    plan: 90,
    goal: 98,
    tolerance: 3,
  },
  {
    id: 'outbound.queue100',
    label: '100 outbound enqueued → all sent',
    scenario: 'outbound',
    unit: 'ms',
    kind: 'time',
    better: 'lower',
    stat: 'median',
    plan: 500,
    goal: 5,
    tolerance: 0.5,
  },
  {
    id: 'rate.violations',
    label: 'rate limiter violations at 10× offered load',
    scenario: 'rate-limit',
    unit: 'count',
    kind: 'quality',
    better: 'lower',
    stat: 'median',
    plan: 0,
    goal: 0,
    tolerance: 0,
  },
  {
    id: 'gc.max-pause',
    label: 'GC max pause (whole run; forced gc and raw-SQLite reference excluded)',
    scenario: 'gc',
    unit: 'ms',
    kind: 'time',
    better: 'lower',
    stat: 'median',
    plan: 100,
    goal: 10,
    tolerance: 1.5,
  },
];

/** The target of `id`; throws for an unknown id (a typo in a scenario). */
export function target(id: string): Target {
  const t = TARGETS.find((x) => x.id === id);
  if (t === undefined) throw new Error(`unknown bench metric ${id}`);
  return t;
}

/** True when `value` meets `limit` in the metric's direction (limits are inclusive for 0-counts). */
export function meets(t: Target, value: number, limit: number): boolean {
  if (Number.isNaN(value)) return false;
  if (t.better === 'lower') return limit === 0 ? value <= 0 : value < limit;
  return value >= limit;
}
