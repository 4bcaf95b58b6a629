import type { Logger } from 'pino';
import type {
  Connector,
  ConnectorContext,
  ConnectorFactory,
  ConnectorSink,
  SendReceipt,
} from '../connectors/types.js';
import type { Account, SessionStatus, TerminalSessionStatus } from '../domain/account.js';
import { ConnectorError, errorMessage } from '../domain/errors.js';
import type { InboundMessage, OutboundMessage, StatusUpdate } from '../domain/message.js';
import { type BackoffPolicy, backoffDelay } from '../limits/backoff.js';

/** Reconnect policy of a session. */
export interface SessionPolicy {
  backoff: BackoffPolicy;
  /** Failures in a row after which the session parks as `failed` instead of retrying. */
  maxFailures: number;
}

/** Where a session reports what happens to it. */
export interface SessionHooks {
  inbound(account: string, message: InboundMessage): Promise<void>;
  status(account: string, update: StatusUpdate): void;
  statusChanged(account: string, status: SessionStatus, error?: string): void;
  linking(account: string, info: { qr?: string; pairingCode?: string } | undefined): void;
}

/** What a session hands its connector besides the account itself. */
export type SessionServices = Omit<ConnectorContext, 'account' | 'phone' | 'config'>;

/**
 * The live connection of one account: created → starting → ready → stopped / failed.
 * Reconnects with capped exponential backoff plus jitter; after `maxFailures` failures in a row
 * it parks as `failed`. `stop()` removes every listener and timer it added.
 */
export class Session {
  private state: SessionStatus = 'created';
  private connector_: Connector | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = false;
  /** The connector is showing a QR or pairing code: not ready until the device is linked. */
  private linkingNow = false;
  /** Bumped on every connect attempt; sinks of older attempts go quiet. */
  private generation = 0;

  constructor(
    readonly account: Account,
    private readonly factory: ConnectorFactory,
    private readonly hooks: SessionHooks,
    private readonly policy: SessionPolicy,
    private readonly logger: Logger,
    private readonly services: SessionServices,
  ) {}

  get status(): SessionStatus {
    return this.state;
  }

  /** Failures in a row since the last successful connection. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** True while a reconnect timer is pending (for leak tests). */
  get hasTimer(): boolean {
    return this.timer !== undefined;
  }

  /** Connects once; on failure schedules reconnects. Resolves after the first attempt. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  /** Disconnects and clears every timer; the session can be collected afterwards. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const connector = this.connector_;
    this.connector_ = undefined;
    if (connector !== undefined) {
      try {
        await connector.disconnect();
      } catch (err) {
        this.logger.warn({ err, account: this.account.id }, 'disconnect failed');
      }
    }
    this.setState('stopped');
  }

  /** The live connector (for webhook routing); undefined while disconnected. */
  get connector(): Connector | undefined {
    return this.connector_;
  }

  /** Sends through the connector; a session that is not ready fails retryably. */
  async send(message: OutboundMessage): Promise<SendReceipt> {
    const connector = this.connector_;
    if (this.state !== 'ready' || connector === undefined) {
      throw new ConnectorError('send', `session ${this.account.id} is ${this.state}`, {
        retryable: true,
        code: 'SESSION_NOT_READY',
      });
    }
    return connector.send(message);
  }

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    this.setState('starting');
    let connector: Connector;
    try {
      connector = this.factory({
        ...this.services,
        account: this.account.id,
        phone: this.account.phone,
        config: this.account.config,
      });
    } catch (err) {
      // A connector that cannot even be built (bad config) will not get better by retrying.
      this.failures = this.policy.maxFailures;
      this.setState('failed', errorMessage(err));
      return;
    }
    this.connector_ = connector;
    try {
      await connector.connect(this.sinkFor(generation));
      if (generation !== this.generation) return;
      // A connector still waiting for a device to be linked is not ready yet: its
      // connection('open') (or the end of linking) makes it so.
      if (this.linkingNow) return;
      this.failures = 0;
      this.setState('ready');
    } catch (err) {
      if (generation !== this.generation) return;
      await this.failed(err instanceof Error ? err : new Error(String(err)), true);
    }
  }

  private sinkFor(generation: number): ConnectorSink {
    const live = (): boolean => generation === this.generation && !this.stopped;
    return {
      inbound: (message) =>
        live()
          ? this.hooks.inbound(this.account.id, message)
          : Promise.reject(new ConnectorError('inbound', 'session stopped', { code: 'SESSION_NOT_READY' })),
      status: (update) => {
        if (live()) this.hooks.status(this.account.id, update);
      },
      connection: (state, info) => {
        if (!live()) return;
        if (state === 'open') {
          this.failures = 0;
          this.linkingNow = false;
          this.setState('ready');
        } else if (state === 'closed') {
          void this.failed(
            info?.error ?? new Error('connection closed'),
            info?.retryable ?? true,
            info?.status,
          );
        }
      },
      linking: (info) => {
        if (!live()) return;
        this.linkingNow = info !== undefined;
        this.hooks.linking(this.account.id, info);
      },
    };
  }

  private async failed(
    error: Error,
    retryable: boolean,
    parkAs: TerminalSessionStatus = 'failed',
  ): Promise<void> {
    this.generation++;
    this.failures++;
    const connector = this.connector_;
    this.connector_ = undefined;
    if (connector !== undefined) await connector.disconnect().catch(() => {});
    if (this.stopped) return;
    if (!retryable || this.failures >= this.policy.maxFailures) {
      const status = retryable ? 'failed' : parkAs;
      this.logger.error(
        { account: this.account.id, failures: this.failures, err: error },
        `session parked as ${status}`,
      );
      this.setState(status, error.message);
      return;
    }
    const delay = backoffDelay(this.policy.backoff, this.failures);
    this.logger.warn(
      { account: this.account.id, failures: this.failures, delay, err: error },
      'reconnecting',
    );
    this.setState('starting', error.message);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.connect();
    }, delay);
  }

  private setState(state: SessionStatus, error?: string): void {
    if (this.state === state && error === undefined) return;
    this.state = state;
    this.hooks.statusChanged(this.account.id, state, error);
  }
}
