import type { Api } from './api.js';
import { h } from './dom.js';

/** How often a linking account's code is fetched again (Baileys rotates its QR every ~20 s). */
const REFRESH_MS = 2000;

/**
 * The link panel of a Baileys account: its current QR code (refreshed while the account links)
 * or its pairing code, until the phone has linked the device.
 */
export class QrPanel {
  private account: string | undefined;
  /** Bumped on every open and close, so a look-up still in flight cannot start a second loop. */
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastQr: string | null = null;
  private imageUrl: string | undefined;
  private readonly title = h('h2', {});
  private readonly body = h('div', { class: 'qr-body' });

  constructor(
    private readonly root: HTMLElement,
    private readonly api: Api,
  ) {
    root.hidden = true;
    root.replaceChildren(
      h(
        'div',
        { class: 'card-head' },
        this.title,
        h('button', { class: 'btn btn-ghost btn-small', onclick: () => this.close() }, 'Close'),
      ),
      this.body,
    );
  }

  /** The account shown, if any. */
  get showing(): string | undefined {
    return this.account;
  }

  /** Shows `id`'s code and keeps it fresh. */
  open(id: string): void {
    if (this.account === id) return;
    this.close();
    this.account = id;
    this.title.textContent = `Link “${id}” to WhatsApp`;
    this.body.replaceChildren(h('p', { class: 'muted' }, 'Waiting for a code…'));
    this.root.hidden = false;
    void this.refresh(this.generation);
  }

  /** Hides the panel and stops polling. */
  close(): void {
    this.generation++;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.account = undefined;
    this.lastQr = null;
    if (this.imageUrl !== undefined) URL.revokeObjectURL(this.imageUrl);
    this.imageUrl = undefined;
    this.root.hidden = true;
  }

  private async refresh(generation: number): Promise<void> {
    const id = this.account;
    if (id === undefined || generation !== this.generation) return;
    try {
      const info = await this.api.linking(id);
      if (this.account !== id) return;
      if (info === undefined) {
        const account = await this.api.request<{ status: string }>(
          'GET',
          `/accounts/${encodeURIComponent(id)}`,
        );
        if (this.account !== id) return;
        this.body.replaceChildren(
          account.status === 'ready'
            ? h('p', { class: 'qr-done' }, '✓ Linked. The account is ready.')
            : h(
                'p',
                { class: 'muted' },
                `Not linking right now (status: ${account.status}). Start the account to get a new code.`,
              ),
        );
        this.lastQr = null;
        if (account.status !== 'starting') return; // nothing more to wait for
      } else {
        await this.show(id, info.qr, info.pairingCode);
      }
    } catch (err) {
      if (this.account !== id) return;
      this.body.replaceChildren(
        h('p', { class: 'form-error' }, err instanceof Error ? err.message : String(err)),
      );
    }
    if (generation === this.generation)
      this.timer = setTimeout(() => void this.refresh(generation), REFRESH_MS);
  }

  private async show(id: string, qr: string | null, pairingCode: string | null): Promise<void> {
    const steps = (last: string, note?: string) =>
      h(
        'div',
        { class: 'qr-text' },
        h(
          'ol',
          { class: 'qr-steps' },
          h('li', {}, 'Open WhatsApp on the phone'),
          h('li', {}, 'Settings → Linked devices → Link a device'),
          h('li', {}, last),
        ),
        note === undefined ? null : h('p', { class: 'muted small qr-note' }, note),
      );
    if (pairingCode !== null) {
      this.lastQr = null;
      this.body.replaceChildren(
        h('div', { class: 'pairing-code mono' }, pairingCode),
        steps('Choose “Link with phone number instead” and type this code'),
      );
      return;
    }
    if (qr === null || qr === this.lastQr) return;
    const blob = await this.api.qrImage(id);
    if (this.account !== id) return;
    if (this.imageUrl !== undefined) URL.revokeObjectURL(this.imageUrl);
    this.imageUrl = URL.createObjectURL(blob);
    this.lastQr = qr;
    this.body.replaceChildren(
      h('img', {
        class: 'qr-image',
        src: this.imageUrl,
        alt: `QR code to link ${id}`,
        width: 256,
        height: 256,
      }),
      steps(
        'Point the camera at this code',
        'WhatsApp rotates the code every few seconds; this one follows.',
      ),
    );
  }
}
