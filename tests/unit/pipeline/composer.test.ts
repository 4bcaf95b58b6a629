import { describe, expect, it } from 'vitest';
import type { Account } from '../../../src/domain/account.js';
import type { Message } from '../../../src/domain/message.js';
import { Composer, parseCommand, run } from '../../../src/pipeline/composer.js';
import { Context } from '../../../src/pipeline/context.js';
import type { OutboxRecord } from '../../../src/storage/types.js';

const account: Account = {
  id: 'acme',
  name: 'Acme',
  phone: '+15550000000',
  connector: 'sandbox',
  config: {},
  status: 'ready',
  createdAt: 0,
};

function ctxFor(body: string | undefined, kind: Message['kind'] = 'text') {
  const replies: Array<{ body: string | undefined; key: string }> = [];
  const message: Message = {
    account: 'acme',
    id: `M${Math.random()}`,
    chat: '+15550001',
    sender: '+15550001',
    direction: 'in',
    kind,
    ...(body === undefined ? {} : { body }),
    timestamp: 1,
    status: 'received',
  };
  const ctx = new Context(message, account, {
    reply: async (_a, _to, b, key) => {
      replies.push({ body: b.body, key });
      return { seq: replies.length } as unknown as OutboxRecord;
    },
  });
  return { ctx, replies };
}

describe('Composer', () => {
  it('runs middleware in order and stops where next() is not called', async () => {
    const order: string[] = [];
    const bot = new Composer();
    bot.use(async (_ctx, next) => {
      order.push('a');
      await next();
      order.push('a-after');
    });
    bot.use(() => {
      order.push('b');
    });
    bot.use(() => {
      order.push('never');
    });
    await run(bot.middleware(), ctxFor('hi').ctx);
    expect(order).toEqual(['a', 'b', 'a-after']);
  });

  it('throws when next() is called twice', async () => {
    const bot = new Composer();
    bot.use(async (_ctx, next) => {
      await next();
      await next();
    });
    await expect(run(bot.middleware(), ctxFor('x').ctx)).rejects.toThrow(/more than once/);
  });

  it('command() matches ! and / prefixes case-insensitively and sets ctx.match to the arguments', async () => {
    const bot = new Composer();
    const seen: unknown[] = [];
    bot.command('echo', (ctx) => {
      seen.push(ctx.match);
    });
    for (const text of ['!echo hello world', '/ECHO  spaced ', '!echoes no', 'echo no', '!']) {
      await run(bot.middleware(), ctxFor(text).ctx);
    }
    expect(seen).toEqual(['hello world', 'spaced']);
  });

  it('hears() accepts regexes (even global ones, repeatedly) and exact strings', async () => {
    const bot = new Composer();
    const seen: string[] = [];
    bot.hears(/order (\d+)/g, (ctx) => {
      seen.push((ctx.match as RegExpExecArray)[1]!);
    });
    bot.hears('hello', (ctx) => {
      seen.push(String(ctx.match));
    });
    for (const text of ['order 12', 'order 34', 'hello', 'hello there'])
      await run(bot.middleware(), ctxFor(text).ctx);
    expect(seen).toEqual(['12', '34', 'hello']);
  });

  it('on() filters by kind, media and message', async () => {
    const bot = new Composer();
    const seen: string[] = [];
    bot.on('media', (ctx, next) => {
      seen.push(`media:${ctx.kind}`);
      return next();
    });
    bot.on(['location', 'text'], (ctx, next) => {
      seen.push(`lt:${ctx.kind}`);
      return next();
    });
    bot.on('message', (ctx) => {
      seen.push(`any:${ctx.kind}`);
    });
    for (const kind of ['image', 'text', 'location', 'reaction'] as const)
      await run(bot.middleware(), ctxFor('x', kind).ctx);
    expect(seen).toEqual([
      'media:image',
      'any:image',
      'lt:text',
      'any:text',
      'lt:location',
      'any:location',
      'any:reaction',
    ]);
  });

  it('child composers narrow: handlers on a child only run when the parent filter matched', async () => {
    const bot = new Composer();
    const seen: string[] = [];
    bot.on('text').command('a', () => {
      seen.push('a');
    });
    await run(bot.middleware(), ctxFor('!a', 'image').ctx);
    await run(bot.middleware(), ctxFor('!a').ctx);
    expect(seen).toEqual(['a']);
  });

  it('branch() picks a side', async () => {
    const bot = new Composer();
    const seen: string[] = [];
    bot.branch(
      (ctx) => ctx.text === 'yes',
      () => void seen.push('t'),
      () => void seen.push('f'),
    );
    await run(bot.middleware(), ctxFor('yes').ctx);
    await run(bot.middleware(), ctxFor('no').ctx);
    expect(seen).toEqual(['t', 'f']);
  });

  it('errorBoundary() catches errors inside it, continues the chain, and leaves errors after it alone', async () => {
    const bot = new Composer();
    const caught: string[] = [];
    const after: string[] = [];
    bot.errorBoundary(
      (err) => void caught.push((err as Error).message),
      () => {
        throw new Error('inside');
      },
    );
    bot.use(() => void after.push('ran'));
    await run(bot.middleware(), ctxFor('x').ctx);
    expect(caught).toEqual(['inside']);
    expect(after).toEqual(['ran']);

    const bot2 = new Composer();
    bot2.errorBoundary(
      (err) => void caught.push(`wrong:${(err as Error).message}`),
      (_ctx, next) => next(),
    );
    bot2.use(() => {
      throw new Error('outside');
    });
    await expect(run(bot2.middleware(), ctxFor('x').ctx)).rejects.toThrow('outside');
    expect(caught).toEqual(['inside']);
  });

  it('ctx.reply uses deterministic keys per message and reply number, and fills in the chat', async () => {
    const { ctx, replies } = ctxFor('hi');
    await Promise.all([ctx.reply('one'), ctx.reply('two')]);
    expect(replies.map((r) => r.key)).toEqual([`${ctx.message.id}:r0`, `${ctx.message.id}:r1`]);
    expect(ctx.replies).toHaveLength(2);
  });
});

describe('parseCommand', () => {
  it('parses names and arguments, rejects non-commands', () => {
    expect(parseCommand('!Ping')).toEqual({ name: 'ping', args: '' });
    expect(parseCommand('/start now please')).toEqual({ name: 'start', args: 'now please' });
    expect(parseCommand('ping')).toBeUndefined();
    expect(parseCommand('! ping')).toBeUndefined();
    expect(parseCommand(undefined)).toBeUndefined();
  });
});
