import { describe, expect, it } from 'vitest';
import { parsePrometheusText, sampleValue } from '../../support/prometheus-text.js';

/** The strict parser the /metrics tests rely on must itself reject what Prometheus would. */
describe('the strict Prometheus text parser (tests/support)', () => {
  const good = [
    '# HELP a_total Things, with a \\\\ and a \\n.',
    '# TYPE a_total counter',
    'a_total{x="1",y="q\\"uote\\\\"} 3',
    'a_total{x="2",} 4 1700000000000',
    '',
    '# TYPE h histogram',
    'h_bucket{le="0.1"} 1',
    'h_bucket{le="+Inf"} 2',
    'h_sum 0.35',
    'h_count 2',
    '# TYPE g gauge',
    'g NaN',
    'g{k="v"} -Inf',
    '',
  ].join('\n');

  it('reads names, labels, escapes, values and timestamps', () => {
    const f = parsePrometheusText(good);
    expect(f.get('a_total')).toMatchObject({ type: 'counter', help: 'Things, with a \\ and a \n.' });
    expect(sampleValue(f, 'a_total', { y: 'q"uote\\' })).toBe(3);
    expect(f.get('a_total')!.samples[1]).toEqual({
      name: 'a_total',
      labels: { x: '2' },
      value: 4,
      timestamp: 1700000000000,
    });
    expect(f.get('h')!.samples).toHaveLength(4);
    expect(sampleValue(f, 'g')).toBeNaN();
  });

  it.each([
    ['no final newline', 'a 1'],
    ['a bad metric name', '1a 1\n'],
    ['a bad value', 'a one\n'],
    ['a bad escape', 'a{x="\\t"} 1\n'],
    ['an unterminated label value', 'a{x="1} 1\n'],
    ['a label given twice', 'a{x="1",x="2"} 1\n'],
    ['a duplicate series', 'a{x="1"} 1\na{x="1"} 2\n'],
    ['a second TYPE', '# TYPE a gauge\n# TYPE a gauge\na 1\n'],
    ['TYPE after samples', 'a 1\n# TYPE a gauge\n'],
    ['an unknown type', '# TYPE a thing\n'],
    ['split families', '# TYPE a gauge\na{x="1"} 1\n# TYPE b gauge\nb 1\na{x="2"} 1\n'],
    ['a negative counter', '# TYPE a counter\na -1\n'],
    [
      'buckets that are not cumulative',
      '# TYPE h histogram\nh_bucket{le="1"} 3\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 2\n',
    ],
    ['no +Inf bucket', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_sum 1\nh_count 2\n'],
    ['+Inf bucket != count', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n'],
  ])('rejects %s', (_what, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
