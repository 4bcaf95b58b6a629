import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../../src/bench/report-html.js';
import { summarize } from '../../../src/bench/stats.js';
import type { BenchResult } from '../../../src/bench/types.js';

function result(): BenchResult {
  const latency = Array.from({ length: 500 }, (_, i) => 0.3 + (i % 50) / 100);
  return {
    kind: 'linda-bench',
    version: 1,
    mode: 'quick',
    environment: {
      node: 'v20.0.0',
      cpu: 'Test <CPU> & co',
      cores: 2,
      platform: 'linux x64',
      date: '2026-11-27',
    },
    calibration: { ms: 60, startMs: 58, endMs: 62 },
    durationMs: 12_000,
    scenarios: [{ name: 'single-message', durationMs: 800, error: undefined }],
    metrics: [
      {
        id: 'single.latency',
        label: 'single message: say → reply durable',
        unit: 'ms',
        scenario: 'single-message',
        stat: 'p99',
        plan: 100,
        goal: 1,
        summary: summarize(latency),
        value: summarize(latency).p99,
        planMet: true,
        goalMet: true,
        note: '500 sequential',
      },
    ],
    charts: {
      latencyMs: latency,
      concurrency: [
        { level: 1, msgsPerSec: 2_000 },
        { level: 10, msgsPerSec: 9_000 },
        { level: 100, msgsPerSec: 13_000 },
      ],
      heap: Array.from({ length: 100 }, (_, i) => ({
        at: i * 50,
        mb: 20 + (i % 10),
        scenario: 'single-message',
      })),
      gc: [
        { at: 100, ms: 1.2, kind: 'minor', forced: false },
        { at: 900, ms: 8, kind: 'major', forced: true },
      ],
      marks: [{ at: 0, scenario: 'single-message' }],
    },
  };
}

describe('HTML report', () => {
  const html = renderHtmlReport(result());

  it('is one self-contained page: no external URL, script or stylesheet link', () => {
    expect(html).not.toMatch(/https?:/i);
    expect(html).not.toMatch(/<script|<link|src=/i);
    expect(html.startsWith('<!doctype html>')).toBe(true);
  });

  it('draws the four charts as inline SVG', () => {
    for (const id of ['chart-latency', 'chart-concurrency', 'chart-heap', 'chart-gc']) {
      expect(html).toMatch(new RegExp(`<svg id="${id}"[^>]*>[\\s\\S]*?</svg>`));
    }
    expect(html.match(/<rect /g)?.length).toBeGreaterThan(10); // histogram bars
    expect(html).toMatch(/<path d="M[\d.]+,[\d.]+ L/); // the throughput and heap lines
  });

  it('has the table with verdicts and escapes what it prints', () => {
    expect(html).toMatch(/<td>single message: say → reply durable<\/td><td>&#60; 100 ms<\/td>/);
    expect(html).toContain('Test &#60;CPU&#62; &#38; co');
    expect(html).not.toContain('<CPU>');
  });
});
