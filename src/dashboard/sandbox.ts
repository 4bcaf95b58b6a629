import type { Api } from './api.js';
import { formatTime, h } from './dom.js';

/** The virtual contact the panel starts with (the CLI's `linda sandbox say` uses the same one). */
const DEFAULT_CONTACT = '+15550001';
const SUGGESTIONS = ['!ping', '!help', '!status'];

interface Line {
  who: 'contact' | 'bot' | 'note';
  text: string;
  at: number;
  error?: boolean;
}

/**
 * The sandbox chat: the operator plays a virtual contact writing to a sandbox account and sees
 * the bot's replies. One transcript per (account, contact), kept for the page's lifetime.
 */
export class SandboxPanel {
  private readonly accountSelect = h('select', { id: 'sandbox-account', 'aria-label': 'Sandbox account' });
  private readonly contactInput = h('input', {
    id: 'sandbox-from',
    value: DEFAULT_CONTACT,
    'aria-label': 'Virtual contact number',
    spellcheck: 'false',
  });
  private readonly textInput = h('input', {
    id: 'sandbox-text',
    placeholder: 'Type a message',
    autocomplete: 'off',
    maxlength: 4096,
  });
  private readonly sendButton = h(
    'button',
    { id: 'sandbox-send', class: 'btn btn-primary', type: 'submit' },
    'Send',
  );
  private readonly log = h('div', { class: 'chat-log', id: 'sandbox-log', 'aria-live': 'polite' });
  private readonly transcripts = new Map<string, Line[]>();
  private accounts: string[] = [];

  constructor(
    root: HTMLElement,
    private readonly api: Api,
  ) {
    const form = h('form', { class: 'chat-compose', autocomplete: 'off' }, this.textInput, this.sendButton);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send(this.textInput.value);
    });
    this.accountSelect.addEventListener('change', () => this.paint());
    this.contactInput.addEventListener('change', () => this.paint());
    root.replaceChildren(
      h(
        'div',
        { class: 'chat-head' },
        h('label', { class: 'field inline' }, h('span', {}, 'Bot'), this.accountSelect),
        h('label', { class: 'field inline' }, h('span', {}, 'You are'), this.contactInput),
      ),
      this.log,
      h(
        'div',
        { class: 'chips' },
        ...SUGGESTIONS.map((text) =>
          h('button', { class: 'chip', type: 'button', onclick: () => void this.send(text) }, text),
        ),
      ),
      form,
    );
    this.paint();
  }

  /** The sandbox accounts to choose from (keeps the selection when it still exists). */
  setAccounts(ids: string[]): void {
    if (ids.join('\n') === this.accounts.join('\n')) return;
    const current = this.accountSelect.value;
    this.accounts = ids;
    this.accountSelect.replaceChildren(...ids.map((id) => h('option', { value: id }, id)));
    if (ids.includes(current)) this.accountSelect.value = current;
    const disabled = ids.length === 0;
    this.textInput.disabled = disabled;
    this.sendButton.disabled = disabled;
    this.paint();
  }

  private key(): string {
    return `${this.accountSelect.value}\n${this.contactInput.value.trim()}`;
  }

  private async send(raw: string): Promise<void> {
    const text = raw.trim();
    const account = this.accountSelect.value;
    const from = this.contactInput.value.trim();
    if (text === '' || account === '') return;
    const lines = this.lines(`${account}\n${from}`);
    lines.push({ who: 'contact', text, at: Date.now() });
    this.textInput.value = '';
    this.paint(true);
    try {
      const exchange = await this.api.sandboxSay(account, from, text);
      for (const reply of exchange.replies) {
        lines.push({ who: 'bot', text: reply.body ?? `[${reply.kind}]`, at: Date.now() });
      }
      if (exchange.replies.length === 0) lines.push({ who: 'note', text: 'no reply', at: Date.now() });
    } catch (err) {
      lines.push({
        who: 'note',
        text: err instanceof Error ? err.message : String(err),
        at: Date.now(),
        error: true,
      });
    }
    this.paint();
    this.textInput.focus();
  }

  private lines(key: string): Line[] {
    let lines = this.transcripts.get(key);
    if (lines === undefined) {
      lines = [];
      this.transcripts.set(key, lines);
    }
    return lines;
  }

  private paint(typing = false): void {
    if (this.accounts.length === 0) {
      this.log.replaceChildren(h('p', { class: 'empty' }, 'Add a sandbox account to chat with your bot.'));
      return;
    }
    const lines = this.transcripts.get(this.key()) ?? [];
    const nodes: HTMLElement[] = lines.map((line) =>
      line.who === 'note'
        ? h('div', { class: `chat-note${line.error === true ? ' error' : ''}` }, line.text)
        : h(
            'div',
            { class: `bubble ${line.who}` },
            h('span', { class: 'bubble-text' }, line.text),
            h('time', {}, formatTime(line.at)),
          ),
    );
    if (typing)
      nodes.push(h('div', { class: 'bubble bot typing' }, h('span', {}), h('span', {}), h('span', {})));
    if (nodes.length === 0) {
      nodes.push(
        h('p', { class: 'empty' }, `Write to ${this.accountSelect.value} as a virtual contact. Try !ping.`),
      );
    }
    this.log.replaceChildren(...nodes);
    this.log.scrollTop = this.log.scrollHeight;
  }
}
