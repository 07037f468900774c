import { dateTime, Lang } from '../i18n';
import { ControlErrorSummary, ControlProblem, FieldMessage, invalidProps } from '../pages/error-summary';
import type { Page } from '../pages/layout';
import type { AiDraftView, AiErrand } from './ai-queries';

// The AI pages of the case-worker workspace: a draft summary of an errand, a call recording made
// into a draft journal note, and the review that makes either part of the case. The texts are the
// pages' own (the web's shared texts stay untouched by this feature).
const TEXTS = {
  aiSupport: { sv: 'AI-stöd', en: 'AI support' },
  aiSupportLead: {
    sv: 'En AI-modell som kommunen godkänt för ärendets uppgifter skriver ett utkast. Inget blir en del av ärendet förrän du har granskat och godkänt det.',
    en: "A model the municipality has cleared for the case's data writes a draft. Nothing becomes part of the case until you have reviewed and approved it.",
  },
  summarise: { sv: 'Sammanfatta med AI', en: 'Summarise with AI' },
  documentCall: { sv: 'Dokumentera ett samtal', en: 'Document a call' },
  aiDrafts: { sv: 'AI-utkast', en: 'AI drafts' },
  noDrafts: { sv: 'Ärendet har inga AI-utkast ännu.', en: 'The case has no AI drafts yet.' },
  noErrandCase: {
    sv: 'Ärendet har ännu inget ärende i Mina sidor; AI-stödet arbetar på det.',
    en: 'The errand has no Mina sidor case yet; the AI support works on it.',
  },
  backToCase: { sv: 'Tillbaka till ärendet', en: 'Back to the case' },
  backToDrafts: { sv: 'Tillbaka till AI-utkasten', en: 'Back to the AI drafts' },
  recording: { sv: 'Inspelning av samtalet', en: 'Recording of the call' },
  recordingHint: {
    sv: 'WAV, MP3, Ogg (Opus) eller WebM (Opus, som webbläsare spelar in), högst {size}; M4A kan inte transkriberas ännu. Inspelningen raderas när anteckningen har godkänts eller avvisats.',
    en: 'WAV, MP3, Ogg (Opus) or WebM (Opus, as browsers record), at most {size}; M4A cannot be transcribed yet. The recording is deleted once the note is approved or rejected.',
  },
  transcribe: { sv: 'Transkribera till utkast', en: 'Transcribe into a draft' },
  kind_CASE_SUMMARY: { sv: 'Sammanfattning av ärendet', en: 'Case summary' },
  kind_CALL_NOTE: { sv: 'Journalanteckning från samtal', en: 'Journal note from a call' },
  status_PENDING: { sv: 'Transkriberas', en: 'Being transcribed' },
  status_DRAFT: { sv: 'Utkast, väntar på granskning', en: 'Draft, waiting for review' },
  status_FAILED: { sv: 'Misslyckades', en: 'Failed' },
  pending: {
    sv: 'Inspelningen är lång och transkriberas i bakgrunden. Ladda om sidan om en stund; utkastet visas här när det är klart.',
    en: 'The recording is long and is being transcribed in the background. Reload the page in a while; the draft shows here when it is ready.',
  },
  failed: {
    sv: 'Modellerna kunde inte skriva utkastet, inte heller efter nya försök. Ingen text sparades och inspelningen är raderad. Ladda upp inspelningen igen.',
    en: 'The models could not write the draft, not even after retrying. No text was kept and the recording is deleted. Upload the recording again.',
  },
  status_APPROVED: { sv: 'Godkänd', en: 'Approved' },
  status_REJECTED: { sv: 'Avvisad', en: 'Rejected' },
  aiGenerated: { sv: 'AI-genererad text', en: 'AI-generated text' },
  model: { sv: 'Modell', en: 'Model' },
  hosting: { sv: 'Körs i', en: 'Runs in' },
  processor: { sv: 'Personuppgiftsbiträde', en: 'Processor' },
  dataClass: { sv: 'Informationsklass', en: 'Data class' },
  template: { sv: 'Promptmall', en: 'Prompt template' },
  created: { sv: 'Skapat', en: 'Created' },
  audio: { sv: 'Inspelningens längd', en: 'Length of the recording' },
  seconds: { sv: 'sekunder', en: 'seconds' },
  placeholderWarnings: {
    sv: 'Modellen har ändrat eller hittat på platshållare för dolda uppgifter. Kontrollera namn och nummer i texten noga:',
    en: 'The model changed or invented placeholders for hidden data. Check the names and numbers in the text with care:',
  },
  references: { sv: 'Vad varje mening vilar på', en: 'What each sentence rests on' },
  sentence: { sv: 'Mening', en: 'Sentence' },
  restsOn: { sv: 'Hänvisning', en: 'Reference' },
  noReference: { sv: 'Ingen hänvisning – kontrollera mot ärendet', en: 'No reference – check against the case' },
  reviewText: { sv: 'Text att godkänna', en: 'Text to approve' },
  reviewHint: {
    sv: 'Ändra texten om något är fel eller saknas. Det du godkänner blir en del av ärendet, med dig som granskare.',
    en: 'Change the text if something is wrong or missing. What you approve becomes part of the case, with you as reviewer.',
  },
  approve: { sv: 'Godkänn', en: 'Approve' },
  reject: { sv: 'Avvisa', en: 'Reject' },
  approvedText: { sv: 'Godkänd text', en: 'Approved text' },
  reviewedBy: { sv: 'Granskad av', en: 'Reviewed by' },
  reviewedAt: { sv: 'Granskad', en: 'Reviewed' },
  editDistance: { sv: 'Ändrade ord', en: 'Words changed' },
  done_approved: { sv: 'Utkastet är godkänt och en del av ärendet.', en: 'The draft is approved and part of the case.' },
  done_rejected: {
    sv: 'Utkastet är avvisat och blir inte en del av ärendet.',
    en: 'The draft is rejected and does not become part of the case.',
  },
  audioDeleted: { sv: 'Inspelningen är raderad.', en: 'The recording is deleted.' },
  required: { sv: 'Välj en fil', en: 'Choose a file' },
  errorPrefix: { sv: 'Fel:', en: 'Error:' },
} satisfies Record<string, Record<Lang, string>>;

type TextKey = keyof typeof TEXTS;
const text = (lang: Lang, key: TextKey) => TEXTS[key][lang];

/** The label of a control on the AI pages, for a problem's link in the error summary. */
export const aiControlLabel = (lang: Lang, control: 'recording' | 'ai-summarise' | 'review-text' | 'ai-approve'): string =>
  text(
    lang,
    control === 'recording' ? 'recording' : control === 'ai-summarise' ? 'summarise' : control === 'review-text' ? 'reviewText' : 'approve',
  );

export const aiPath = (submissionId: string) => `/workspace/submissions/${encodeURIComponent(submissionId)}/ai`;
export const aiDraftPath = (submissionId: string, draftId: string) => `${aiPath(submissionId)}/drafts/${encodeURIComponent(draftId)}`;

/** A sentence of a draft and the references in parentheses it ends with (the templates ask for them). */
export interface ReferencedSentence {
  text: string;
  references: string[];
}

/**
 * The draft's sentences, each with what it says it rests on: the labels of the case's lines, e.g.
 * "(Tidslinje 2)", or the time in the recording, "(0:42)". A heading line (### 0:00) is not a
 * sentence. A sentence without a reference is shown as such, for the reviewer to check.
 */
export function sentencesWithReferences(draft: string): ReferencedSentence[] {
  const sentences = draft
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join(' ')
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return sentences.map((sentence) => {
    const references: string[] = [];
    let rest = sentence;
    // References at the sentence's end, before or after its full stop: "… (Beslut 1)." or "… (Beslut 1; Tidslinje 2)".
    for (;;) {
      const match = /\s*\(([^()]{1,80})\)([.!?]?)\s*$/.exec(rest);
      if (!match) break;
      references.unshift(...match[1].split(/\s*[;,]\s*/).filter(Boolean));
      rest = `${rest.slice(0, match.index)}${match[2]}`;
    }
    return { text: rest.trim(), references };
  });
}

/** A file size as people read it: whole kB below a megabyte, whole MB from there. */
export const sizeText = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${Math.floor(bytes / (1024 * 1024))} MB` : `${Math.floor(bytes / 1024)} kB`;

/** The AI part of the case page: summarise at once, or go to the errand's AI page to document a call. */
export function AiCaseSection({ lang, submissionId, csrfToken }: { lang: Lang; submissionId: string; csrfToken: string }) {
  return (
    <section aria-labelledby="ai-support">
      <h2 id="ai-support">{text(lang, 'aiSupport')}</h2>
      <p className="hint">{text(lang, 'aiSupportLead')}</p>
      <form method="post" action={`${aiPath(submissionId)}/summary`} className="e-form">
        <input type="hidden" name="csrf" value={csrfToken} />
        <button type="submit" id="ai-summarise">
          {text(lang, 'summarise')}
        </button>
      </form>
      <p>
        <a href={aiPath(submissionId)} id="ai-drafts-link">
          {text(lang, 'documentCall')} · {text(lang, 'aiDrafts')}
        </a>
      </p>
    </section>
  );
}

export interface AiErrandPageOptions {
  csrfToken: string;
  maxRecordingBytes: number;
  /** A refusal of the last post (no model cleared, a recording that is not audio …), shown at its control. */
  problems?: ControlProblem[];
}

/** The errand's AI page: summarise it, upload a call's recording, and the drafts so far, newest first. */
export function aiErrandPage(lang: Lang, errand: AiErrand, drafts: AiDraftView[], options: AiErrandPageOptions): Page {
  const s = errand.formSubmission;
  const problems = options.problems ?? [];
  return {
    title: `${problems.length > 0 ? `${text(lang, 'errorPrefix')} ` : ''}${text(lang, 'aiSupport')} – ${s.errandNumber}`,
    body: (
      <>
        <p>
          <a href={`/workspace/submissions/${encodeURIComponent(s.id)}`}>{text(lang, 'backToCase')}</a>
        </p>
        <h1>
          {text(lang, 'aiSupport')}: {s.title[lang]}, {s.errandNumber}
        </h1>
        <p className="lead">{text(lang, 'aiSupportLead')}</p>
        {problems.length > 0 ? <ControlErrorSummary lang={lang} problems={problems} id="ai-errors" /> : null}
        {errand.staffCaseOfSubmission ? (
          <>
            <form method="post" action={`${aiPath(s.id)}/summary`} className="e-form">
              <input type="hidden" name="csrf" value={options.csrfToken} />
              <FieldMessage problems={problems} control="ai-summarise" />
              <button type="submit" id="ai-summarise">
                {text(lang, 'summarise')}
              </button>
            </form>
            <section aria-labelledby="document-call">
              <h2 id="document-call">{text(lang, 'documentCall')}</h2>
              <form method="post" action={`${aiPath(s.id)}/call`} encType="multipart/form-data" className="e-form" noValidate>
                <input type="hidden" name="csrf" value={options.csrfToken} />
                <div className="field">
                  <label htmlFor="recording">{text(lang, 'recording')}</label>
                  <p className="hint" id="recording-hint">
                    {text(lang, 'recordingHint').replace('{size}', sizeText(options.maxRecordingBytes))}
                  </p>
                  <FieldMessage problems={problems} control="recording" />
                  <input
                    type="file"
                    id="recording"
                    name="recording"
                    accept=".wav,.mp3,.m4a,.ogg,.opus,.webm,audio/*"
                    {...invalidProps(problems, 'recording', 'recording-hint')}
                  />
                </div>
                <button type="submit">{text(lang, 'transcribe')}</button>
              </form>
            </section>
          </>
        ) : (
          <p role="status">{text(lang, 'noErrandCase')}</p>
        )}
        <h2>{text(lang, 'aiDrafts')}</h2>
        {drafts.length === 0 ? (
          <p id="no-ai-drafts">{text(lang, 'noDrafts')}</p>
        ) : (
          <ul className="plain" id="ai-drafts">
            {drafts.map((d) => (
              <li key={d.id} className="card">
                <a href={aiDraftPath(s.id, d.id)}>{text(lang, `kind_${d.kind}`)}</a>{' '}
                <span className="hint">
                  · {text(lang, `status_${d.status}`)} · {dateTime(lang, d.createdAt)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </>
    ),
  };
}

export interface AiDraftPageOptions {
  csrfToken: string;
  done?: 'approved' | 'rejected';
  problems?: ControlProblem[];
  /** The reviewer's text as posted, to show again with its problem. */
  postedText?: string;
}

/**
 * One draft: the text marked as AI-generated with the model and where it runs, the placeholders the
 * model mangled, what each sentence rests on, and (while a draft) the review: edit, approve, reject.
 */
export function aiDraftPage(lang: Lang, errand: AiErrand, draft: AiDraftView, options: AiDraftPageOptions): Page {
  const s = errand.formSubmission;
  const problems = options.problems ?? [];
  const sentences = sentencesWithReferences(draft.aiText);
  return {
    title: `${problems.length > 0 ? `${text(lang, 'errorPrefix')} ` : ''}${text(lang, `kind_${draft.kind}`)} – ${s.errandNumber}`,
    body: (
      <>
        <p>
          <a href={aiPath(s.id)}>{text(lang, 'backToDrafts')}</a>
        </p>
        <h1>
          {text(lang, `kind_${draft.kind}`)}, {s.errandNumber}
        </h1>
        {options.done ? (
          <p className="notice" role="status" id="ai-review-done">
            {text(lang, `done_${options.done}`)}
            {draft.kind === 'CALL_NOTE' ? ` ${text(lang, 'audioDeleted')}` : ''}
          </p>
        ) : null}
        {problems.length > 0 ? <ControlErrorSummary lang={lang} problems={problems} id="ai-errors" /> : null}
        <dl className="facts">
          <dt>Status</dt>
          <dd id="ai-status">{text(lang, `status_${draft.status}`)}</dd>
          <dt>{text(lang, 'model')}</dt>
          <dd>{draft.model.name}</dd>
          <dt>{text(lang, 'hosting')}</dt>
          <dd>{draft.model.hostingCountry}</dd>
          <dt>{text(lang, 'processor')}</dt>
          <dd>{draft.model.processor}</dd>
          <dt>{text(lang, 'dataClass')}</dt>
          <dd>{draft.dataClass}</dd>
          <dt>{text(lang, 'template')}</dt>
          <dd>{draft.template}</dd>
          <dt>{text(lang, 'created')}</dt>
          <dd>{dateTime(lang, draft.createdAt)}</dd>
          {draft.audioSeconds !== null ? (
            <>
              <dt>{text(lang, 'audio')}</dt>
              <dd>
                {Math.round(draft.audioSeconds)} {text(lang, 'seconds')}
              </dd>
            </>
          ) : null}
        </dl>
        {draft.status === 'PENDING' ? (
          <p className="notice" role="status" id="ai-pending">
            {text(lang, 'pending')}
          </p>
        ) : null}
        {draft.status === 'FAILED' ? (
          <div className="notice warning" role="alert" id="ai-failed">
            <p>{text(lang, 'failed')}</p>
            {draft.failure ? <p className="hint">{draft.failure}</p> : null}
          </div>
        ) : null}
        {draft.status === 'PENDING' || draft.status === 'FAILED' ? null : (
          <section aria-labelledby="ai-text-heading" className="ai-generated" id="ai-text">
            <h2 id="ai-text-heading">{text(lang, 'aiGenerated')}</h2>
            <p className="notice" id="ai-disclosure">
              {draft.disclosure}
            </p>
            {draft.placeholderWarnings.length > 0 ? (
              <div className="notice warning" id="placeholder-warnings" role="alert">
                <p>{text(lang, 'placeholderWarnings')}</p>
                <ul>
                  {draft.placeholderWarnings.map((w, i) => (
                    <li key={i}>{w}</li>
                  ))}
                </ul>
              </div>
            ) : null}
            <div className="table-wrap" role="region" aria-labelledby="ai-references-caption" tabIndex={0}>
              <table id="ai-sentences">
                <caption id="ai-references-caption">{text(lang, 'references')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{text(lang, 'sentence')}</th>
                    <th scope="col">{text(lang, 'restsOn')}</th>
                  </tr>
                </thead>
                <tbody>
                  {sentences.map((sentence, i) => (
                    <tr key={i}>
                      <td>{sentence.text}</td>
                      <td>
                        {sentence.references.length > 0 ? (
                          sentence.references.join(', ')
                        ) : (
                          <span className="field-error">{text(lang, 'noReference')}</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        )}
        {draft.status === 'PENDING' || draft.status === 'FAILED' ? null : draft.status === 'DRAFT' ? (
          <section aria-labelledby="ai-review">
            <h2 id="ai-review">{text(lang, 'reviewText')}</h2>
            <form method="post" action={`${aiDraftPath(s.id, draft.id)}/review`} className="e-form" noValidate>
              <input type="hidden" name="csrf" value={options.csrfToken} />
              <div className="field">
                <label htmlFor="review-text">{text(lang, 'reviewText')}</label>
                <p className="hint" id="review-text-hint">
                  {text(lang, 'reviewHint')}
                </p>
                <FieldMessage problems={problems} control="review-text" />
                <textarea
                  id="review-text"
                  name="text"
                  rows={12}
                  defaultValue={options.postedText ?? draft.aiText}
                  {...invalidProps(problems, 'review-text', 'review-text-hint')}
                />
              </div>
              <button type="submit" name="decision" value="approve" id="ai-approve">
                {text(lang, 'approve')}
              </button>{' '}
              <button type="submit" name="decision" value="reject" id="ai-reject" className="secondary">
                {text(lang, 'reject')}
              </button>
            </form>
          </section>
        ) : (
          <section aria-labelledby="ai-reviewed">
            <h2 id="ai-reviewed">{text(lang, `status_${draft.status}`)}</h2>
            <dl className="facts">
              <dt>{text(lang, 'reviewedBy')}</dt>
              <dd id="ai-reviewed-by">{draft.reviewedBy}</dd>
              {draft.reviewedAt ? (
                <>
                  <dt>{text(lang, 'reviewedAt')}</dt>
                  <dd>{dateTime(lang, draft.reviewedAt)}</dd>
                </>
              ) : null}
              {draft.editDistance !== null ? (
                <>
                  <dt>{text(lang, 'editDistance')}</dt>
                  <dd id="ai-edit-distance">{draft.editDistance}</dd>
                </>
              ) : null}
            </dl>
            {draft.finalText !== null ? (
              <>
                <h3>{text(lang, 'approvedText')}</h3>
                <p id="ai-final-text" className="preserve-lines">
                  {draft.finalText}
                </p>
              </>
            ) : null}
          </section>
        )}
      </>
    ),
  };
}

/** The file problem's message when the web refuses a recording before the api sees it. */
export const recordingRequired = (lang: Lang) => text(lang, 'required');
