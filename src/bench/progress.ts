import type { ProgressEvent } from './runner.js';

const WIDTH = 30;

/**
 * Shows the run's progress on `stream`: a redrawn bar when it is a terminal, otherwise one
 * plain line as each scenario starts and ends (CI logs stay readable).
 */
export function progressReporter(
  stream: NodeJS.WriteStream | { isTTY?: boolean; write(s: string): unknown },
): {
  onProgress(e: ProgressEvent): void;
  finish(): void;
} {
  const tty = stream.isTTY === true;
  let last = 0;
  let drawn = false;
  return {
    onProgress(e) {
      if (!tty) {
        if (e.phase === 'start') stream.write(`bench [${e.index + 1}/${e.total}] ${e.scenario} …\n`);
        if (e.phase === 'done') {
          const outcome = e.error === undefined ? 'done' : `FAILED: ${e.error}`;
          stream.write(
            `bench [${e.index + 1}/${e.total}] ${e.scenario} ${outcome} in ${((e.durationMs ?? 0) / 1000).toFixed(1)} s\n`,
          );
        }
        return;
      }
      const now = Date.now();
      if (e.phase === 'progress' && now - last < 100) return;
      last = now;
      const overall = (e.index + e.fraction) / e.total;
      const filled = Math.round(overall * WIDTH);
      stream.write(
        `\r\x1b[2K[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${(overall * 100).toFixed(0).padStart(3)} % ${e.index + 1}/${e.total} ${e.scenario}`,
      );
      drawn = true;
      if (e.phase === 'done' && e.error !== undefined) stream.write(`\n${e.scenario} FAILED: ${e.error}\n`);
    },
    finish() {
      if (tty && drawn) stream.write('\r\x1b[2K');
    },
  };
}
