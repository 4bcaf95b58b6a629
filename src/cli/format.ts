import type { Message } from '../domain/message.js';
import type { StatusView } from '../server/routes/status.js';
import type { AccountView } from '../server/views.js';

/** Human-readable output of the CLI; `--json` bypasses all of this. */

/** Left-aligned columns separated by two spaces, with a header row. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(headers), ...rows.map(line)].join('\n')}\n`;
}

/** Pretty JSON with a trailing newline. */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Accounts with the default one starred. */
export function formatAccounts(accounts: AccountView[], defaultAccount: string | null): string {
  if (accounts.length === 0) return 'no accounts — add one with: linda accounts add <id>\n';
  return table(
    ['', 'ID', 'NAME', 'CONNECTOR', 'STATUS', 'PHONE'],
    accounts.map((a) => [
      a.id === defaultAccount ? '*' : '',
      a.id,
      a.name,
      a.connector,
      a.status,
      a.phone ?? '',
    ]),
  );
}

/** One account after add/start/stop. */
export function formatAccount(a: AccountView): string {
  return `${a.id} (${a.connector}) ${a.status}${a.phone ? ` ${a.phone}` : ''}\n`;
}

/** Messages, newest first, one line each; `direction` shown as in/out. */
export function formatMessages(messages: Message[]): string {
  if (messages.length === 0) return 'no messages\n';
  return table(
    ['TIME', 'DIR', 'CHAT', 'FROM', 'STATUS', 'TEXT'],
    messages.map((m) => [
      formatTime(m.timestamp),
      m.direction,
      m.chat,
      m.sender,
      m.status,
      preview(m.body ?? `[${m.kind}]`),
    ]),
  );
}

/**
 * The engine snapshot as aligned `key  value` lines, the live numbers the dashboard shows
 * (messages/s in and out, latency p50/p99, queue depth, heap), then one row per account.
 */
export function formatStatus(s: StatusView): string {
  const live = s.live;
  const rows: string[][] = [
    ['uptime', formatDuration(s.uptimeMs)],
    ['default account', s.defaultAccount ?? '(none)'],
    ['accounts', String(s.accounts.length)],
    ['messages', `${s.messages.in} in, ${s.messages.out} out`],
    [
      'outbox',
      `${s.outbox.queued} queued, ${s.outbox.sending} sending, ${s.outbox.sent} sent, ` +
        `${s.outbox.failed} failed, ${s.outbox.dead} dead`,
    ],
    ['memory', `heap ${mib(s.memory.heapUsed)}, rss ${mib(s.memory.rss)}`],
  ];
  if (live === null || live === undefined)
    rows.push(['live', '(no tick yet: the server started under a second ago)']);
  else {
    rows.push(
      ['msgs/s', `${live.inPerSec} in, ${live.outPerSec} out`],
      ['latency', `p50 ${ms(live.latencyP50Ms)}, p99 ${ms(live.latencyP99Ms)} (last 5 s)`],
      ['queue', `${live.queued} waiting`],
      ['heap', mib(live.heapUsedBytes)],
    );
  }
  const width = Math.max(...rows.map((r) => (r[0] ?? '').length));
  let out = rows.map(([k, v]) => `${(k ?? '').padEnd(width)}  ${v ?? ''}`).join('\n');
  if (s.accounts.length > 0) {
    out += `\n\n${table(
      ['ACCOUNT', 'CONNECTOR', 'STATUS', 'PHONE', 'IN TODAY', 'OUT TODAY', 'QUEUED'],
      s.accounts.map((a) => [
        a.id,
        a.connector,
        a.status,
        a.phone ?? '',
        String(a.today?.in ?? ''),
        String(a.today?.out ?? ''),
        String(a.queued ?? ''),
      ]),
    )}`;
    return out;
  }
  return `${out}\n`;
}

function ms(value: number | null): string {
  return value === null ? '—' : `${value} ms`;
}

/** Local `YYYY-MM-DD HH:MM:SS`. */
export function formatTime(epochMs: number): string {
  const d = new Date(epochMs);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function preview(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
