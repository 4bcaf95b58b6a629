/** Tiny SVG chart primitives for the HTML report: no library, no external resources. */

export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const FRAME: Frame = { width: 640, height: 260, left: 64, right: 16, top: 16, bottom: 44 };

/** Escapes text for HTML and SVG content and attributes. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A linear scale from [d0, d1] to [r0, r1]. */
export function linear(d0: number, d1: number, r0: number, r1: number): (x: number) => number {
  const span = d1 - d0 || 1;
  return (x) => r0 + ((x - d0) / span) * (r1 - r0);
}

/** About five round tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

/** The `<svg>` with axes, tick labels and axis titles around `body`. */
export function chart(
  id: string,
  title: string,
  axes: {
    x: number[];
    y: number[];
    sx: (v: number) => number;
    sy: (v: number) => number;
    fx: (v: number) => string;
    fy: (v: number) => string;
    xTitle: string;
    yTitle: string;
  },
  body: string,
  f: Frame = FRAME,
): string {
  const { sx, sy } = axes;
  const xTicks = axes.x
    .map(
      (v) =>
        `<line x1="${sx(v)}" x2="${sx(v)}" y1="${f.height - f.bottom}" y2="${f.height - f.bottom + 4}" stroke="#888"/><text x="${sx(v)}" y="${f.height - f.bottom + 16}" text-anchor="middle">${esc(axes.fx(v))}</text>`,
    )
    .join('');
  const yTicks = axes.y
    .map(
      (v) =>
        `<line x1="${f.left}" x2="${f.width - f.right}" y1="${sy(v)}" y2="${sy(v)}" stroke="#eee"/><text x="${f.left - 6}" y="${sy(v) + 4}" text-anchor="end">${esc(axes.fy(v))}</text>`,
    )
    .join('');
  return `<figure><figcaption>${esc(title)}</figcaption><svg id="${esc(id)}" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" font-family="sans-serif" font-size="11">
${yTicks}${xTicks}
<line x1="${f.left}" x2="${f.left}" y1="${f.top}" y2="${f.height - f.bottom}" stroke="#444"/>
<line x1="${f.left}" x2="${f.width - f.right}" y1="${f.height - f.bottom}" y2="${f.height - f.bottom}" stroke="#444"/>
<text x="${(f.left + f.width - f.right) / 2}" y="${f.height - 6}" text-anchor="middle">${esc(axes.xTitle)}</text>
<text transform="translate(14 ${(f.top + f.height - f.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(axes.yTitle)}</text>
${body}
</svg></figure>`;
}
