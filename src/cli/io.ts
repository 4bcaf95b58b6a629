/** Where a CLI run reads its environment and writes its output; tests capture both streams. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  /**
   * Ends `linda start` when aborted. When absent, `start` waits for SIGINT/SIGTERM instead.
   */
  shutdown?: AbortSignal;
}

/** The real process: stdout, stderr and `process.env`. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
  };
}
