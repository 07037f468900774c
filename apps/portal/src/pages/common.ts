import { Html, html } from '../html';
import { Lang, stageLabel, statusLabel, t } from '../i18n';

export const statusBadge = (status: string, lang: Lang): Html =>
  html`<span class="badge status-${status}">${statusLabel(status, lang)}</span>`;
export const stageBadge = (stage: string | null, lang: Lang): Html =>
  stage
    ? html`<span class="badge stage-${stage}">${stageLabel(stage, lang)}</span>`
    : html`<span class="hint">${t(lang, 'notUsed')}</span>`;

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

/** Says that a year is closed and its figures are those the steering group decided. */
export function closedNote(lang: Lang, closed: { decidedOn: string; diaryNumber: string } | null, year: number): Html | '' {
  if (!closed) return '';
  return html`<p class="note">${
    lang === 'sv'
      ? `${year} är stängt genom styrgruppens beslut ${closed.decidedOn} (dnr ${closed.diaryNumber}): kostnaderna visas som de beslutades.`
      : `${year} was closed by the steering group's decision of ${closed.decidedOn} (ref. ${closed.diaryNumber}): costs are shown as decided.`
  }</p>`;
}

/** An adoption's dates, as tenant.yaml records them. */
export function adoptionDates(
  a: { pilotingFrom: string | null; productionFrom: string | null; leftOn: string | null },
  lang: Lang,
): string {
  const parts = [
    a.pilotingFrom && `${lang === 'sv' ? 'pilot från' : 'piloting from'} ${a.pilotingFrom}`,
    a.productionFrom && `${lang === 'sv' ? 'produktion från' : 'production from'} ${a.productionFrom}`,
    a.leftOn && `${lang === 'sv' ? 'lämnade' : 'left'} ${a.leftOn}`,
  ].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
