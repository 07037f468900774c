import type { MunicipalityView } from '../data';
import { Html, html, tableWrap } from '../html';
import { formatMonth, formatNumber, formatSek, Lang, t } from '../i18n';
import { exportLinks, stageBadge, yearForm } from './common';

/** One municipality: the services it uses, its share of each budget, its use and benefit. */
export function municipalityPage(lang: Lang, data: MunicipalityView, years: number[]): { title: string; body: Html } {
  const m = data.catalogueMunicipality;
  const metricNames = new Map<string, string>(
    data.catalogueServices.flatMap((s) => s.metrics.map((x): [string, string] => [x.id, x.name[lang]])),
  );
  const period = `${formatMonth(m.months[0], lang)} – ${formatMonth(m.months[m.months.length - 1], lang)}`;
  const rows = m.services.map(
    (s) => html`<tr>
<th scope="row"><a href="/services/${s.service}">${s.name[lang]}</a></th>
<td>${stageBadge(s.stage, lang)}</td>
<td class="num">${s.costSek === null ? '–' : formatSek(s.costSek, lang)}</td>
<td>${s.usage.length ? html`<ul>${s.usage.map((u) => html`<li>${metricNames.get(u.metric) ?? u.metric}: ${!u.partial ? formatNumber(u.count, lang) : u.count === 0 ? t(lang, 'fewerThanFiveAMonth') : `${t(lang, 'atLeast')} ${formatNumber(u.count, lang)}`}</li>`)}</ul>` : '–'}</td>
<td class="num">${s.estimatedHighSek === 0 ? '–' : `${formatSek(s.estimatedLowSek, lang)} – ${formatSek(s.estimatedHighSek, lang)}`}</td>
</tr>`,
  );
  const body = html`<p><a href="/catalogue">← ${t(lang, 'catalogue')}</a></p>
<h1>${m.names[lang]}</h1>
<dl class="facts">
<dt>${t(lang, 'kommunkod')}</dt><dd>${m.kommunkod}</dd>
<dt>${t(lang, 'population')}</dt><dd>${m.population === null ? '–' : formatNumber(m.population, lang)}</dd>
<dt>${t(lang, 'totalCost')} ${m.year}</dt><dd>${formatSek(m.totalCostSek, lang)}</dd>
</dl>
${yearForm(lang, `/municipalities/${m.slug}`, m.year, years)}
${tableWrap(
  m.names[lang],
  html`<table><caption>${lang === 'sv' ? `Tjänster, kommunens andel ${m.year}, användning och uppskattad nytta (${period})` : `Services, the municipality's share ${m.year}, use and estimated benefit (${period})`}</caption>
<thead><tr><th scope="col">${t(lang, 'service')}</th><th scope="col">${t(lang, 'stage')}</th><th scope="col" class="num">${t(lang, 'yourShare')} ${m.year}</th><th scope="col">${t(lang, 'usage')}</th><th scope="col" class="num">${t(lang, 'estimatedBenefit')}</th></tr></thead>
<tbody>${rows}</tbody>
<tfoot><tr><th scope="row">${t(lang, 'total')}</th><td></td><td class="num">${formatSek(m.totalCostSek, lang)}</td><td></td><td></td></tr></tfoot></table>`,
)}
<p>${t(lang, 'smallCountsNote')}</p>
${exportLinks(lang, m.year)}`;
  return { title: m.names[lang], body };
}
