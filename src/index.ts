/**
 * Linda: a multi-account WhatsApp bot engine.
 *
 * @example
 * import { createLinda } from 'linda';
 * const linda = await createLinda({ dataDir: './data', demo: true });
 * linda.bot.command('hello', (ctx) => ctx.reply('hi!'));
 * await linda.start();
 */

export * from './connectors/sandbox/index.js';
export type {
  Connector,
  ConnectorContext,
  ConnectorFactory,
  ConnectorSink,
  SendReceipt,
} from './connectors/types.js';
export * from './domain/index.js';
export { newMessageId } from './domain/message-id.js';
export { createLinda, Linda } from './engine.js';
export type { LindaOptions } from './engine-options.js';
export {
  EVENT_TYPES,
  EventBus,
  type EventData,
  type EventType,
  type LindaEvent,
  type StatsTick,
} from './events/bus.js';
export type * from './linda-api.js';
export {
  Composer,
  type FilterQuery,
  type Middleware,
  type MiddlewareFn,
  type NextFunction,
} from './pipeline/composer.js';
export { Context, type ReplyOptions } from './pipeline/context.js';
export type { HandledEvent } from './pipeline/inbound.js';
export { createSqliteStore } from './storage/sqlite/index.js';
export type * from './storage/types.js';
export * from './webhooks/index.js';
