import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import { LindaError } from '../domain/errors.js';
import { accountId } from '../domain/message.js';
import { parse } from '../domain/validate.js';
import type { EventType } from '../events/bus.js';
import type { Store, WebhookRecord } from '../storage/types.js';
import { WEBHOOK_EVENT_TYPES } from './event-types.js';

/** Longest webhook URL accepted. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** Seals secrets at rest; the engine's `AuthCipher` is one. */
export interface SecretSealer {
  encrypt(account: string, key: string, value: Buffer): Buffer;
  decrypt(account: string, key: string, sealed: Buffer): Buffer;
}

/** Associated data of sealed webhook secrets; not a valid account id, so it never meets auth state. */
const SEAL_SCOPE = '#webhooks';

/** Ports fetch() refuses to connect to (the Fetch standard's "bad ports"): deliveries there could never succeed. */
const BAD_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104,
  109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515,
  526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049,
  3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/**
 * A webhook target. Deliberately not filtered by address: loopback and private hosts are accepted
 * (a receiver on the same machine or network is the common case), so whoever holds the API key can
 * make the server POST to anything it can reach, and read connection errors back from
 * `lastError`. Restrict the server's outbound traffic where that matters.
 */
const webhookUrl = z
  .string()
  .max(MAX_WEBHOOK_URL_LENGTH)
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute http or https URL' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'must use http or https' });
    } else if (url.username !== '' || url.password !== '') {
      ctx.addIssue({ code: 'custom', message: 'must not contain credentials (user:password@)' });
    } else if (url.port !== '' && BAD_PORTS.has(Number(url.port))) {
      ctx.addIssue({ code: 'custom', message: `port ${url.port} is blocked by fetch(); use another port` });
    }
  });

const knownTypes = ['*', ...WEBHOOK_EVENT_TYPES].join(', ');

const eventFilter = z
  .array(
    z.string().refine((t) => t === '*' || (WEBHOOK_EVENT_TYPES as readonly string[]).includes(t), {
      message: `unknown event type; known: ${knownTypes}`,
    }),
  )
  .min(1)
  .max(64);

/** Body of `POST /v1/webhooks`; unknown fields are rejected. */
export const webhookInputSchema = z.strictObject({
  url: webhookUrl,
  events: eventFilter,
  /** Only this account's events; every account's when absent. */
  account: accountId.optional(),
  /** Your own signing secret; one is generated when absent. */
  secret: z
    .string()
    .min(16)
    .max(256)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional(),
});

/** What a user gives to register a webhook. */
export type WebhookInput = z.input<typeof webhookInputSchema>;

/** A webhook as the API returns it (never its secret, except once from `create`). */
export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  account: string | null;
  enabled: boolean;
  createdAt: number;
}

/** A registered webhook in memory: its record and its secret, unsealed. */
export interface LiveWebhook {
  id: string;
  url: string;
  /** Every type it wants (`*` expanded). */
  types: ReadonlySet<EventType>;
  account: string | undefined;
  /** Undefined when the sealed secret did not open (wrong LINDA_SECRET): deliveries fail. */
  secret: string | undefined;
  enabled: boolean;
  view: WebhookView;
}

/** A new secret: `whsec_` and 32 random bytes in base64url. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

function viewOf(r: WebhookRecord): WebhookView {
  return {
    id: r.id,
    url: r.url,
    events: [...r.events],
    account: r.account ?? null,
    enabled: r.enabled,
    createdAt: r.createdAt,
  };
}

/**
 * The registered webhooks: validated on the way in, secrets sealed in the store and kept unsealed
 * in memory (the dispatcher matches every event against this list without a query).
 */
export class WebhookRegistry {
  private readonly live = new Map<string, LiveWebhook>();

  constructor(
    private readonly store: Store,
    private readonly sealer: SecretSealer,
    private readonly logger: Logger,
    /** Throws (ACCOUNT_NOT_FOUND) when a webhook names an account that does not exist. */
    private readonly checkAccount: (id: string) => Promise<unknown>,
  ) {}

  /** Loads every registration from the store. */
  async load(): Promise<void> {
    this.live.clear();
    for (const record of await this.store.listWebhooks()) this.live.set(record.id, this.unseal(record));
  }

  /** Validates, stores and returns the webhook with its secret (shown this once). */
  async create(input: WebhookInput): Promise<WebhookView & { secret: string }> {
    const valid = parse(webhookInputSchema, input, 'webhook');
    if (valid.account !== undefined) await this.checkAccount(valid.account);
    const events = valid.events.includes('*') ? ['*'] : [...new Set(valid.events)];
    const id = `wh_${randomBytes(10).toString('hex')}`;
    const secret = valid.secret ?? generateWebhookSecret();
    const record: WebhookRecord = {
      id,
      url: valid.url,
      events,
      account: valid.account,
      secret: this.sealer.encrypt(SEAL_SCOPE, id, Buffer.from(secret, 'utf8')),
      enabled: true,
      createdAt: Date.now(),
    };
    await this.store.createWebhook(record);
    const live = this.unseal(record, secret);
    this.live.set(id, live);
    return { ...live.view, secret };
  }

  /** Oldest first. */
  list(): WebhookView[] {
    return [...this.live.values()].map((w) => w.view);
  }

  /** Throws WEBHOOK_NOT_FOUND. */
  get(id: string): LiveWebhook {
    const live = this.live.get(id);
    if (live === undefined) throw new LindaError('WEBHOOK_NOT_FOUND', `no webhook "${id}"`, { id });
    return live;
  }

  /** The webhook or undefined (the worker's lookup). */
  find(id: string): LiveWebhook | undefined {
    return this.live.get(id);
  }

  /** Deletes the webhook and its deliveries. Throws WEBHOOK_NOT_FOUND. */
  async remove(id: string): Promise<void> {
    this.get(id);
    await this.store.deleteWebhook(id);
    this.live.delete(id);
  }

  /** Enabled webhooks wanting `type` from `account`. */
  *matching(type: EventType, account: string): Iterable<LiveWebhook> {
    for (const w of this.live.values()) {
      if (w.enabled && w.types.has(type) && (w.account === undefined || w.account === account)) yield w;
    }
  }

  /** Every type at least one enabled webhook wants. */
  wantedTypes(): Set<EventType> {
    const types = new Set<EventType>();
    for (const w of this.live.values()) if (w.enabled) for (const t of w.types) types.add(t);
    return types;
  }

  private unseal(record: WebhookRecord, known?: string): LiveWebhook {
    let secret = known;
    if (secret === undefined) {
      try {
        secret = this.sealer.decrypt(SEAL_SCOPE, record.id, record.secret).toString('utf8');
      } catch (err) {
        this.logger.error(
          { err, webhook: record.id },
          'webhook secret does not decrypt; its deliveries will fail',
        );
      }
    }
    const types = new Set<EventType>(
      record.events.includes('*')
        ? WEBHOOK_EVENT_TYPES
        : WEBHOOK_EVENT_TYPES.filter((t) => record.events.includes(t)),
    );
    return {
      id: record.id,
      url: record.url,
      types,
      account: record.account,
      secret,
      enabled: record.enabled,
      view: viewOf(record),
    };
  }
}
