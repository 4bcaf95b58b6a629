import { formatTime, h } from './dom.js';
import type { LindaEvent, Message } from './types.js';

/** How many messages the feed keeps. */
export const FEED_SIZE = 50;

interface FeedItem {
  key: string;
  at: number;
  account: string;
  direction: 'in' | 'out';
  peer: string;
  kind: string;
  body: string | undefined;
  state: string | undefined;
  row: HTMLLIElement;
}

/** The recent-messages feed: inbound and outbound messages of every account, newest first. */
export class Feed {
  private readonly items: FeedItem[] = [];
  private readonly list = h('ol', { class: 'feed', id: 'feed' });
  private readonly empty = h('p', { class: 'empty' }, 'No messages yet. Say something in the sandbox.');
  constructor(root: HTMLElement) {
    root.replaceChildren(this.empty, this.list);
  }

  /** Takes `message.received` and `message.sent` events; ignores the rest. */
  onEvent(event: LindaEvent): void {
    if (event.type === 'message.received') {
      const m = event.data.message as Message | undefined;
      if (m === undefined) return;
      this.add({
        key: `in:${event.account}:${m.id}`,
        at: event.at,
        account: event.account,
        direction: 'in',
        peer: m.sender ?? m.chat,
        kind: m.kind,
        body: m.body,
        state: undefined,
      });
    } else if (event.type === 'message.sent') {
      const d = event.data as { id: string; to: string; kind: string; result: string; body?: string };
      const key = `out:${event.account}:${d.id}`;
      const existing = this.items.find((i) => i.key === key);
      if (existing !== undefined) {
        existing.state = d.result;
        this.paint(existing);
        return;
      }
      this.add({
        key,
        at: event.at,
        account: event.account,
        direction: 'out',
        peer: d.to,
        kind: d.kind,
        body: d.body,
        state: d.result,
      });
    }
  }

  private add(fields: Omit<FeedItem, 'row'>): void {
    const item: FeedItem = { ...fields, row: h('li', {}) };
    this.paint(item);
    this.items.unshift(item);
    this.list.prepend(item.row);
    while (this.items.length > FEED_SIZE) this.items.pop()?.row.remove();
    this.empty.hidden = true;
  }

  private paint(item: FeedItem): void {
    const text = item.body ?? `[${item.kind}]`;
    item.row.className = `feed-item ${item.direction}`;
    item.row.dataset.direction = item.direction;
    item.row.replaceChildren(
      h(
        'span',
        { class: 'feed-dir', title: item.direction === 'in' ? 'received' : 'sent' },
        item.direction === 'in' ? '↘' : '↗',
      ),
      h(
        'div',
        { class: 'feed-main' },
        h(
          'div',
          { class: 'feed-meta' },
          h('span', { class: 'feed-account' }, item.account),
          h(
            'span',
            { class: 'feed-peer mono' },
            item.direction === 'in' ? `from ${item.peer}` : `to ${item.peer}`,
          ),
          item.state !== undefined && item.state !== 'sent'
            ? h('span', { class: `badge result-${item.state}` }, item.state)
            : null,
          h('time', { class: 'feed-time' }, formatTime(item.at)),
        ),
        h('div', { class: 'feed-text' }, text),
      ),
    );
  }
}
