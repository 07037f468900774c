import { stockholmDay } from '@kommuna/shared-identifiers';
import type { ProposalsView, ProposalView } from '../data';
import { Html, html } from '../html';
import { formatSek, Lang, t } from '../i18n';

/** A refused form: which one (the new proposal, or interest or a decision on one proposal), what was sent, what is wrong. */
export interface ProposalFormState {
  form: 'propose' | `interest:${string}` | `decide:${string}`;
  values: Record<string, string>;
  errors: Array<{ field: string; message: string }>;
  message?: string;
}

const ORIGIN = {
  build: { sv: 'Byggs här (gemensamt bibliotek)', en: 'Built here (shared library)' },
  procure: { sv: 'Upphandlas tillsammans', en: 'Procured together' },
  existing: { sv: 'En medlems egen, delas', en: "A member's own, shared" },
} as const;
const STATUS = {
  open: { sv: 'Öppet', en: 'Open' },
  accepted: { sv: 'Beslutat: genomförs', en: 'Decided: go ahead' },
  rejected: { sv: 'Beslutat: avslag', en: 'Decided: rejected' },
  postponed: { sv: 'Bordlagt', en: 'Postponed' },
} as const;

const errorSummary = (lang: Lang, state: ProposalFormState | undefined, form: ProposalFormState['form']): Html =>
  state?.form === form
    ? html`<div class="error-summary" role="alert"><h3>${t(lang, 'formErrors')}</h3>
<ul>${state.errors.length > 0 ? state.errors.map((e) => html`<li>${e.field}: ${e.message}</li>`) : html`<li>${state.message ?? ''}</li>`}</ul></div>`
    : html``;
const valueOf = (state: ProposalFormState | undefined, form: ProposalFormState['form'], field: string) =>
  state?.form === form ? (state.values[field] ?? '') : '';

function memberOptions(data: ProposalsView, lang: Lang, selected: string, except?: string): Html[] {
  return [...data.tenants]
    .filter((tenant) => tenant.slug !== except)
    .sort((a, b) => a.names.sv.localeCompare(b.names.sv, 'sv'))
    .map((tenant) => html`<option value="${tenant.slug}"${tenant.slug === selected ? html` selected` : ''}>${tenant.names[lang]}</option>`);
}

function proposalCard(data: ProposalsView, p: ProposalView, lang: Lang, csrf: string, canRecord: boolean, state?: ProposalFormState): Html {
  const sv = lang === 'sv';
  const name = (slug: string) => data.tenants.find((x) => x.slug === slug)?.names[lang] ?? slug;
  const closed = p.status === 'accepted' || p.status === 'rejected';
  const interestForm: ProposalFormState['form'] = `interest:${p.id}`;
  const decideForm: ProposalFormState['form'] = `decide:${p.id}`;
  const forms =
    canRecord && !closed
      ? html`<details${state?.form === interestForm || state?.form === decideForm ? html` open` : ''}><summary>${sv ? 'Registrera intresse eller beslut' : 'Record interest or a decision'}</summary>
${errorSummary(lang, state, interestForm)}
<form method="post" action="/proposals/${p.id}/interest" class="stack">
<input type="hidden" name="csrf" value="${csrf}">
<label for="i-m-${p.id}">${sv ? 'Intresserad kommun' : 'Interested municipality'}</label>
<select id="i-m-${p.id}" name="municipality">${memberOptions(data, lang, valueOf(state, interestForm, 'municipality'), p.proposedBy)}</select>
<label for="i-n-${p.id}">${sv ? 'Vad kommunen skulle använda den till (valfritt)' : 'What the municipality would use it for (optional)'}</label>
<input id="i-n-${p.id}" name="note" value="${valueOf(state, interestForm, 'note')}">
<button type="submit">${sv ? 'Registrera intresse' : 'Record interest'}</button>
</form>
${errorSummary(lang, state, decideForm)}
<form method="post" action="/proposals/${p.id}/decisions" class="stack">
<input type="hidden" name="csrf" value="${csrf}">
<label for="d-o-${p.id}">${sv ? 'Beslut' : 'Decision'}</label>
<select id="d-o-${p.id}" name="outcome">${(['accepted', 'rejected', 'postponed'] as const).map((o) => html`<option value="${o}"${valueOf(state, decideForm, 'outcome') === o ? html` selected` : ''}>${STATUS[o][lang]}</option>`)}</select>
<label for="d-d-${p.id}">${t(lang, 'decidedOn')} (${sv ? 'ÅÅÅÅ-MM-DD' : 'YYYY-MM-DD'})</label>
<input id="d-d-${p.id}" name="decidedOn" value="${valueOf(state, decideForm, 'decidedOn')}" required>
<label for="d-n-${p.id}">${t(lang, 'diaryNumber')}</label>
<input id="d-n-${p.id}" name="diaryNumber" value="${valueOf(state, decideForm, 'diaryNumber')}" required>
<button type="submit">${sv ? 'Registrera beslut' : 'Record decision'}</button>
</form></details>`
      : html``;
  return html`<section class="card" aria-labelledby="p-${p.id}">
<h2 id="p-${p.id}">${p.title[lang]}</h2>
<p><span class="badge">${STATUS[p.status][lang]}</span> ${ORIGIN[p.origin][lang]}${p.supplier ? ` · ${p.supplier}` : ''}${
    p.estimatedYearlyCostSek !== null ? ` · ${formatSek(p.estimatedYearlyCostSek, lang)} ${sv ? 'per år' : 'a year'}` : ''
  }</p>
<p>${p.description[lang]}</p>
<p class="hint">${sv ? 'Föreslaget av' : 'Proposed by'} ${name(p.proposedBy)}, ${stockholmDay(new Date(p.recordedAt))}</p>
<h3>${sv ? 'Intresserade kommuner' : 'Interested municipalities'}</h3>
${
  p.interests.length > 0
    ? html`<ul>${p.interests.map((i) => html`<li>${name(i.municipality)}${i.note ? `: ${i.note}` : ''}</li>`)}</ul>`
    : html`<p>${sv ? 'Inga ännu.' : 'None yet.'}</p>`
}
${
  p.decisions.length > 0
    ? html`<h3>${t(lang, 'decisions')}</h3><ul>${p.decisions.map((d) => html`<li>${d.decidedOn}: ${STATUS[d.outcome as keyof typeof STATUS]?.[lang] ?? d.outcome} (${t(lang, 'diaryNumber').toLowerCase()} ${d.diaryNumber})${d.note ? ` – ${d.note}` : ''}</li>`)}</ul>`
    : html``
}
${forms}
</section>`;
}

/** Proposals for shared services (to build, to procure, or a member's own to share), their interest and decisions. */
export function proposalsPage(lang: Lang, data: ProposalsView, csrf: string, state?: ProposalFormState): { title: string; body: Html } {
  const sv = lang === 'sv';
  const canRecord = data.me.roles.includes('steering_group');
  const v = (field: string) => valueOf(state, 'propose', field);
  const proposeForm = canRecord
    ? html`<section aria-labelledby="new-proposal"><h2 id="new-proposal">${sv ? 'Nytt förslag' : 'New proposal'}</h2>
${errorSummary(lang, state, 'propose')}
<form method="post" action="/proposals" class="stack">
<input type="hidden" name="csrf" value="${csrf}">
<label for="titleSv">${sv ? 'Namn (svenska)' : 'Name (Swedish)'}</label><input id="titleSv" name="titleSv" value="${v('titleSv')}" required>
<label for="titleEn">${sv ? 'Namn (engelska)' : 'Name (English)'}</label><input id="titleEn" name="titleEn" value="${v('titleEn')}" required>
<label for="descriptionSv">${sv ? 'Beskrivning (svenska)' : 'Description (Swedish)'}</label><textarea id="descriptionSv" name="descriptionSv" required>${v('descriptionSv')}</textarea>
<label for="descriptionEn">${sv ? 'Beskrivning (engelska)' : 'Description (English)'}</label><textarea id="descriptionEn" name="descriptionEn" required>${v('descriptionEn')}</textarea>
<label for="origin">${sv ? 'Ursprung' : 'Origin'}</label>
<select id="origin" name="origin">${(['build', 'procure', 'existing'] as const).map((o) => html`<option value="${o}"${v('origin') === o ? html` selected` : ''}>${ORIGIN[o][lang]}</option>`)}</select>
<label for="supplier">${sv ? 'Leverantör (ej för byggs här)' : 'Supplier (not for built here)'}</label><input id="supplier" name="supplier" value="${v('supplier')}">
<label for="cost">${sv ? 'Beräknad kostnad per år (kr, valfritt)' : 'Estimated yearly cost (SEK, optional)'}</label><input id="cost" name="estimatedYearlyCostSek" inputmode="numeric" value="${v('estimatedYearlyCostSek')}">
<label for="proposedBy">${sv ? 'Föreslås av' : 'Proposed by'}</label><select id="proposedBy" name="proposedBy">${memberOptions(data, lang, v('proposedBy'))}</select>
<button type="submit">${sv ? 'Registrera förslaget' : 'Record the proposal'}</button>
</form></section>`
    : html``;
  const list =
    data.catalogueProposals.length > 0
      ? data.catalogueProposals.map((p) => proposalCard(data, p, lang, csrf, canRecord, state))
      : html`<p>${sv ? 'Inga förslag ännu.' : 'No proposals yet.'}</p>`;
  const body = html`<h1>${t(lang, 'proposals')}</h1>
<p class="lead">${
    sv
      ? 'Tjänster som medlemmarna föreslår att bygga här, upphandla tillsammans eller dela från en medlem, med intresse och styrgruppens beslut.'
      : 'Services the members propose to build here, procure together or share from a member, with interest and the steering group’s decisions.'
  }</p>
${list}
${proposeForm}`;
  return { title: t(lang, 'proposals'), body };
}
