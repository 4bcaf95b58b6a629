// The dashboard's entry point: the login view, then the live page. The API key lives in this
// tab's sessionStorage only (no cookie, nothing another site could make the browser send).
import { type AccountRow, AccountsView, mergeAccounts } from './accounts.js';
import { Api, ApiError, type NewAccount } from './api.js';
import { Charts } from './charts.js';
import { byId, formatBytes, formatCount, formatDuration, h } from './dom.js';
import { type StreamState, streamEvents } from './events.js';
import { Feed } from './feed.js';
import { QrPanel } from './qr.js';
import { SandboxPanel } from './sandbox.js';
import type { EngineStatus, LindaEvent, StatsTick } from './types.js';

const KEY_STORAGE = 'linda.apiKey';
const EVENT_TYPES = ['stats.tick', 'message.received', 'message.sent', 'session.status'];
/** Full refresh of accounts and counters; events bring it forward when something happens. */
const POLL_MS = 5000;

/** Shows a short notice in the corner. */
function toast(text: string, kind: 'error' | 'ok' = 'ok'): void {
  const el = h('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
  byId('toasts').append(el);
  setTimeout(() => el.remove(), kind === 'error' ? 6000 : 3000);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Today's messages over all accounts; undefined when the server does not count them. */
function sumToday(rows: AccountRow[]): { in: number; out: number } | undefined {
  const counted = rows.flatMap((r) => (r.today === undefined ? [] : [r.today]));
  if (counted.length === 0) return undefined;
  return { in: counted.reduce((n, t) => n + t.in, 0), out: counted.reduce((n, t) => n + t.out, 0) };
}

/** The live page of one signed-in tab. */
class Dashboard {
  private readonly charts = new Charts(byId('charts'));
  private readonly qr: QrPanel;
  private readonly feed: Feed;
  private readonly sandbox: SandboxPanel;
  private readonly accounts: AccountsView;
  private readonly stopStream: () => void;
  private poll: ReturnType<typeof setInterval> | undefined;
  private soon: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<void> | undefined;
  private status: EngineStatus | undefined;
  private live: StatsTick | undefined;
  private streamState: StreamState = 'connecting';
  private lastRows: AccountRow[] = [];

  constructor(
    private readonly api: Api,
    private readonly logout: (reason?: string) => void,
  ) {
    this.qr = new QrPanel(byId('qr'), api);
    this.feed = new Feed(byId('feed-root'));
    this.sandbox = new SandboxPanel(byId('sandbox'), api);
    this.accounts = new AccountsView(byId('accounts'), {
      start: (id) => this.act(`Started ${id}`, () => api.startAccount(id)),
      stop: (id) => this.act(`Stopped ${id}`, () => api.stopAccount(id)),
      remove: (id) => {
        if (this.qr.showing === id) this.qr.close();
        return this.act(`Removed ${id}`, () => api.removeAccount(id));
      },
      link: (id) => this.qr.open(id),
      create: (input) => this.create(input),
    });
    byId('add-account').addEventListener('click', () => this.accounts.toggleForm());
    this.stopStream = streamEvents(api, EVENT_TYPES, {
      onEvent: (event) => this.onEvent(event),
      onState: (state) => this.showStreamState(state),
      onUnauthorized: () => this.logout('The API key was rejected.'),
    });
    this.poll = setInterval(() => void this.refresh(), POLL_MS);
  }

  /** First load: accounts, counters and the charts' last two minutes. */
  async load(initial: EngineStatus): Promise<void> {
    this.status = initial;
    const [ticks] = await Promise.all([this.api.stats().catch(() => []), this.refresh()]);
    this.charts.push(ticks);
  }

  /** Stops every timer and the event stream. */
  close(): void {
    this.stopStream();
    clearInterval(this.poll);
    clearTimeout(this.soon);
    this.qr.close();
  }

  /** Reloads accounts and status (one at a time). */
  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const [accounts, status] = await Promise.all([this.api.accounts(), this.api.status()]);
        this.status = status;
        if (status.live !== undefined) this.live = status.live;
        const rows = mergeAccounts(accounts, status);
        this.accounts.render(rows);
        this.sandbox.setAccounts(rows.filter((r) => r.connector === 'sandbox').map((r) => r.id));
        this.renderKpis(rows);
        const linking = rows.find((r) => r.connector === 'baileys' && r.status === 'starting');
        if (linking !== undefined && this.qr.showing === undefined) this.qr.open(linking.id);
        // Without the event stream the charts still move on the status' latest tick.
        if (this.streamState === 'unavailable' && status.live !== undefined) {
          this.charts.push([status.live]);
        }
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) this.logout('The API key was rejected.');
        else toast(`Refresh failed: ${message(err)}`, 'error');
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  private refreshSoon(ms: number): void {
    if (this.soon !== undefined) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      void this.refresh();
    }, ms);
  }

  private onEvent(event: LindaEvent): void {
    switch (event.type) {
      case 'stats.tick': {
        const tick = { ...(event.data as unknown as StatsTick), at: event.at };
        this.live = tick;
        this.charts.push([tick]);
        this.renderKpis();
        break;
      }
      case 'message.received':
      case 'message.sent':
        this.feed.onEvent(event);
        this.refreshSoon(1000);
        break;
      case 'session.status':
        this.refreshSoon(100);
        break;
    }
  }

  private async act(done: string, action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
      toast(done);
    } catch (err) {
      toast(message(err), 'error');
    }
    await this.refresh();
  }

  private async create(input: NewAccount): Promise<void> {
    await this.api.createAccount(input); // errors go to the form
    toast(`Added ${input.id}`);
    await this.refresh();
    if (input.connector === 'baileys') this.qr.open(input.id);
  }

  private renderKpis(rows: AccountRow[] = this.lastRows): void {
    this.lastRows = rows;
    const status = this.status;
    const ready = rows.filter((r) => r.status === 'ready').length;
    const today = sumToday(rows);
    const queued = this.live?.queued ?? status?.outbox?.queued;
    const heap = this.live?.heapUsedBytes ?? status?.memory?.heapUsed;
    const tile = (id: string, label: string, value: string, sub: string) =>
      h(
        'div',
        { class: 'kpi', id: `kpi-${id}` },
        h('span', { class: 'kpi-label' }, label),
        h('strong', { class: 'kpi-value' }, value),
        h('span', { class: 'kpi-sub' }, sub),
      );
    byId('kpis').replaceChildren(
      tile('accounts', 'Accounts', `${ready} / ${rows.length}`, 'ready'),
      tile(
        'in',
        today !== undefined ? 'Received today' : 'Received',
        formatCount(today?.in ?? status?.messages?.in),
        this.live !== undefined ? `${this.live.inPerSec.toFixed(1)}/s now` : 'messages in',
      ),
      tile(
        'out',
        today !== undefined ? 'Sent today' : 'Sent',
        formatCount(today?.out ?? status?.messages?.out),
        this.live !== undefined ? `${this.live.outPerSec.toFixed(1)}/s now` : 'messages out',
      ),
      tile('queued', 'Outbox', formatCount(queued), 'queued'),
      tile(
        'heap',
        'Heap',
        formatBytes(heap),
        status?.memory !== undefined ? `rss ${formatBytes(status.memory.rss)}` : 'used',
      ),
    );
    if (status !== undefined) byId('uptime').textContent = `up ${formatDuration(status.uptimeMs)}`;
  }

  private showStreamState(state: StreamState): void {
    this.streamState = state;
    const el = byId('stream-state');
    el.className = `stream ${state}`;
    el.dataset.state = state;
    el.textContent = {
      connecting: 'connecting…',
      live: 'live',
      offline: 'reconnecting…',
      unavailable: 'polling',
    }[state];
  }
}

let dashboard: Dashboard | undefined;

function logout(reason?: string): void {
  dashboard?.close();
  dashboard = undefined;
  sessionStorage.removeItem(KEY_STORAGE);
  showLogin(reason);
}

function showLogin(reason?: string): void {
  byId('app').hidden = true;
  byId('login').hidden = false;
  byId('login-error').textContent = reason ?? '';
  byId<HTMLInputElement>('login-key').focus();
}

/** Checks `key` against the server and opens the dashboard; throws ApiError(401) for a wrong key. */
async function enter(key: string): Promise<void> {
  const api = new Api(key);
  const status = await api.status();
  sessionStorage.setItem(KEY_STORAGE, key);
  byId('login').hidden = true;
  byId('app').hidden = false;
  dashboard = new Dashboard(api, logout);
  await dashboard.load(status);
}

function loginError(err: unknown): string {
  if (err instanceof ApiError && err.status === 401) return 'That API key is not valid.';
  return message(err);
}

function boot(): void {
  const form = byId<HTMLFormElement>('login-form');
  const input = byId<HTMLInputElement>('login-key');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (key === '') return;
    const submit = byId<HTMLButtonElement>('login-submit');
    submit.disabled = true;
    byId('login-error').textContent = '';
    enter(key)
      .then(() => {
        input.value = '';
      })
      .catch((err: unknown) => logout(loginError(err)))
      .finally(() => {
        submit.disabled = false;
      });
  });
  byId('logout').addEventListener('click', () => logout());
  const saved = sessionStorage.getItem(KEY_STORAGE);
  if (saved === null) showLogin();
  else enter(saved).catch((err: unknown) => logout(loginError(err)));
}

boot();
