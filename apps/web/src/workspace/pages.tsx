import { Fragment } from 'react';
import { dateOnly, dateTime, Lang, outcomeText, receiptStatus, t } from '../i18n';
import { ControlErrorSummary, ControlProblem, FieldMessage, invalidProps } from '../pages/error-summary';
import type { Page } from '../pages/layout';
import { AiCaseSection } from './ai-pages';
import { Applicant, ErrandCase, InboxPage, StaffDecision, StaffSubmission, SUBMISSION_STATUSES, SubmissionStatus } from './queries';

export const submissionPath = (id: string) => `/workspace/submissions/${encodeURIComponent(id)}`;

/** The inbox of the case worker's unit: newest first, a status filter, keyset paging. */
export function inboxPage(lang: Lang, unit: string | null, page: InboxPage, status: SubmissionStatus | undefined, paged: boolean): Page {
  const next = new URLSearchParams();
  if (status) next.set('status', status);
  if (page.endCursor) next.set('after', page.endCursor);
  return {
    title: t(lang, 'inbox'),
    body: (
      <>
        <h1>
          {t(lang, 'inbox')}
          {unit ? ` – ${unit}` : ''}
        </h1>
        <p className="lead">{t(lang, 'inboxLead')}</p>
        <form className="search" method="get" action="/workspace">
          <label htmlFor="status">{t(lang, 'filterStatus')}</label>
          <select id="status" name="status" defaultValue={status ?? ''}>
            <option value="">{t(lang, 'allStatuses')}</option>
            {SUBMISSION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {receiptStatus(lang, s)}
              </option>
            ))}
          </select>
          <button type="submit">{t(lang, 'filter')}</button>
        </form>
        {page.nodes.length === 0 ? (
          <p role="status">{t(lang, 'noSubmissions')}</p>
        ) : (
          <div className="table-wrap" role="region" aria-labelledby="inbox-caption" tabIndex={0}>
            <table>
              <caption id="inbox-caption" className="visually-hidden">
                {t(lang, 'inbox')}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t(lang, 'errand')}</th>
                  <th scope="col">{t(lang, 'status')}</th>
                  <th scope="col">{t(lang, 'submittedAt')}</th>
                </tr>
              </thead>
              <tbody>
                {page.nodes.map((s) => (
                  <tr key={s.id}>
                    <td>
                      <a href={submissionPath(s.id)}>{s.errandNumber}</a>
                      <br />
                      <span className="hint">{s.title[lang]}</span>
                    </td>
                    <td>{receiptStatus(lang, s.status)}</td>
                    <td>{dateTime(lang, s.submittedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <nav aria-label={t(lang, 'inbox')} className="pager">
          {paged ? <a href={status ? `/workspace?status=${status}` : '/workspace'}>{t(lang, 'firstPage')}</a> : null}{' '}
          {page.hasNextPage ? <a href={`/workspace?${next.toString()}`}>{t(lang, 'nextPage')}</a> : null}
        </nav>
      </>
    ),
  };
}

/** What a case worker posted in one of the case's forms, to show again beside its problems. */
export interface PostedCaseForm {
  form: 'completion' | 'decision' | 'message';
  values: Record<string, string>;
  problems: ControlProblem[];
}

/** What the case worker just did, said on the page they come back to. */
export type CaseDone = 'completion' | 'decision' | 'message';

export interface CasePageOptions {
  applicant?: Applicant | null;
  /** The errand's Mina sidor case, where the case worker and the resident write to each other. */
  errandCase?: ErrandCase | null;
  done?: CaseDone;
  posted?: PostedCaseForm;
  csrfToken: string;
}

function legalBasisText(lang: Lang, basis: { sfs: string; chapter: string | null; section: string | null }): string {
  return `SFS ${basis.sfs}${basis.chapter ? ` ${basis.chapter} ${lang === 'sv' ? 'kap.' : 'ch.'}` : ''}${basis.section ? ` ${basis.section} §` : ''}`;
}

/** A decision as the case worker and the resident read it: outcome, reasons, legal basis, validity, the document. */
export function DecisionFacts({ lang, decision }: { lang: Lang; decision: StaffDecision }) {
  const basis = decision.legalBasis ?? decision.reasons.find((r) => r.legalBasis)?.legalBasis ?? null;
  return (
    <>
      <dl className="facts">
        <dt>{t(lang, 'outcome')}</dt>
        <dd>
          <strong>{outcomeText(lang, decision.outcome)}</strong>
          {decision.automated ? ` (${t(lang, 'automated').toLocaleLowerCase(lang)})` : ''}
        </dd>
        <dt>{t(lang, 'decidedAt')}</dt>
        <dd>{dateTime(lang, decision.decidedAt)}</dd>
        <dt>{t(lang, 'reason')}</dt>
        <dd>
          {decision.reasons.map((r, i) => (
            <p key={i}>{r.text[lang]}</p>
          ))}
        </dd>
        {basis ? (
          <>
            <dt>{t(lang, 'legalBasis')}</dt>
            <dd>{legalBasisText(lang, basis)}</dd>
          </>
        ) : null}
        {decision.validFrom ? (
          <>
            <dt>{t(lang, 'validity')}</dt>
            <dd>
              {dateOnly(lang, decision.validFrom)} – {decision.validTo ? dateOnly(lang, decision.validTo) : t(lang, 'untilFurtherNotice')}
            </dd>
          </>
        ) : null}
      </dl>
      <p>
        <a href={decision.documentUrl}>{t(lang, 'decisionDocument')}</a>
      </p>
    </>
  );
}

/**
 * Who applied: the name from the population register, the identity number, the registered address;
 * for a protected person a marker in its place (the api never gives their address).
 */
/** One end of a decision's validity: a date field, its problem above it, described by the validity hint. */
function ValidityDate(props: { id: string; name: string; label: string; value: string | undefined; problems: ControlProblem[] }) {
  const { id, name, label, value, problems } = props;
  return (
    <>
      <FieldMessage problems={problems} control={id} />
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} type="date" defaultValue={value ?? ''} {...invalidProps(problems, id, 'validity-hint')} />
    </>
  );
}

function ApplicantFacts({ lang, applicant }: { lang: Lang; applicant: Applicant }) {
  const registerNote =
    applicant.register === 'not_found' ? 'registerNotFound' : applicant.register === 'unavailable' ? 'registerUnavailable' : null;
  return (
    <>
      <dt>{t(lang, 'applicant')}</dt>
      <dd id="applicant">
        {applicant.name ? (
          <>
            <strong>{applicant.name}</strong> <span className="hint">({t(lang, 'fromRegister')})</span>
          </>
        ) : null}
        {registerNote ? <span className="hint">{t(lang, registerNote)}</span> : null}
        {applicant.protectedIdentity ? (
          <p className="notice protected-identity" id="protected-identity">
            {t(lang, 'protectedIdentity')}
          </p>
        ) : null}
        {applicant.address ? (
          <address>
            {applicant.address.map((line, i) => (
              <Fragment key={i}>
                {i > 0 ? <br /> : null}
                {line}
              </Fragment>
            ))}
          </address>
        ) : null}
      </dd>
      <dt>{t(lang, applicant.kind === 'organisation' ? 'organisationsnummer' : 'personnummer')}</dt>
      <dd id="applicant-identity">{applicant.identityNumber}</dd>
    </>
  );
}

/** A text asked in Swedish, and optionally in English (the api keeps both). */
function BilingualText({
  lang,
  id,
  label,
  posted,
  problems,
}: {
  lang: Lang;
  id: string;
  label: string;
  posted: Record<string, string>;
  problems: ControlProblem[];
}) {
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-sv`}>
          {label} <span className="optional">({t(lang, 'inSwedish')})</span>
        </label>
        <FieldMessage problems={problems} control={`${id}-sv`} />
        <textarea
          id={`${id}-sv`}
          name={`${id}Sv`}
          rows={4}
          defaultValue={posted[`${id}Sv`] ?? ''}
          {...invalidProps(problems, `${id}-sv`)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-en`}>
          {label} <span className="optional">({t(lang, 'inEnglish')})</span>
        </label>
        <p className="hint" id={`${id}-en-hint`}>
          {t(lang, 'englishFallback')}
        </p>
        <textarea id={`${id}-en`} name={`${id}En`} rows={3} defaultValue={posted[`${id}En`] ?? ''} aria-describedby={`${id}-en-hint`} />
      </div>
    </>
  );
}

/** One submission of the unit: the applicant, the answers and files, and what the case worker can do with it. */
export function staffCasePage(lang: Lang, s: StaffSubmission, options: CasePageOptions): Page {
  const posted = options.posted;
  const problems = posted?.problems ?? [];
  const values = (form: PostedCaseForm['form']) => (posted?.form === form ? posted.values : {});
  const problemsOf = (form: PostedCaseForm['form']) => (posted?.form === form ? problems : []);
  const open = s.status !== 'decided';
  return {
    title: `${problems.length > 0 ? `${t(lang, 'errorPrefix')} ` : ''}${s.errandNumber} – ${t(lang, 'workspace')}`,
    body: (
      <>
        <p>
          <a href="/workspace">{t(lang, 'backToInbox')}</a>
        </p>
        <h1>
          {s.title[lang]}, {s.errandNumber}
        </h1>
        {options.done ? (
          <p className="notice" role="status">
            {t(lang, options.done === 'completion' ? 'completionSent' : options.done === 'message' ? 'messageSent' : 'decisionMade')}
          </p>
        ) : null}
        {problems.length > 0 ? <ControlErrorSummary lang={lang} problems={problems} id="case-errors" /> : null}
        <dl className="facts">
          <dt>{t(lang, 'errandNumber')}</dt>
          <dd>{s.errandNumber}</dd>
          {options.applicant ? <ApplicantFacts lang={lang} applicant={options.applicant} /> : null}
          <dt>{t(lang, 'status')}</dt>
          <dd id="case-status">{receiptStatus(lang, s.status)}</dd>
          <dt>{t(lang, 'submittedAt')}</dt>
          <dd>{dateTime(lang, s.submittedAt)}</dd>
          <dt>{t(lang, 'unit')}</dt>
          <dd>{s.unit}</dd>
          <dt>{t(lang, 'formVersion')}</dt>
          <dd>{s.formVersion}</dd>
        </dl>
        <h2>{t(lang, 'answers')}</h2>
        <dl className="facts">
          {s.answers.map((answer) => (
            <Fragment key={answer.field}>
              <dt>{answer.label[lang]}</dt>
              <dd>{answer.value[lang]}</dd>
            </Fragment>
          ))}
        </dl>
        <h2>{t(lang, 'attachments')}</h2>
        {s.attachments.length === 0 ? (
          <p>{t(lang, 'noAttachments')}</p>
        ) : (
          <ul id="attachments">
            {s.attachments.map((a) => (
              <li key={a.id}>
                <a href={`${submissionPath(s.id)}/attachments/${encodeURIComponent(a.id)}`} download={a.fileName}>
                  {a.fileName}
                </a>{' '}
                ({Math.max(1, Math.round(a.sizeBytes / 1024))} kB)
              </li>
            ))}
          </ul>
        )}
        {s.completionRequest ? (
          <section aria-labelledby="completion-request">
            <h2 id="completion-request">{t(lang, 'completionRequested')}</h2>
            <p className="hint">{dateTime(lang, s.completionRequest.requestedAt)}</p>
            <p>{s.completionRequest.message[lang]}</p>
          </section>
        ) : null}
        {s.decision ? (
          <section aria-labelledby="decision">
            <h2 id="decision">{t(lang, 'decision')}</h2>
            <DecisionFacts lang={lang} decision={s.decision} />
          </section>
        ) : null}
        {options.errandCase ? (
          <section aria-labelledby="resident-messages">
            <h2 id="resident-messages">{t(lang, 'messagesWithResident')}</h2>
            {options.errandCase.messages.length > 0 ? (
              <ul className="plain">
                {options.errandCase.messages.map((m) => (
                  <li key={m.id} className="card">
                    <p className="hint">
                      {t(lang, m.author === 'CITIZEN' ? 'fromApplicant' : 'fromMunicipality')} · {dateTime(lang, m.sentAt)}
                    </p>
                    <p>{m.body}</p>
                  </li>
                ))}
              </ul>
            ) : (
              <p>{t(lang, 'noMessages')}</p>
            )}
            <form method="post" action={`${submissionPath(s.id)}/message`} className="e-form" noValidate>
              <input type="hidden" name="csrf" value={options.csrfToken} />
              <div className="field">
                <label htmlFor="resident-message">{t(lang, 'writeToResident')}</label>
                <FieldMessage problems={problemsOf('message')} control="resident-message" />
                <textarea
                  id="resident-message"
                  name="body"
                  rows={4}
                  defaultValue={values('message').body ?? ''}
                  {...invalidProps(problemsOf('message'), 'resident-message')}
                />
              </div>
              <button type="submit">{t(lang, 'sendToResident')}</button>
            </form>
          </section>
        ) : null}
        {options.errandCase ? <AiCaseSection lang={lang} submissionId={s.id} csrfToken={options.csrfToken} /> : null}
        {open ? (
          <>
            <section aria-labelledby="request-completion">
              <h2 id="request-completion">{t(lang, 'requestCompletion')}</h2>
              <form method="post" action={`${submissionPath(s.id)}/completion`} className="e-form" noValidate>
                <input type="hidden" name="csrf" value={options.csrfToken} />
                <BilingualText
                  lang={lang}
                  id="message"
                  label={t(lang, 'completionMessage')}
                  posted={values('completion')}
                  problems={problemsOf('completion')}
                />
                <button type="submit">{t(lang, 'requestCompletion')}</button>
              </form>
            </section>
            <section aria-labelledby="decide">
              <h2 id="decide">{t(lang, 'decide')}</h2>
              <form method="post" action={`${submissionPath(s.id)}/decision`} className="e-form" noValidate>
                <input type="hidden" name="csrf" value={options.csrfToken} />
                <fieldset className="field" {...invalidProps(problemsOf('decision'), 'outcome-approve')}>
                  <legend>{t(lang, 'outcome')}</legend>
                  <FieldMessage problems={problemsOf('decision')} control="outcome-approve" />
                  {(['approve', 'reject'] as const).map((outcome) => (
                    <div className="radio" key={outcome}>
                      <label>
                        <input
                          type="radio"
                          id={`outcome-${outcome}`}
                          name="outcome"
                          value={outcome}
                          defaultChecked={values('decision').outcome === outcome}
                        />
                        {outcomeText(lang, outcome)}
                      </label>
                    </div>
                  ))}
                </fieldset>
                <BilingualText
                  lang={lang}
                  id="reason"
                  label={t(lang, 'reason')}
                  posted={values('decision')}
                  problems={problemsOf('decision')}
                />
                <div className="field">
                  <label htmlFor="sfs">
                    {t(lang, 'sfs')} <span className="optional">({t(lang, 'optional')})</span>
                  </label>
                  <p className="hint" id="sfs-hint">
                    {t(lang, 'sfsHint')}
                  </p>
                  <FieldMessage problems={problemsOf('decision')} control="sfs" />
                  <input
                    id="sfs"
                    name="sfs"
                    defaultValue={values('decision').sfs ?? ''}
                    {...invalidProps(problemsOf('decision'), 'sfs', 'sfs-hint')}
                  />
                </div>
                <div className="field">
                  <label htmlFor="chapter">{t(lang, 'chapter')}</label>
                  <input id="chapter" name="chapter" inputMode="numeric" defaultValue={values('decision').chapter ?? ''} />
                </div>
                <div className="field">
                  <label htmlFor="section">{t(lang, 'section')}</label>
                  <input id="section" name="section" defaultValue={values('decision').section ?? ''} />
                </div>
                <fieldset className="field">
                  <legend>{t(lang, 'validity')}</legend>
                  <p className="hint" id="validity-hint">
                    {t(lang, 'validityHint')}
                  </p>
                  <ValidityDate
                    id="valid-from"
                    name="validFrom"
                    label={t(lang, 'validFrom')}
                    value={values('decision').validFrom}
                    problems={problemsOf('decision')}
                  />
                  <ValidityDate
                    id="valid-to"
                    name="validTo"
                    label={t(lang, 'validTo')}
                    value={values('decision').validTo}
                    problems={problemsOf('decision')}
                  />
                </fieldset>
                <button type="submit">{t(lang, 'decide')}</button>
              </form>
            </section>
          </>
        ) : null}
      </>
    ),
  };
}
