import { pino } from 'pino';

/**
 * Paths pino censors before a line is written. Account `config` holds connector credentials and
 * requests carry the API key; neither may reach a log file.
 */
export const REDACT_PATHS: readonly string[] = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'request.headers.authorization',
  'apiKey',
  '*.apiKey',
  'config.accessToken',
  'config.appSecret',
  'config.verifyToken',
  'config.apiKey',
  'config.password',
  '*.config.accessToken',
  '*.config.appSecret',
  '*.config.verifyToken',
  '*.config.apiKey',
  '*.config.password',
  'accessToken',
  '*.accessToken',
  'appSecret',
  '*.appSecret',
];

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** pino level; default `info`. */
  level?: string;
  /** Human-readable lines via pino-pretty; default: when stdout is a TTY. */
  pretty?: boolean;
  /** Where JSON lines go (default stdout). Tests pass a stream to capture output. */
  destination?: pino.DestinationStream;
}

/**
 * The process logger: JSON lines in production, pino-pretty on a terminal, secrets redacted.
 * @example
 *   const log = createLogger({ level: 'debug' });
 *   log.info({ account: 'demo' }, 'started');
 */
export function createLogger(opts: LoggerOptions = {}): pino.Logger {
  const level = opts.level ?? 'info';
  const redact = { paths: [...REDACT_PATHS], censor: '[redacted]' };
  if (opts.destination !== undefined) {
    return pino({ level, redact }, opts.destination);
  }
  const pretty = opts.pretty ?? process.stdout.isTTY === true;
  if (pretty) {
    return pino({
      level,
      redact,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } },
    });
  }
  return pino({ level, redact });
}
