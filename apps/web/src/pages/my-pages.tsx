import type { FormDefinition } from '@kommuna/e-forms';
import { FieldProblem, FormView } from '../forms/form-view';
import { dateOnly, dateTime, Lang, outcomeText, t, TextKey } from '../i18n';
import type { CaseDetail, CaseSummary, FormDraftView, Localized, MySubmission, NoticeView, Organisation } from '../http/queries';
import { ControlErrorSummary, ControlProblem, FieldMessage, invalidProps } from './error-summary';
import { ErrorSummary, shapeJson } from './e-services';
import type { Page } from './layout';

const TURN: Record<CaseSummary['whoseTurn'], TextKey> = { CITIZEN: 'turnCitizen', MUNICIPALITY: 'turnMunicipality', NONE: 'turnNone' };

/** Mina sidor: the resident's cases across every member municipality, newest activity first. */
export function myPagesPage(
  lang: Lang,
  name: string,
  cases: CaseSummary[],
  drafts: FormDraftView[] = [],
  company: { organisations: Organisation[]; actingFor: Organisation | null; notices?: NoticeView[] } = {
    organisations: [],
    actingFor: null,
  },
): Page {
  const notices = company.notices ?? [];
  const acting = company.actingFor;
  return {
    title: acting ? `${t(lang, 'myPages')} – ${acting.name}` : t(lang, 'myPages'),
    body: (
      <>
        <h1>{acting ? `${t(lang, 'myPages')} – ${acting.name}` : t(lang, 'myPages')}</h1>
        <p className="lead" id="acting-as">
          {acting
            ? `${t(lang, 'actingFor')} ${acting.name} (${acting.organisationsnummer}), ${name}. ${t(lang, 'companyCasesLead')}`
            : `${name}. ${t(lang, 'myCasesLead')}`}
        </p>
        {company.organisations.length > 0 ? <CompanySwitch lang={lang} name={name} company={company} /> : null}
        {acting ? null : (
          <p>
            <a href="/my-pages/my-data.json" download="mina-uppgifter.json">
              {t(lang, 'myData')}
            </a>
          </p>
        )}
        {drafts.length > 0 ? (
          <section aria-labelledby="drafts">
            <h2 id="drafts">{t(lang, 'drafts')}</h2>
            <ul className="cards">
              {drafts.map((d) => (
                <li key={d.id} className="card">
                  <h3>
                    <a href={`/e-services/${encodeURIComponent(d.formSlug)}?draft=${encodeURIComponent(d.id)}`}>
                      {t(lang, 'continueDraft')}: {d.title[lang]}
                    </a>
                  </h3>
                  <p className="hint">
                    {t(lang, 'updated')}: {dateTime(lang, d.updatedAt)}. {t(lang, 'savedUntil')} {dateOnly(lang, d.expiresAt)}.
                  </p>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        {drafts.length > 0 ? <h2>{t(lang, 'myErrands')}</h2> : null}
        {cases.length === 0 ? (
          <p>{t(lang, 'noCases')}</p>
        ) : (
          <div className="table-wrap" role="region" aria-labelledby="cases-caption" tabIndex={0}>
            <table>
              <caption id="cases-caption" className="visually-hidden">
                {t(lang, 'myPages')}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t(lang, 'errand')}</th>
                  <th scope="col">{t(lang, 'municipality')}</th>
                  <th scope="col">{t(lang, 'status')}</th>
                  <th scope="col">{t(lang, 'whoseTurn')}</th>
                  <th scope="col">{t(lang, 'updated')}</th>
                </tr>
              </thead>
              <tbody>
                {cases.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <a href={casePath(c.id, acting?.organisationsnummer)}>{c.title[lang]}</a>
                      <br />
                      <span className="hint">{c.errandNumber}</span>
                      {c.unreadCount > 0 ? (
                        <>
                          <br />
                          <span className="badge">
                            {c.unreadCount} {t(lang, 'unread')}
                          </span>
                        </>
                      ) : null}
                    </td>
                    <td>{c.municipality.names[lang]}</td>
                    <td>{c.status.label[lang]}</td>
                    <td className={`turn-${c.whoseTurn}`}>{t(lang, TURN[c.whoseTurn])}</td>
                    <td>{dateOnly(lang, c.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {notices.length > 0 ? (
          <section aria-labelledby="notices">
            <h2 id="notices">{t(lang, 'notices')}</h2>
            <p className="hint">{t(lang, 'noticesLead')}</p>
            <ul className="plain notices">
              {notices.map((n) => (
                <li key={n.id}>
                  <time dateTime={n.sentAt}>{dateTime(lang, n.sentAt)}</time>: {n.subject}
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </>
    ),
  };
}

/** A case's page; in company mode with the organisation it is read for. */
export const casePath = (id: string, asOrganisation?: string | null) =>
  `/my-pages/cases/${encodeURIComponent(id)}${asOrganisation ? `?as=${encodeURIComponent(asOrganisation)}` : ''}`;

/**
 * Company mode's switch ("Agera för företag"): the organisations Mina ombud says the resident may
 * act for, each a link (works without script), and back to themselves.
 */
function CompanySwitch({
  lang,
  name,
  company,
}: {
  lang: Lang;
  name: string;
  company: { organisations: Organisation[]; actingFor: Organisation | null };
}) {
  const current = company.actingFor?.organisationsnummer;
  return (
    <nav aria-labelledby="company-mode" className="panel company-switch">
      <h2 id="company-mode">{t(lang, 'actForCompany')}</h2>
      <ul className="plain">
        <li>
          {current ? (
            <a href="/my-pages">{`${t(lang, 'actForMyself')} (${name})`}</a>
          ) : (
            <span aria-current="page">{`${t(lang, 'actForMyself')} (${name})`}</span>
          )}
        </li>
        {company.organisations.map((o) => {
          const label = `${o.name} (${o.organisationsnummer}), ${o.municipality.names[lang]}`;
          return (
            <li key={`${o.organisationsnummer}-${o.municipality.slug}`}>
              {o.organisationsnummer === current ? (
                <span aria-current="page">{label}</span>
              ) : (
                <a href={`/my-pages?as=${encodeURIComponent(o.organisationsnummer)}`}>{label}</a>
              )}
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

export interface CasePageOptions {
  csrfToken: string;
  /** Company mode: the organisationsnummer the case is read and answered for. */
  asOrganisation?: string | null;
  /** What the municipality asked for, when the case waits for a completion the resident can give here. */
  completionRequest?: { message: Localized; requestedAt: string } | null;
  done?: 'completion' | 'message';
  /** A message that could not be sent, with its problems. */
  reply?: { body: string; problems: ControlProblem[] };
}

/** One case: status, whose turn, decisions with reasons, legal basis, validity and documents, messages, history. */
export function casePage(lang: Lang, c: CaseDetail, options: CasePageOptions): Page {
  const replyProblems = options.reply?.problems ?? [];
  return {
    title: `${replyProblems.length > 0 ? `${t(lang, 'errorPrefix')} ` : ''}${c.title[lang]} – ${c.errandNumber}`,
    body: (
      <>
        <p>
          <a href={options.asOrganisation ? `/my-pages?as=${encodeURIComponent(options.asOrganisation)}` : '/my-pages'}>
            {t(lang, 'backToMyPages')}
          </a>
        </p>
        <h1>{c.title[lang]}</h1>
        {options.done ? (
          <p className="notice" role="status">
            {t(lang, options.done === 'completion' ? 'completionGiven' : 'messageSent')}
          </p>
        ) : null}
        {replyProblems.length > 0 ? <ControlErrorSummary lang={lang} problems={replyProblems} id="reply-errors" /> : null}
        <dl className="facts">
          <dt>{t(lang, 'errandNumber')}</dt>
          <dd>{c.errandNumber}</dd>
          <dt>{t(lang, 'municipality')}</dt>
          <dd>{c.municipality.names[lang]}</dd>
          <dt>{t(lang, 'status')}</dt>
          <dd>{c.status.label[lang]}</dd>
          <dt>{t(lang, 'whoseTurn')}</dt>
          <dd className={`turn-${c.whoseTurn}`}>{t(lang, TURN[c.whoseTurn])}</dd>
          <dt>{t(lang, 'submittedAt')}</dt>
          <dd>{dateTime(lang, c.createdAt)}</dd>
        </dl>
        {options.completionRequest && c.status.status === 'COMPLETION_NEEDED' ? (
          <section aria-labelledby="completion" className="panel">
            <h2 id="completion">{t(lang, 'completionNeeded')}</h2>
            <p className="hint">{dateTime(lang, options.completionRequest.requestedAt)}</p>
            <p id="completion-message">{options.completionRequest.message[lang]}</p>
            <p>
              <a className="button" href={`${casePath(c.id)}/completion`}>
                {t(lang, 'giveCompletion')}
              </a>
            </p>
          </section>
        ) : null}
        {c.decisions.length > 0 ? (
          <section aria-labelledby="decisions">
            <h2 id="decisions">{t(lang, 'decisions')}</h2>
            {c.decisions.map((d) => (
              <article key={d.id} className="card">
                <h3>
                  {outcomeText(lang, d.outcome)} · {dateOnly(lang, d.decidedAt)}
                </h3>
                {d.automated ? <p className="hint">{t(lang, 'automated')}</p> : null}
                <ul>
                  {d.reasons.map((reason, i) => (
                    <li key={i}>{reason.text[lang]}</li>
                  ))}
                </ul>
                <dl className="facts">
                  {d.legalBasis ? (
                    <>
                      <dt>{t(lang, 'legalBasis')}</dt>
                      <dd>
                        SFS {d.legalBasis.sfs}
                        {d.legalBasis.chapter ? ` ${d.legalBasis.chapter} ${lang === 'sv' ? 'kap.' : 'ch.'}` : ''}
                        {d.legalBasis.section ? ` ${d.legalBasis.section} §` : ''}
                      </dd>
                    </>
                  ) : null}
                  {d.validFrom || d.validTo ? (
                    <>
                      <dt>{t(lang, 'validity')}</dt>
                      <dd>
                        {d.validFrom ?? '…'} – {d.validTo ?? '…'}
                      </dd>
                    </>
                  ) : null}
                </dl>
                {d.documents.length > 0 ? (
                  <>
                    <h4>{t(lang, 'documents')}</h4>
                    <ul>
                      {d.documents.map((doc, i) => (
                        <li key={i}>{doc.url ? <a href={doc.url}>{doc.name}</a> : doc.name}</li>
                      ))}
                    </ul>
                  </>
                ) : null}
                {d.appealInstructions ? (
                  <>
                    <h4>{t(lang, 'appeal')}</h4>
                    <p>{d.appealInstructions[lang]}</p>
                  </>
                ) : null}
              </article>
            ))}
          </section>
        ) : null}
        <section aria-labelledby="messages">
          <h2 id="messages">{t(lang, 'messages')}</h2>
          {c.messages.length > 0 ? (
            <ul className="plain">
              {c.messages.map((m) => (
                <li key={m.id} className="card">
                  <p className="hint">
                    {t(lang, m.author === 'CITIZEN' ? 'fromYou' : 'fromMunicipality')} · {dateTime(lang, m.sentAt)}
                  </p>
                  <p>{m.body}</p>
                </li>
              ))}
            </ul>
          ) : (
            <p>{t(lang, 'noMessages')}</p>
          )}
          {c.status.status !== 'CLOSED' ? (
            <form method="post" action={`${casePath(c.id)}/messages`} className="e-form" noValidate>
              <input type="hidden" name="csrf" value={options.csrfToken} />
              {options.asOrganisation ? <input type="hidden" name="as" value={options.asOrganisation} /> : null}
              <div className="field">
                <label htmlFor="reply">{t(lang, 'writeMessage')}</label>
                <FieldMessage problems={replyProblems} control="reply" />
                <textarea
                  id="reply"
                  name="body"
                  rows={4}
                  defaultValue={options.reply?.body ?? ''}
                  {...invalidProps(replyProblems, 'reply')}
                />
              </div>
              <button type="submit">{t(lang, 'sendMessage')}</button>
            </form>
          ) : null}
        </section>
        <section aria-labelledby="history">
          <h2 id="history">{t(lang, 'history')}</h2>
          <ol>
            {c.timeline.map((entry) => (
              <li key={entry.id}>
                {dateTime(lang, entry.occurredAt)}: {entry.statusLabel?.[lang] ?? entry.kind}
              </li>
            ))}
          </ol>
        </section>
      </>
    ),
  };
}

export interface CompletionState {
  answers: Record<string, unknown>;
  problems: FieldProblem[];
  files: Record<string, { id: string; fileName: string }>;
}

/** The completion: what the municipality asked for, and the errand's answers to correct and complete, files too. */
export function completionPage(
  lang: Lang,
  c: CaseDetail,
  submission: MySubmission,
  definition: FormDefinition,
  state: CompletionState,
  hiddenInputs: Record<string, string>,
  script: string,
): Page {
  return {
    title: `${state.problems.length > 0 ? `${t(lang, 'errorPrefix')} ` : ''}${t(lang, 'giveCompletion')} – ${c.errandNumber}`,
    script,
    body: (
      <>
        <p>
          <a href={casePath(c.id)}>{t(lang, 'backToCase')}</a>
        </p>
        <h1>
          {t(lang, 'giveCompletion')}: {c.title[lang]}
        </h1>
        {state.problems.length > 0 ? <ErrorSummary lang={lang} definition={definition} problems={state.problems} /> : null}
        {submission.completionRequest ? (
          <div className="panel">
            <h2>{t(lang, 'municipalityAsks')}</h2>
            <p>{submission.completionRequest.message[lang]}</p>
          </div>
        ) : null}
        <p className="lead">{t(lang, 'completionLead')}</p>
        <script type="application/json" id="form-shape" dangerouslySetInnerHTML={{ __html: shapeJson(definition) }} />
        <FormView
          definition={definition}
          lang={lang}
          action={`${casePath(c.id)}/completion`}
          answers={state.answers}
          problems={state.problems}
          hiddenInputs={hiddenInputs}
          files={state.files}
          submitText={t(lang, 'sendCompletion')}
        />
      </>
    ),
  };
}
