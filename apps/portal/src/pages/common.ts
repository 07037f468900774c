import { Html, html } from '../html';
import { Lang, stageLabel, statusLabel, t } from '../i18n';

export const statusBadge = (status: string, lang: Lang): Html => html`<span class="badge status-${status}">${statusLabel(status, lang)}</span>`;
export const stageBadge = (stage: string | null, lang: Lang): Html =>
  stage ? html`<span class="badge stage-${stage}">${stageLabel(stage, lang)}</span>` : html`<span class="hint">${t(lang, 'notUsed')}</span>`;

export function yearForm(lang: Lang, action: string, year: number, years: number[]): Html {
  return html`<form class="year" method="get" action="${action}">
<label for="year">${t(lang, 'year')}</label>
<select id="year" name="year">${years.map((y) => html`<option value="${y}"${y === year ? html` selected` : ''}>${y}</option>`)}</select>
<button type="submit">${t(lang, 'show')}</button>
</form>`;
}

export function exportLinks(lang: Lang, year: number): Html {
  return html`<section aria-labelledby="exports"><h2 id="exports">${t(lang, 'exports')} ${year}</h2>
<p class="actions"><a class="button" href="/export/meeting-pack.csv?year=${year}" download>${t(lang, 'exportCsv')}</a>
<a class="button" href="/export/meeting-pack.pdf?year=${year}" download>${t(lang, 'exportPdf')}</a></p></section>`;
}
