import { LindaError } from '../domain/errors.js';
import type { MessageKind } from '../domain/message.js';
import type { Context } from './context.js';

/** Calls the rest of the middleware chain. */
export type NextFunction = () => Promise<void>;

/** The one building block: every handler, filter and plugin is a middleware. */
export type MiddlewareFn<C extends Context = Context> = (ctx: C, next: NextFunction) => unknown;

/** Anything that can act as middleware: a function or a composer. */
export type Middleware<C extends Context = Context> = MiddlewareFn<C> | { middleware(): MiddlewareFn<C> };

/** `on()` filters: a message kind, `message` (any inbound) or `media` (image, video, audio, document, sticker). */
export type FilterQuery = MessageKind | 'message' | 'media';

const MEDIA_KINDS: ReadonlySet<MessageKind> = new Set(['image', 'video', 'audio', 'document', 'sticker']);

const pass: MiddlewareFn = (_ctx, next) => next();

function flatten<C extends Context>(mw: Middleware<C>): MiddlewareFn<C> {
  return typeof mw === 'function' ? mw : mw.middleware();
}

/** Runs `first`, whose `next` runs `andThen`. Calling `next` twice is a bug and throws. */
function concat<C extends Context>(first: MiddlewareFn<C>, andThen: MiddlewareFn<C>): MiddlewareFn<C> {
  return async (ctx, next) => {
    let called = false;
    await first(ctx, async () => {
      if (called) throw new LindaError('INTERNAL', 'next() called more than once in one middleware');
      called = true;
      await andThen(ctx, next);
    });
  };
}

/** Runs `middleware` for `ctx`, with a final `next` that does nothing. */
export async function run<C extends Context>(middleware: MiddlewareFn<C>, ctx: C): Promise<void> {
  let called = false;
  await middleware(ctx, async () => {
    if (called) throw new LindaError('INTERNAL', 'next() called more than once in one middleware');
    called = true;
  });
}

/** Does `ctx` match the `on()` filter? */
export function matchesFilter(ctx: Context, query: FilterQuery): boolean {
  if (query === 'message') return true;
  if (query === 'media') return MEDIA_KINDS.has(ctx.kind);
  return ctx.kind === query;
}

/** Splits `!cmd args` or `/cmd args`; undefined when the text is not a command. */
export function parseCommand(text: string | undefined): { name: string; args: string } | undefined {
  if (text === undefined || text.length < 2) return undefined;
  const first = text.charCodeAt(0);
  if (first !== 33 /* ! */ && first !== 47 /* / */) return undefined;
  const space = text.search(/\s/);
  const name = (space === -1 ? text.slice(1) : text.slice(1, space)).toLowerCase();
  if (name.length === 0) return undefined;
  return { name, args: space === -1 ? '' : text.slice(space + 1).trim() };
}

/**
 * grammY-style middleware composer. Every method returns a child composer, so handlers narrow:
 *
 * @example
 * bot.command('ping', (ctx) => ctx.reply('pong'));
 * bot.on('media').use(saveToDrive);
 */
export class Composer<C extends Context = Context> {
  private handler: MiddlewareFn<C>;

  constructor(...middleware: Middleware<C>[]) {
    this.handler = middleware.length === 0 ? pass : middleware.map(flatten).reduce(concat);
  }

  /**
   * The composed middleware of this composer and all its children. It reads the chain at call
   * time, so handlers added to a child later still run.
   */
  middleware(): MiddlewareFn<C> {
    return (ctx, next) => this.handler(ctx, next);
  }

  /** Registers middleware that runs for every message; returns it as a child composer. */
  use(...middleware: Middleware<C>[]): Composer<C> {
    const child = new Composer<C>(...middleware);
    this.handler = concat(this.handler, flatten(child));
    return child;
  }

  /** Runs `middleware` only when `predicate` holds; otherwise passes on. */
  filter(predicate: (ctx: C) => boolean | Promise<boolean>, ...middleware: Middleware<C>[]): Composer<C> {
    const child = new Composer<C>(...middleware);
    const inner = flatten(child);
    this.use(async (ctx, next) => {
      if (await predicate(ctx)) await inner(ctx, next);
      else await next();
    });
    return child;
  }

  /** Handlers for one or more message kinds (`'text'`, `'image'`, `'media'`, `'message'`, ...). */
  on(query: FilterQuery | FilterQuery[], ...middleware: Middleware<C>[]): Composer<C> {
    const queries = Array.isArray(query) ? query : [query];
    return this.filter((ctx) => queries.some((q) => matchesFilter(ctx, q)), ...middleware);
  }

  /** Handlers for `!name` / `/name` commands; `ctx.match` holds the arguments. */
  command(name: string | string[], ...middleware: Middleware<C>[]): Composer<C> {
    const names = new Set((Array.isArray(name) ? name : [name]).map((n) => n.toLowerCase()));
    return this.filter(
      (ctx) => {
        const cmd = parseCommand(ctx.text);
        if (cmd === undefined || !names.has(cmd.name)) return false;
        ctx.match = cmd.args;
        return true;
      },
      ...middleware,
    );
  }

  /** Handlers for text matching `trigger` (a regex, or a string compared exactly); `ctx.match` holds the match. */
  hears(trigger: RegExp | string, ...middleware: Middleware<C>[]): Composer<C> {
    return this.filter(
      (ctx) => {
        const text = ctx.text;
        if (text === undefined) return false;
        if (typeof trigger === 'string') {
          if (text !== trigger) return false;
          ctx.match = text;
          return true;
        }
        trigger.lastIndex = 0;
        const m = trigger.exec(text);
        if (m === null) return false;
        ctx.match = m;
        return true;
      },
      ...middleware,
    );
  }

  /** Runs `whenTrue` or `whenFalse` depending on `predicate`. */
  branch(
    predicate: (ctx: C) => boolean | Promise<boolean>,
    whenTrue: Middleware<C>,
    whenFalse: Middleware<C>,
  ): Composer<C> {
    const t = flatten(whenTrue);
    const f = flatten(whenFalse);
    return this.use(async (ctx, next) => ((await predicate(ctx)) ? t(ctx, next) : f(ctx, next)));
  }

  /**
   * Catches errors thrown by `middleware` (and its children) and hands them to `onError`; the
   * chain goes on after the boundary as if the middleware had called `next()`.
   */
  errorBoundary(onError: (err: unknown, ctx: C) => unknown, ...middleware: Middleware<C>[]): Composer<C> {
    const child = new Composer<C>(...middleware);
    const inner = flatten(child);
    this.use(async (ctx, next) => {
      let nextCalled = false;
      let downstream: { error: unknown } | undefined;
      const guardedNext = async (): Promise<void> => {
        nextCalled = true;
        try {
          await next();
        } catch (error) {
          // Errors from after the boundary are not ours to catch: remember and rethrow them.
          downstream = { error };
          throw error;
        }
      };
      try {
        await inner(ctx, guardedNext);
      } catch (err) {
        if (downstream !== undefined && downstream.error === err) throw err;
        await onError(err, ctx);
        if (!nextCalled) await next();
      }
    });
    return child;
  }
}
