import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LINDA_NODE_FLAGS, missingNodeFlags } from '../../../src/cli/node-flags.js';

describe('Linda node flags', () => {
  it('npm start and npm run bench run node with them (what the bench measured is what start runs)', () => {
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> })
      .scripts;
    for (const flag of LINDA_NODE_FLAGS) {
      expect(scripts.start).toContain(flag);
      expect(scripts.bench).toContain(flag);
    }
  });

  it('tells which flags a process lacks', () => {
    expect(missingNodeFlags(['--a', '--b'], ['--b', '--c'])).toEqual(['--a']);
    expect(missingNodeFlags(['--a'], ['--a'])).toEqual([]);
  });
});
