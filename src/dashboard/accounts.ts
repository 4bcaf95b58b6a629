import type { NewAccount } from './api.js';
import { formatCount, h } from './dom.js';
import type { AccountView, EngineStatus } from './types.js';

/** One row of the accounts table: the account merged with its live counters from `/v1/status`. */
export interface AccountRow {
  id: string;
  name: string;
  connector: string;
  status: string;
  phone: string | null;
  today: { in: number; out: number } | undefined;
  queued: number | undefined;
}

/** Merges `GET /v1/accounts` with the per-account fields of `GET /v1/status`. */
export function mergeAccounts(accounts: AccountView[], status: EngineStatus | undefined): AccountRow[] {
  const live = new Map((status?.accounts ?? []).map((a) => [a.id, a]));
  return accounts.map((a) => {
    const s = live.get(a.id);
    return {
      id: a.id,
      name: s?.name ?? a.name,
      connector: a.connector,
      status: s?.status ?? a.status,
      phone: s?.phone ?? a.phone,
      today: s?.today,
      queued: s?.queued,
    };
  });
}

/** What the table asks the page to do. */
export interface AccountActions {
  start(id: string): Promise<void>;
  stop(id: string): Promise<void>;
  remove(id: string): Promise<void>;
  link(id: string): void;
  create(input: NewAccount): Promise<void>;
}

const RUNNING = new Set(['starting', 'ready']);

/** Human words for session statuses. */
const STATUS_LABEL: Record<string, string> = {
  created: 'created',
  starting: 'starting',
  ready: 'ready',
  stopped: 'stopped',
  failed: 'failed',
  logged_out: 'logged out',
  replaced: 'replaced',
  auth_failed: 'auth failed',
  unlinked: 'not linked',
};

/** The accounts card: a table with per-row actions, an add form and a remove confirmation. */
export class AccountsView {
  private readonly tbody: HTMLTableSectionElement;
  private readonly form: HTMLFormElement;
  private readonly dialog: HTMLDialogElement;
  private readonly busy = new Set<string>();
  private rows: AccountRow[] = [];
  /** What the table shows now; an unchanged table is not rebuilt (focus and hover stay put). */
  private drawn = '';

  constructor(
    root: HTMLElement,
    private readonly actions: AccountActions,
  ) {
    this.tbody = h('tbody');
    this.form = this.buildForm();
    this.dialog = h('dialog', { class: 'confirm' });
    const table = h(
      'table',
      { id: 'accounts-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'Account'),
          h('th', {}, 'Status'),
          h('th', {}, 'Connector'),
          h('th', {}, 'Phone'),
          h('th', { class: 'num' }, 'In today'),
          h('th', { class: 'num' }, 'Out today'),
          h('th', { class: 'num' }, 'Queued'),
          h('th', { class: 'actions' }, ''),
        ),
      ),
      this.tbody,
    );
    root.replaceChildren(this.form, h('div', { class: 'table-wrap' }, table), this.dialog);
  }

  /** Shows or hides the add form. */
  toggleForm(): void {
    this.form.hidden = !this.form.hidden;
    if (!this.form.hidden) this.form.querySelector<HTMLInputElement>('input[name=id]')?.focus();
  }

  /** Redraws the table. */
  render(rows: AccountRow[]): void {
    this.rows = rows;
    const drawn = JSON.stringify([rows, [...this.busy]]);
    if (drawn === this.drawn) return;
    this.drawn = drawn;
    if (rows.length === 0) {
      this.tbody.replaceChildren(
        h('tr', {}, h('td', { colspan: 8, class: 'empty' }, 'No accounts yet. Add one to get started.')),
      );
      return;
    }
    this.tbody.replaceChildren(...rows.map((row) => this.row(row)));
  }

  private row(a: AccountRow): HTMLTableRowElement {
    const busy = this.busy.has(a.id);
    const running = RUNNING.has(a.status);
    const button = (label: string, cls: string, run: () => void, title?: string) =>
      h('button', { class: `btn btn-small ${cls}`, disabled: busy, title, onclick: run }, label);
    return h(
      'tr',
      { 'data-account': a.id },
      h(
        'td',
        {},
        h('div', { class: 'account-id' }, a.id),
        a.name !== a.id ? h('div', { class: 'muted small' }, a.name) : null,
      ),
      h(
        'td',
        {},
        h('span', { class: `badge status status-${a.status}` }, STATUS_LABEL[a.status] ?? a.status),
      ),
      h('td', {}, h('span', { class: 'connector' }, a.connector)),
      h('td', { class: 'mono' }, a.phone ?? '–'),
      h('td', { class: 'num' }, formatCount(a.today?.in)),
      h('td', { class: 'num' }, formatCount(a.today?.out)),
      h('td', { class: 'num' }, formatCount(a.queued)),
      h(
        'td',
        { class: 'actions' },
        a.connector === 'baileys' && a.status === 'starting'
          ? button('Show QR', 'btn-accent', () => this.actions.link(a.id))
          : null,
        running
          ? button('Stop', 'btn-ghost', () => void this.run(a.id, () => this.actions.stop(a.id)))
          : button('Start', 'btn-ghost', () => void this.run(a.id, () => this.actions.start(a.id))),
        button('Remove', 'btn-danger-ghost', () => this.confirmRemove(a.id)),
      ),
    );
  }

  private async run(id: string, action: () => Promise<void>): Promise<void> {
    this.busy.add(id);
    this.render(this.rows);
    try {
      await action();
    } finally {
      this.busy.delete(id);
      this.render(this.rows);
    }
  }

  private confirmRemove(id: string): void {
    const cancel = h(
      'button',
      { class: 'btn btn-ghost', type: 'button', onclick: () => this.dialog.close() },
      'Cancel',
    );
    const remove = h(
      'button',
      {
        class: 'btn btn-danger',
        type: 'button',
        onclick: () => {
          this.dialog.close();
          void this.run(id, () => this.actions.remove(id));
        },
      },
      'Remove',
    );
    this.dialog.replaceChildren(
      h('h3', {}, `Remove account “${id}”?`),
      h(
        'p',
        {},
        'Its session stops and its credentials are deleted; a WhatsApp account has to be linked again. ' +
          'Stored messages are kept.',
      ),
      h('div', { class: 'dialog-actions' }, cancel, remove),
    );
    this.dialog.showModal();
    cancel.focus();
  }

  private buildForm(): HTMLFormElement {
    const error = h('p', { class: 'form-error', role: 'alert' });
    const connector = h(
      'select',
      { name: 'connector' },
      h('option', { value: 'sandbox' }, 'sandbox — simulated network'),
      h('option', { value: 'baileys' }, 'baileys — link a phone (QR)'),
      h('option', { value: 'cloud' }, 'cloud — WhatsApp Cloud API'),
    );
    const config = h('textarea', {
      name: 'config',
      rows: 3,
      spellcheck: 'false',
      placeholder: '{ }  optional connector config as JSON, e.g. {"pairingPhone": "+15551234567"}',
    });
    const form = h(
      'form',
      { class: 'add-form', hidden: true, autocomplete: 'off' },
      h(
        'div',
        { class: 'form-grid' },
        field(
          'Id',
          h('input', {
            name: 'id',
            required: true,
            pattern: '[a-z0-9][a-z0-9_\\-]*',
            title: 'lowercase letters, digits, - and _',
            placeholder: 'sales',
          }),
        ),
        field('Name', h('input', { name: 'name', placeholder: 'Sales team' })),
        field('Connector', connector),
        field('Phone', h('input', { name: 'phone', placeholder: '+15551234567' })),
      ),
      field('Config', config),
      error,
      h(
        'div',
        { class: 'form-actions' },
        h('button', { class: 'btn btn-ghost', type: 'button', onclick: () => this.toggleForm() }, 'Cancel'),
        h('button', { class: 'btn btn-primary', type: 'submit' }, 'Add account'),
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      error.textContent = '';
      const data = new FormData(form);
      const text = (name: string) => String(data.get(name) ?? '').trim();
      const input: NewAccount = { id: text('id'), connector: text('connector') };
      if (text('name') !== '') input.name = text('name');
      if (text('phone') !== '') input.phone = text('phone');
      if (text('config') !== '') {
        try {
          input.config = JSON.parse(text('config')) as Record<string, unknown>;
        } catch {
          error.textContent = 'Config must be a JSON object.';
          return;
        }
      }
      const submit = form.querySelector<HTMLButtonElement>('button[type=submit]');
      if (submit !== null) submit.disabled = true;
      this.actions
        .create(input)
        .then(() => {
          form.reset();
          form.hidden = true;
        })
        .catch((err: unknown) => {
          error.textContent = err instanceof Error ? err.message : String(err);
        })
        .finally(() => {
          if (submit !== null) submit.disabled = false;
        });
    });
    return form;
  }
}

function field(label: string, control: HTMLElement): HTMLLabelElement {
  return h('label', { class: 'field' }, h('span', {}, label), control);
}
