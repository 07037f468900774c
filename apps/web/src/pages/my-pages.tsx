import { dateOnly, dateTime, Lang, outcomeText, t, TextKey } from '../i18n';
import type { CaseDetail, CaseSummary } from '../http/queries';
import type { Page } from './layout';

const TURN: Record<CaseSummary['whoseTurn'], TextKey> = { CITIZEN: 'turnCitizen', MUNICIPALITY: 'turnMunicipality', NONE: 'turnNone' };

/** Mina sidor: the resident's cases across every member municipality, newest activity first. */
export function myPagesPage(lang: Lang, name: string, cases: CaseSummary[]): Page {
  return {
    title: t(lang, 'myPages'),
    body: (
      <>
        <h1>{t(lang, 'myPages')}</h1>
        <p className="lead">
          {name}. {t(lang, 'myCasesLead')}
        </p>
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
                      <a href={`/my-pages/cases/${encodeURIComponent(c.id)}`}>{c.title[lang]}</a>
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
      </>
    ),
  };
}

/** One case: status, whose turn, decisions with reasons, legal basis, validity and documents, messages, history. */
export function casePage(lang: Lang, c: CaseDetail): Page {
  return {
    title: `${c.title[lang]} – ${c.errandNumber}`,
    body: (
      <>
        <p>
          <a href="/my-pages">{t(lang, 'backToMyPages')}</a>
        </p>
        <h1>{c.title[lang]}</h1>
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
        {c.messages.length > 0 ? (
          <section aria-labelledby="messages">
            <h2 id="messages">{t(lang, 'messages')}</h2>
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
          </section>
        ) : null}
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
