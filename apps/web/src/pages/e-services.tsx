import { Fragment } from 'react';
import type { FormDefinition } from '@kommuna/e-forms';
import { controlIdOf, FieldProblem, fieldOfPath, FormView } from '../forms/form-view';
import { dateOnly, dateTime, Lang, outcomeText, receiptStatus, t } from '../i18n';
import type { FormReceiptView, PublishedForm, PublishedFormSummary } from '../http/queries';
import type { Page } from './layout';

/** Whether a form matches a search: every word in its title or description, in either language. */
export function matchesSearch(form: PublishedFormSummary, query: string): boolean {
  const text = [form.title.sv, form.title.en, form.description?.sv ?? '', form.description?.en ?? ''].join(' ').toLocaleLowerCase('sv');
  return query
    .toLocaleLowerCase('sv')
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => text.includes(word));
}

export function servicesPage(lang: Lang, municipality: string, forms: PublishedFormSummary[], query: string): Page {
  const found = forms.filter((form) => matchesSearch(form, query)).sort((a, b) => a.title[lang].localeCompare(b.title[lang], lang));
  return {
    title: t(lang, 'eServices'),
    body: (
      <>
        <h1>
          {t(lang, 'eServices')} – {municipality}
        </h1>
        <p className="lead">{t(lang, 'servicesLead')}</p>
        <form className="search" method="get" action="/e-services" role="search">
          <label htmlFor="q">{t(lang, 'search')}</label>
          <input id="q" name="q" type="search" defaultValue={query} />
          <button type="submit">{t(lang, 'searchButton')}</button>
        </form>
        <p role="status">
          {found.length} {t(lang, 'formsFound')}
        </p>
        {found.length === 0 ? (
          <p>{t(lang, 'noForms')}</p>
        ) : (
          <ul className="cards">
            {found.map((form) => (
              <li key={form.slug} className="card">
                <h2>
                  <a href={`/e-services/${encodeURIComponent(form.slug)}`}>{form.title[lang]}</a>
                </h2>
                {form.description ? <p>{form.description[lang]}</p> : null}
                {form.loginRequired ? <p className="hint">{t(lang, 'needsLogin')}</p> : null}
              </li>
            ))}
          </ul>
        )}
      </>
    ),
  };
}

export interface FormPageState {
  answers: Record<string, unknown>;
  problems: FieldProblem[];
  /** The files the attachment fields hold (uploaded to the draft). */
  files?: Record<string, { id: string; fileName: string }>;
  /** The draft being filled in: kept until it expires, resumable on any device. */
  draft?: { id: string; expiresAt: string; saved: boolean };
  /** The api's message for the whole submission, when it refused it. */
  message?: string;
}

/** The error summary: what to correct, each a link to its field; focused when the page opens. */
export function ErrorSummary({ lang, definition, problems }: { lang: Lang; definition: FormDefinition; problems: FieldProblem[] }) {
  const fields = definition.steps.flatMap((s) => s.fields);
  const labelOf = (field: string) => fields.find((f) => f.name === field)?.label[lang] ?? field;
  // In the form's order, as the resident meets the fields (the whole form's problems first).
  const position = (problem: FieldProblem) => fields.findIndex((f) => f.name === fieldOfPath(definition, problem.path));
  const ordered = [...problems].sort((a, b) => position(a) - position(b));
  return (
    // autoFocus: the summary takes focus without any script, so it is read out first.
    <div className="error-summary" role="alert" aria-labelledby="error-summary-title" tabIndex={-1} autoFocus>
      <h2 id="error-summary-title">{t(lang, 'errorSummary')}</h2>
      <p>{t(lang, 'errorSummaryText')}</p>
      <ul>
        {ordered.map((problem, i) => {
          const field = fieldOfPath(definition, problem.path);
          return (
            <li key={i}>
              {field ? (
                <a href={`#${controlIdOf(definition, field)}`}>
                  {labelOf(field)}: {problem.message}
                </a>
              ) : (
                problem.message
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

export function formPage(
  lang: Lang,
  form: PublishedForm,
  state: FormPageState,
  hiddenInputs: Record<string, string>,
  script: string,
  canSave = false,
): Page {
  const definition = form.definition;
  const problems = state.problems.length > 0 || !state.message ? state.problems : [{ path: '', message: state.message }];
  return {
    title: problems.length > 0 ? `${t(lang, 'errorPrefix')} ${form.title[lang]}` : form.title[lang],
    script,
    body: (
      <>
        <h1>{form.title[lang]}</h1>
        {form.description ? <p className="lead">{form.description[lang]}</p> : null}
        {state.draft?.saved ? (
          <p className="notice" role="status">
            {t(lang, 'draftSaved')} {dateOnly(lang, state.draft.expiresAt)}.
          </p>
        ) : null}
        {problems.length > 0 ? <ErrorSummary lang={lang} definition={definition} problems={problems} /> : null}
        <script type="application/json" id="form-shape" dangerouslySetInnerHTML={{ __html: shapeJson(definition) }} />
        <FormView
          definition={definition}
          lang={lang}
          action={`/e-services/${encodeURIComponent(form.slug)}`}
          answers={state.answers}
          problems={problems}
          hiddenInputs={hiddenInputs}
          files={state.files}
          extraButtons={
            canSave ? (
              <button type="submit" name="intent" value="save" className="secondary">
                {t(lang, 'saveDraft')}
              </button>
            ) : null
          }
        />
      </>
    ),
  };
}

/** What the page's script needs of the form (its fields and conditions), safe inside a script element. */
export function shapeJson(definition: FormDefinition): string {
  const shape = {
    steps: definition.steps.map((s) => ({ fields: s.fields.map((f) => ({ name: f.name, kind: f.kind })) })),
    conditions: definition.conditions,
  };
  return JSON.stringify(shape).replace(/</g, '\\u003c');
}

export function receiptPage(lang: Lang, receipt: FormReceiptView, withPdf: boolean): Page {
  const decision = receipt.decision;
  return {
    title: `${t(lang, 'receiptTitle')} – ${receipt.errandNumber}`,
    body: (
      <>
        <div className="panel">
          <h1>{t(lang, 'receiptTitle')}</h1>
          <dl className="facts">
            <dt>{t(lang, 'errandNumber')}</dt>
            <dd>
              <strong id="errand-number">{receipt.errandNumber}</strong>
            </dd>
            <dt>{t(lang, 'eServices')}</dt>
            <dd>{receipt.title[lang]}</dd>
            <dt>{t(lang, 'submittedAt')}</dt>
            <dd>{dateTime(lang, receipt.submittedAt)}</dd>
            <dt>{t(lang, 'status')}</dt>
            <dd>{receiptStatus(lang, receipt.status)}</dd>
          </dl>
        </div>
        {withPdf ? (
          <p>
            <a href={`/receipts/${encodeURIComponent(receipt.submissionId)}/pdf`} download={`kvittens-${receipt.errandNumber}.pdf`}>
              {t(lang, 'receiptPdf')}
            </a>
          </p>
        ) : null}
        {decision ? (
          <>
            <h2>{t(lang, 'decision')}</h2>
            <p>
              <strong>{outcomeText(lang, decision.outcome)}</strong>
              {decision.automated ? ` (${t(lang, 'automated').toLocaleLowerCase(lang)})` : ''}
            </p>
            <ul>
              {decision.reasons.map((reason, i) => (
                <li key={i}>{reason.text[lang]}</li>
              ))}
            </ul>
          </>
        ) : null}
        <h2>{t(lang, 'yourAnswers')}</h2>
        <dl className="facts">
          {receipt.answers.map((answer) => (
            <Fragment key={answer.field}>
              <dt>{answer.label[lang]}</dt>
              <dd>{answer.value[lang]}</dd>
            </Fragment>
          ))}
        </dl>
        <p>
          <a href="/my-pages">{t(lang, 'seeMyPages')}</a>
        </p>
      </>
    ),
  };
}
