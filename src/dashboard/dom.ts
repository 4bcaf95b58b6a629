// A tiny element builder. Text always goes in as text nodes, never as HTML, so nothing a
// contact writes can become markup.

type Child = Node | string | number | null | undefined | false;
type Props = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/**
 * Builds an element: `class` sets the class name, `on<event>` functions become listeners, `true`
 * sets an empty attribute, `false`/`undefined` skip it, everything else becomes an attribute.
 * @example
 *   h('button', { class: 'btn', onclick: () => start(id) }, 'Start')
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = String(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Appends children (text for strings and numbers, skipping empty ones). */
export function append(el: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'number' ? String(child) : child);
  }
}

/** The element with `id`, which the page must have. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`dashboard: #${id} is missing from index.html`);
  return el as T;
}

/** `12,345` in the reader's locale. */
export function formatCount(n: number | undefined): string {
  return n === undefined ? '–' : n.toLocaleString();
}

/** `42.1 MB`. */
export function formatBytes(n: number | undefined): string {
  if (n === undefined) return '–';
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** `3d 4h`, `2h 5m`, `4m 10s`. */
export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const hr = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${hr}h`;
  if (hr > 0) return `${hr}h ${m}m`;
  return `${m}m ${s % 60}s`;
}

/** `14:03:27` in local time. */
export function formatTime(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString([], { hour12: false });
}
