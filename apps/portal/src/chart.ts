import { Html, html } from './html';
import { formatMonth, formatSek, Lang, t } from './i18n';

export interface ChartPoint {
  month: string;
  low: number;
  high: number;
  followedUp: number | null;
}

const W = 640;
const H = 260;
const PAD = { left: 78, right: 12, top: 12, bottom: 40 };
const BAND = '#9ecae1';
const EDGE = '#08519c';
const FOLLOWED = '#a63603';

/** A round step for about four gridlines up to `max`. */
function niceStep(max: number): number {
  const rough = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? rough;
}

/**
 * Estimated benefit (the low–high band) and followed-up benefit (points joined where consecutive)
 * per month, as a small static SVG: no script, labelled for screen readers, with the same figures
 * in a table beside it for anyone who cannot read the chart.
 */
export function benefitChart(id: string, title: string, points: ChartPoint[], lang: Lang): Html {
  const max = Math.max(1, ...points.flatMap((p) => [p.high, p.followedUp ?? 0]));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const x = (i: number) => PAD.left + (points.length <= 1 ? 0 : (i * (W - PAD.left - PAD.right)) / (points.length - 1));
  const y = (v: number) => PAD.top + (1 - v / top) * (H - PAD.top - PAD.bottom);
  const band = [
    ...points.map((p, i) => `${x(i).toFixed(1)},${y(p.high).toFixed(1)}`),
    ...points.map((p, i) => `${x(i).toFixed(1)},${y(p.low).toFixed(1)}`).reverse(),
  ].join(' ');
  const line = (values: number[]) => values.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const followedSegments: string[] = [];
  let segment: string[] = [];
  points.forEach((p, i) => {
    if (p.followedUp === null) {
      if (segment.length > 1) followedSegments.push(segment.join(' '));
      segment = [];
      return;
    }
    segment.push(`${segment.length === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.followedUp).toFixed(1)}`);
  });
  if (segment.length > 1) followedSegments.push(segment.join(' '));
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  const followedCount = points.filter((p) => p.followedUp !== null).length;
  const desc =
    lang === 'sv'
      ? `Uppskattad nytta från ${formatSek(points[0]?.low ?? 0, lang)} till ${formatSek(points.at(-1)?.high ?? 0, lang)} per månad; uppföljd nytta finns för ${followedCount} av ${points.length} månader. Siffrorna finns i tabellen nedan.`
      : `Estimated benefit from ${formatSek(points[0]?.low ?? 0, lang)} to ${formatSek(points.at(-1)?.high ?? 0, lang)} per month; followed-up benefit exists for ${followedCount} of ${points.length} months. The figures are in the table below.`;
  return html`<figure class="chart">
<svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${id}-title ${id}-desc" focusable="false">
<title id="${id}-title">${t(lang, 'chartOf')} ${title}</title>
<desc id="${id}-desc">${desc}</desc>
${ticks.map((v) => html`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#d0d0d0" stroke-width="1"/><text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#1b1b1b">${formatSek(v, lang)}</text>`)}
<polygon points="${band}" fill="${BAND}" fill-opacity="0.6" stroke="none"/>
<path d="${line(points.map((p) => p.high))}" fill="none" stroke="${EDGE}" stroke-width="2"/>
<path d="${line(points.map((p) => p.low))}" fill="none" stroke="${EDGE}" stroke-width="2" stroke-dasharray="6 4"/>
${followedSegments.map((d) => html`<path d="${d}" fill="none" stroke="${FOLLOWED}" stroke-width="2.5"/>`)}
${points.map((p, i) => (p.followedUp === null ? '' : html`<circle cx="${x(i).toFixed(1)}" cy="${y(p.followedUp).toFixed(1)}" r="4.5" fill="${FOLLOWED}"/>`))}
${points.map((p, i) => (i % 2 === 0 || points.length <= 6 ? html`<text x="${x(i).toFixed(1)}" y="${H - PAD.bottom + 18}" text-anchor="middle" font-size="11" fill="#1b1b1b">${formatMonth(p.month, lang)}</text>` : ''))}
<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(0).toFixed(1)}" y2="${y(0).toFixed(1)}" stroke="#1b1b1b" stroke-width="1"/>
</svg>
<figcaption>
<ul class="legend">
<li><svg width="28" height="12" aria-hidden="true" focusable="false"><rect width="28" height="12" fill="${BAND}" stroke="${EDGE}" stroke-width="2"/></svg>${t(lang, 'estimatedRange')}</li>
<li><svg width="28" height="12" aria-hidden="true" focusable="false"><line x1="0" x2="28" y1="6" y2="6" stroke="${FOLLOWED}" stroke-width="2.5"/><circle cx="14" cy="6" r="4" fill="${FOLLOWED}"/></svg>${t(lang, 'followedUpBenefit')}</li>
</ul>
</figcaption>
</figure>`;
}
