import type { Command } from 'commander';
import { z } from 'zod';
import { parse } from '../../domain/validate.js';
import { createLogger } from '../../observability/logger.js';
import { launch } from '../../server/launch.js';
import { dataDir, type GlobalOptions, hostOption, portOption } from '../config.js';
import { CliError } from '../errors.js';
import type { CliIo } from '../io.js';
import { isAddressInUse, waitForShutdown } from '../shutdown.js';

const level = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

interface StartOptions {
  port: string;
  host: string;
  demo: boolean;
  logLevel: string;
}

/** `linda start`: runs the engine and the HTTP API until SIGINT/SIGTERM. */
export function registerStartCommand(program: Command, io: CliIo): void {
  program
    .command('start')
    .description('run the engine and the HTTP API')
    .option('--port <port>', 'TCP port of the API', '3000')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--no-demo', 'do not create the sandbox account "demo"')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent', 'info')
    .action(async (opts: StartOptions, cmd: Command) => {
      const port = parse(portOption, opts.port, '--port');
      const bind = parse(hostOption, opts.host, '--host');
      const logger = createLogger({ level: parse(level, opts.logLevel, '--log-level') });
      const dir = dataDir(cmd.optsWithGlobals<GlobalOptions>(), io);
      const metricsToken = io.env.LINDA_METRICS_TOKEN;
      const server = await launch({
        dataDir: dir,
        host: bind,
        port,
        demo: opts.demo,
        logger,
        metricsToken,
      }).catch((err: unknown) => {
        if (isAddressInUse(err)) {
          throw new CliError('ADDRESS_IN_USE', `${bind}:${port} is already in use`);
        }
        throw err;
      });
      if (server.apiKeyCreated) {
        io.stdout(`API key (shown only this once; stored in ${server.apiKeyPath}):\n  ${server.apiKey}\n`);
      }
      const { metricsToken: metrics } = server;
      if (metrics.created) {
        io.stdout(
          `Metrics token (read-only, GET /metrics; stored in ${metrics.path}):\n  ${metrics.token}\n`,
        );
      }
      io.stdout(
        `Metrics at ${server.url}/metrics (Bearer token ${metrics.path === undefined ? 'from LINDA_METRICS_TOKEN' : `in ${metrics.path}`})\n`,
      );
      io.stdout(`Linda listening on ${server.url}\n`);
      io.stdout(
        `Dashboard at ${server.url}/ (sign in with the key in ${server.apiKeyPath}), API docs at ${server.url}/docs\n`,
      );
      await waitForShutdown(io);
      io.stdout('stopping…\n');
      await server.close();
    });
}
