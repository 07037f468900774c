import type { CatalogueView, ServiceCosts } from '../data';
import { Html, html, tableWrap } from '../html';
import { formatSek, keyLabel, Lang, t } from '../i18n';
import { closedNote, exportLinks, stageBadge, statusBadge, yearForm } from './common';

/** The catalogue: every shared service at a glance, the adoption matrix, the meeting pack. */
export function cataloguePage(lang: Lang, data: CatalogueView, year: number, years: number[]): { title: string; body: Html } {
  const costs = new Map<string, ServiceCosts>(data.catalogueCosts.map((c) => [c.service, c]));
  const services = data.catalogueServices;
  const rows = services.map((s) => {
    const production = s.adoption.filter((a) => a.stage === 'production').length;
    const piloting = s.adoption.filter((a) => a.stage === 'piloting').length;
    const benefit = (data.benefits[s.id] ?? []).reduce<{ low: number; high: number; followed: number | null }>(
      (sum, b) => ({
        low: sum.low + b.totalEstimatedLowSek,
        high: sum.high + b.totalEstimatedHighSek,
        followed: b.totalFollowedUpSek === null ? sum.followed : (sum.followed ?? 0) + b.totalFollowedUpSek,
      }),
      { low: 0, high: 0, followed: null },
    );
    const cost = costs.get(s.id);
    return html`<tr>
<th scope="row"><a href="/services/${s.id}">${s.name[lang]}</a></th>
<td>${s.domain.name[lang]}</td>
<td>${statusBadge(s.status, lang)}</td>
<td>${s.version}</td>
<td>${lang === 'sv' ? `${production} i produktion, ${piloting} pilot` : `${production} in production, ${piloting} piloting`}</td>
<td class="num">${cost && cost.budgetSek !== null ? html`${formatSek(cost.budgetSek, lang)}<br><span class="hint">${keyLabel(cost.allocationKey, lang)}</span>` : html`<span class="hint">${t(lang, 'noBudget')}</span>`}</td>
<td class="num">${(data.benefits[s.id] ?? []).length === 0 ? '–' : `${formatSek(benefit.low, lang)} – ${formatSek(benefit.high, lang)}`}</td>
<td class="num">${benefit.followed === null ? '–' : formatSek(benefit.followed, lang)}</td>
</tr>`;
  });
  const tenants = [...data.tenants].sort((a, b) => a.names.sv.localeCompare(b.names.sv, 'sv'));
  const matrix = tenants.map(
    (tenant) =>
      html`<tr><th scope="row"><a href="/municipalities/${tenant.slug}">${tenant.names[lang]}</a></th>${services.map((s) => {
        const cell = s.adoption.find((a) => a.slug === tenant.slug);
        return html`<td>${stageBadge(cell?.stage ?? null, lang)}</td>`;
      })}</tr>`,
  );
  const body = html`<h1>${t(lang, 'catalogue')}</h1>
<p class="lead">${lang === 'sv' ? 'De gemensamma tjänsterna: mognad, införande, kostnad per medlem och nytta, beräknad på plattformens egen mätning.' : 'The shared services: maturity, adoption, cost per member and benefit, computed from the platform’s own metering.'}</p>
${yearForm(lang, '/catalogue', year, years)}
${closedNote(lang, data.catalogueCosts.find((c) => c.closed)?.closed ?? null, year)}
${tableWrap(
  t(lang, 'catalogue'),
  html`<table><caption>${lang === 'sv' ? `Tjänster, budget och nytta ${year}` : `Services, budget and benefit ${year}`}</caption>
<thead><tr><th scope="col">${t(lang, 'service')}</th><th scope="col">${t(lang, 'domain')}</th><th scope="col">${t(lang, 'status')}</th><th scope="col">${t(lang, 'version')}</th><th scope="col">${t(lang, 'adoptionShort')}</th><th scope="col" class="num">${t(lang, 'budget')} ${year}</th><th scope="col" class="num">${t(lang, 'estimatedBenefit')}</th><th scope="col" class="num">${t(lang, 'followedUpBenefit')}</th></tr></thead>
<tbody>${rows}</tbody></table>`,
)}
<h2 id="matrix">${t(lang, 'adoptionMatrix')}</h2>
${tableWrap(
  t(lang, 'adoptionMatrix'),
  html`<table><caption>${t(lang, 'adoptionMatrix')}</caption><thead><tr><th scope="col">${t(lang, 'municipality')}</th>${services.map((s) => html`<th scope="col">${s.name[lang]}</th>`)}</tr></thead><tbody>${matrix}</tbody></table>`,
)}
${exportLinks(lang, year)}`;
  return { title: t(lang, 'catalogue'), body };
}
