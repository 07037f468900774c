import { benefitChart } from '../chart';
import type { ServiceView } from '../data';
import { Html, html, tableWrap } from '../html';
import {
  basisLabel,
  confidenceLabel,
  formatMonth,
  formatNumber,
  formatSek,
  formatTimeSaved,
  keyLabel,
  Lang,
  statusLabel,
  STATUSES,
  t,
  unitLabel,
} from '../i18n';
import { adoptionDates, closedNote, stageBadge, statusBadge, yearForm } from './common';

export interface FormState {
  /** Which form the state belongs to. */
  form: 'follow-up' | 'decision';
  values: Record<string, string>;
  errors: Array<{ field: string; message: string }>;
  /** A refused promotion: what is missing, in both languages. */
  missing?: Array<{ sv: string; en: string }>;
  message?: string;
}

const fieldError = (state: FormState | undefined, form: FormState['form'], field: string, id: string): Html => {
  const error = state?.form === form ? state.errors.find((e) => e.field === field) : undefined;
  return error ? html`<p class="field-error" id="${id}-error">${error.message}</p>` : html``;
};
const described = (state: FormState | undefined, form: FormState['form'], field: string, id: string): Html =>
  state?.form === form && state.errors.some((e) => e.field === field) ? html` aria-describedby="${id}-error" aria-invalid="true"` : html``;
const value = (state: FormState | undefined, form: FormState['form'], field: string, fallback = '') =>
  state?.form === form ? (state.values[field] ?? fallback) : fallback;

function errorSummary(lang: Lang, state: FormState | undefined, form: FormState['form']): Html {
  if (state?.form !== form) return html``;
  if (state.missing) {
    return html`<div class="error-summary" role="alert"><h3>${t(lang, 'promotionRefused')}</h3><ul>${state.missing.map((m) => html`<li>${m[lang]}</li>`)}</ul></div>`;
  }
  return html`<div class="error-summary" role="alert"><h3>${t(lang, 'formErrors')}</h3>
<ul>${state.errors.length > 0 ? state.errors.map((e) => html`<li>${e.field}: ${e.message}</li>`) : html`<li>${state.message ?? ''}</li>`}</ul></div>`;
}

/** A service: what it is, its status and releases, who uses it, what it costs and what it saves. */
export function servicePage(
  lang: Lang,
  data: ServiceView,
  year: number,
  years: number[],
  csrfToken: string,
  options: { state?: FormState; saved?: string; today: string },
): { title: string; body: Html } {
  const s = data.catalogueService;
  const costs = data.catalogueCosts[0];
  const canRecord = data.me.roles.includes('steering_group');
  const { state } = options;
  const hypothesisName = (id: string) => s.hypotheses.find((h) => h.id === id)?.name[lang] ?? id;

  const facts = html`<dl class="facts">
<dt>${t(lang, 'status')}</dt><dd>${statusBadge(s.status, lang)}${s.status !== s.declaredStatus ? html` <span class="hint">(${statusLabel(s.declaredStatus, lang)} ${t(lang, 'declaredStatus')})</span>` : ''}${
    s.latestDecision
      ? html`<br><span class="hint">${t(lang, 'decidedOn')} ${s.latestDecision.decidedOn}, ${t(lang, 'diaryNumber').toLowerCase()} ${s.latestDecision.diaryNumber}</span>`
      : ''
  }</dd>
<dt>${t(lang, 'version')}</dt><dd>${s.version} <span class="hint">(${s.packageName})</span></dd>
<dt>${t(lang, 'domain')}</dt><dd>${s.domain.name[lang]}</dd>
<dt>${t(lang, 'owner')}</dt><dd>${s.ownerTeam}, <a href="mailto:${s.ownerEmail}">${s.ownerEmail}</a></dd>
<dt>${t(lang, 'maintenance')}</dt><dd>${s.maintenance.type}${s.maintenance.contractor ? `: ${s.maintenance.contractor}` : ''}${s.maintenance.until ? ` (${lang === 'sv' ? 't.o.m.' : 'until'} ${s.maintenance.until})` : ''}</dd>
<dt>${t(lang, 'dependencies')}</dt><dd>${s.dependencies.map((d, i) => html`${i > 0 ? ', ' : ''}${d.name}${d.optional ? (lang === 'sv' ? ' (valfri)' : ' (optional)') : ''}`)}</dd>
<dt>${t(lang, 'license')}</dt><dd>${s.license} · <a href="/services/${s.id}/publiccode.yml">${t(lang, 'publiccode')}</a></dd>
</dl>`;

  const adoption = s.adoption.length
    ? html`<ul>${s.adoption.map((a) => html`<li><a href="/municipalities/${a.slug}">${a.names[lang]}</a> ${stageBadge(a.stage, lang)}${adoptionDates(a, lang)}</li>`)}</ul>`
    : html`<p>${lang === 'sv' ? 'Ingen kommun använder tjänsten ännu.' : 'No municipality uses the service yet.'}</p>`;

  const costTable = tableWrap(
    `${t(lang, 'costs')} ${year}`,
    html`<table><caption>${t(lang, 'costs')} ${year}: ${costs.budgetSek === null ? t(lang, 'noBudget') : formatSek(costs.budgetSek, lang)}, ${keyLabel(costs.appliedKey, lang)}${
      costs.appliedKey !== costs.allocationKey
        ? ` (${lang === 'sv' ? 'ingen mätt användning under året' : 'no metered use in the year'})`
        : ''
    }</caption>
<thead><tr><th scope="col">${t(lang, 'municipality')}</th><th scope="col" class="num">${t(lang, 'monthsOfUse')}</th><th scope="col" class="num">${t(lang, 'basis')}</th><th scope="col" class="num">${t(lang, 'share')}</th></tr></thead>
<tbody>${costs.shares.map((c) => html`<tr><th scope="row">${c.names[lang]}</th><td class="num">${c.months}</td><td class="num">${formatNumber(c.basis, lang)}</td><td class="num">${formatSek(c.amountSek, lang)}</td></tr>`)}</tbody>
<tfoot><tr><th scope="row">${t(lang, 'total')}</th><td></td><td></td><td class="num">${formatSek(
      costs.shares.reduce((sum, c) => sum + c.amountSek, 0),
      lang,
    )}</td></tr></tfoot></table>
${closedNote(lang, costs.closed, year)}`,
  );

  const benefits = data.catalogueBenefits.map((b, i) => {
    const h = b.hypothesis;
    const chartId = `chart-${i}`;
    const per = s.metrics.find((m) => m.id === h.metric)?.name[lang] ?? h.metric;
    // Time-based hypotheses (minutes or hours per use) show the time saved beside the kronor.
    const timed = b.totalEstimatedLowHours !== null && b.totalEstimatedHighHours !== null;
    return html`<section class="card" aria-labelledby="h-${i}">
<h3 id="h-${i}">${h.name[lang]}</h3>
<p>${formatNumber(h.low, lang, 2)}–${formatNumber(h.high, lang, 2)} ${unitLabel(h.unit, lang)} ${t(lang, 'perUnit')}: ${per.toLowerCase()}${
      h.sekPerHour ? `, ${formatSek(h.sekPerHour, lang)}/${lang === 'sv' ? 'timme' : 'hour'}` : ''
    }.<br><span class="hint">${t(lang, 'source')}: ${h.source} · ${t(lang, 'basisOf')}: ${basisLabel(h.basis, lang)} · ${t(lang, 'confidence')}: ${confidenceLabel(h.confidence, lang)}</span></p>
<p><strong>${t(lang, 'last12')}:</strong> ${formatSek(b.totalEstimatedLowSek, lang)} – ${formatSek(b.totalEstimatedHighSek, lang)}${
      b.totalFollowedUpSek !== null ? html`; ${t(lang, 'followedUpBenefit').toLowerCase()} ${formatSek(b.totalFollowedUpSek, lang)}` : ''
    }</p>
${
  timed
    ? html`<p><strong>${t(lang, 'timeSaved')}:</strong> ${formatTimeSaved(b.totalEstimatedLowHours!, b.totalEstimatedHighHours!, h.unit, lang)} (${formatNumber(b.totalUsage, lang)} × ${
        h.low === h.high ? formatNumber(h.low, lang, 2) : `${formatNumber(h.low, lang, 2)}–${formatNumber(h.high, lang, 2)}`
      } ${unitLabel(h.unit, lang)})</p>`
    : ''
}
${benefitChart(
  chartId,
  h.name[lang],
  b.months.map((m) => ({ month: m.month, low: m.estimatedLowSek, high: m.estimatedHighSek, followedUp: m.followedUpSek })),
  lang,
)}
<details><summary>${t(lang, 'showFigures')}</summary>
${tableWrap(
  `${lang === 'sv' ? 'Siffror' : 'Figures'}: ${h.name[lang]}`,
  html`<table><caption>${h.name[lang]}</caption><thead><tr><th scope="col">${t(lang, 'month')}</th><th scope="col" class="num">${t(lang, 'usage')}</th><th scope="col" class="num">${t(lang, 'estimatedBenefit')} (${t(lang, 'low')})</th><th scope="col" class="num">${t(lang, 'estimatedBenefit')} (${t(lang, 'high')})</th>${
    timed ? html`<th scope="col" class="num">${t(lang, 'timeSaved')}</th>` : ''
  }<th scope="col" class="num">${t(lang, 'followedUpBenefit')}</th></tr></thead>
<tbody>${b.months.map(
    (m) =>
      html`<tr><th scope="row">${formatMonth(m.month, lang)}</th><td class="num">${formatNumber(m.usage, lang)}</td><td class="num">${formatSek(m.estimatedLowSek, lang)}</td><td class="num">${formatSek(m.estimatedHighSek, lang)}</td>${
        timed ? html`<td class="num">${formatTimeSaved(m.estimatedLowHours ?? 0, m.estimatedHighHours ?? 0, h.unit, lang)}</td>` : ''
      }<td class="num">${m.followedUpSek === null ? '–' : formatSek(m.followedUpSek, lang)}</td></tr>`,
  )}</tbody></table>`,
)}
</details>
</section>`;
  });

  const changelog = s.changelog.length
    ? s.changelog.map((r) => html`<h3>${r.version}</h3><ul>${r.changes.map((c) => html`<li>${c.text}</li>`)}</ul>`)
    : html`<p>${t(lang, 'noReleases')}</p>`;

  const followUps = data.catalogueFollowUps.length
    ? tableWrap(
        t(lang, 'followUps'),
        html`<table><caption>${t(lang, 'followUps')}</caption><thead><tr><th scope="col">${t(lang, 'hypothesis')}</th><th scope="col">${t(lang, 'periodStart')} – ${t(lang, 'periodEnd').toLowerCase()}</th><th scope="col" class="num">${t(lang, 'measuredValue')}</th><th scope="col">${t(lang, 'measuredOn')}</th><th scope="col">${t(lang, 'source')}</th><th scope="col">${t(lang, 'recordedBy')}</th></tr></thead>
<tbody>${data.catalogueFollowUps.map((f) => html`<tr><td>${hypothesisName(f.hypothesisId)}</td><td>${f.periodStart} – ${f.periodEnd}</td><td class="num">${formatNumber(f.measuredValue, lang, 2)} ${unitLabel(f.unit, lang)}</td><td>${f.measuredOn}</td><td>${f.source}${f.note ? html`<br><span class="hint">${f.note}</span>` : ''}</td><td>${f.recordedBy}</td></tr>`)}</tbody></table>`,
      )
    : html`<p>${t(lang, 'noFollowUps')}</p>`;

  const decisions = data.catalogueDecisions.length
    ? tableWrap(
        t(lang, 'decisions'),
        html`<table><caption>${t(lang, 'decisions')}</caption><thead><tr><th scope="col">${t(lang, 'decidedOn')}</th><th scope="col">${t(lang, 'fromTo')}</th><th scope="col">${t(lang, 'diaryNumber')}</th><th scope="col">${t(lang, 'recordedBy')}</th></tr></thead>
<tbody>${[...data.catalogueDecisions].reverse().map((d) => html`<tr><td>${d.decidedOn}</td><td>${statusLabel(d.fromStatus, lang)} → ${statusLabel(d.toStatus, lang)}</td><td>${d.diaryNumber}</td><td>${d.recordedBy}</td></tr>`)}</tbody></table>`,
      )
    : html`<p>${t(lang, 'noDecisions')}</p>`;

  const followUpForm =
    canRecord && s.hypotheses.length > 0
      ? html`<form class="record" method="post" action="/services/${s.id}/follow-ups" novalidate>
<h3 id="record-follow-up">${t(lang, 'recordFollowUp')}</h3>
${errorSummary(lang, state, 'follow-up')}
<input type="hidden" name="csrf" value="${csrfToken}">
<div><label for="fu-hypothesis">${t(lang, 'hypothesis')}</label><select id="fu-hypothesis" name="hypothesisId"${described(state, 'follow-up', 'hypothesisId', 'fu-hypothesis')}>${s.hypotheses.map(
          (h) =>
            html`<option value="${h.id}"${value(state, 'follow-up', 'hypothesisId') === h.id ? html` selected` : ''}>${h.name[lang]} (${unitLabel(h.unit, lang)})</option>`,
        )}</select>${fieldError(state, 'follow-up', 'hypothesisId', 'fu-hypothesis')}</div>
<div><label for="fu-start">${t(lang, 'periodStart')}</label><input id="fu-start" name="periodStart" type="date" required value="${value(state, 'follow-up', 'periodStart')}"${described(state, 'follow-up', 'periodStart', 'fu-start')}>${fieldError(state, 'follow-up', 'periodStart', 'fu-start')}</div>
<div><label for="fu-end">${t(lang, 'periodEnd')}</label><input id="fu-end" name="periodEnd" type="date" required value="${value(state, 'follow-up', 'periodEnd')}"${described(state, 'follow-up', 'periodEnd', 'fu-end')}>${fieldError(state, 'follow-up', 'periodEnd', 'fu-end')}</div>
<div><label for="fu-value">${t(lang, 'measuredValue')}</label><input id="fu-value" name="measuredValue" inputmode="decimal" required value="${value(state, 'follow-up', 'measuredValue')}" aria-describedby="fu-value-hint"><p class="hint" id="fu-value-hint">${
          lang === 'sv'
            ? 'I hypotesens enhet per användning, t.ex. 9 (minuter per ärende).'
            : "In the hypothesis's unit per use, e.g. 9 (minutes per submission)."
        }</p>${fieldError(state, 'follow-up', 'measuredValue', 'fu-value')}</div>
<div><label for="fu-on">${t(lang, 'measuredOn')}</label><input id="fu-on" name="measuredOn" type="date" required value="${value(state, 'follow-up', 'measuredOn', options.today)}"${described(state, 'follow-up', 'measuredOn', 'fu-on')}>${fieldError(state, 'follow-up', 'measuredOn', 'fu-on')}</div>
<div><label for="fu-source">${t(lang, 'source')}</label><input id="fu-source" name="source" required value="${value(state, 'follow-up', 'source')}"${described(state, 'follow-up', 'source', 'fu-source')}>${fieldError(state, 'follow-up', 'source', 'fu-source')}</div>
<div><label for="fu-note">${t(lang, 'note')}</label><textarea id="fu-note" name="note" rows="2">${value(state, 'follow-up', 'note')}</textarea></div>
<button type="submit">${t(lang, 'save')}</button>
</form>`
      : html``;

  const decisionForm = canRecord
    ? html`<form class="record" method="post" action="/services/${s.id}/decisions" novalidate>
<h3 id="record-decision">${t(lang, 'recordDecision')}</h3>
${errorSummary(lang, state, 'decision')}
<p class="hint">${
        lang === 'sv'
          ? `Beta kräver minst en kommun i pilot eller produktion; stabil kräver produktion i minst ${s.stableMinProduction} kommuner.`
          : `Beta needs at least one municipality piloting or in production; stable needs production at ${s.stableMinProduction} or more municipalities.`
      }</p>
<input type="hidden" name="csrf" value="${csrfToken}">
<div><label for="d-status">${t(lang, 'newStatus')}</label><select id="d-status" name="toStatus">${STATUSES.map(
        (st) =>
          html`<option value="${st}"${value(state, 'decision', 'toStatus') === st ? html` selected` : ''}>${statusLabel(st, lang)}</option>`,
      )}</select>${fieldError(state, 'decision', 'toStatus', 'd-status')}</div>
<div><label for="d-date">${t(lang, 'decidedOn')}</label><input id="d-date" name="decidedOn" type="date" required value="${value(state, 'decision', 'decidedOn', options.today)}"${described(state, 'decision', 'decidedOn', 'd-date')}>${fieldError(state, 'decision', 'decidedOn', 'd-date')}</div>
<div><label for="d-dnr">${t(lang, 'diaryNumber')}</label><input id="d-dnr" name="diaryNumber" required value="${value(state, 'decision', 'diaryNumber')}" placeholder="KS 2025/123"${described(state, 'decision', 'diaryNumber', 'd-dnr')}>${fieldError(state, 'decision', 'diaryNumber', 'd-dnr')}</div>
<button type="submit">${t(lang, 'recordDecision')}</button>
</form>`
    : html`<p class="hint">${t(lang, 'readOnly')}</p>`;

  const body = html`<p><a href="/catalogue">← ${t(lang, 'catalogue')}</a></p>
<h1>${s.name[lang]}</h1>
<p class="lead">${s.shortDescription[lang]}</p>
${options.saved ? html`<p class="notice" role="status">${t(lang, 'saved')}</p>` : ''}
<div class="cards">
<section class="card" aria-labelledby="facts"><h2 id="facts">${lang === 'sv' ? 'Om tjänsten' : 'About the service'}</h2>${facts}</section>
<section class="card" aria-labelledby="adoption"><h2 id="adoption">${t(lang, 'adoption')}</h2>${adoption}
<h3>${t(lang, 'features')}</h3><ul>${s.features[lang].map((f: string) => html`<li>${f}</li>`)}</ul></section>
</div>
<p>${s.longDescription[lang]}</p>
<h2 id="costs">${t(lang, 'costs')}</h2>
${yearForm(lang, `/services/${s.id}`, year, years)}
${costTable}
<h2 id="benefits">${t(lang, 'benefits')}</h2>
${benefits.length ? html`<div class="cards">${benefits}</div>` : html`<p>${lang === 'sv' ? 'Tjänsten har inga nyttohypoteser.' : 'The service has no benefit hypotheses.'}</p>`}
<h2 id="follow-ups">${t(lang, 'followUps')}</h2>
${followUps}
${followUpForm}
<h2 id="decisions">${t(lang, 'decisions')}</h2>
${decisions}
${decisionForm}
<h2 id="changelog">${t(lang, 'changelog')}</h2>
${changelog}`;
  return { title: s.name[lang], body };
}
