import type { CliIo } from './io.js';

/**
 * Resolves on `io.shutdown` abort, or on the first SIGINT/SIGTERM when the run has no such signal.
 * A second signal while shutting down exits at once, so a stuck close never hangs the terminal.
 */
export function waitForShutdown(io: CliIo): Promise<void> {
  const signal = io.shutdown;
  if (signal !== undefined) {
    return new Promise((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }
  return new Promise((resolve) => {
    const onSignal = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** `EADDRINUSE` from a listen call. */
export function isAddressInUse(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'EADDRINUSE';
}
