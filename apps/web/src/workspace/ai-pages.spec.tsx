import { parse } from 'node-html-parser';
import { renderToStaticMarkup } from 'react-dom/server';
import { aiDraftPage, aiErrandPage, sentencesWithReferences } from './ai-pages';
import type { AiDraftView, AiErrand } from './ai-queries';
import { recordingProblem } from './ai-routes';
import { staffCasePage } from './pages';

const errand: AiErrand = {
  formSubmission: {
    id: '6f1c2f0e-2b7a-4c61-9a57-1f1f3e0d9a10',
    errandNumber: 'PTS-2026-000042',
    title: { sv: 'Parkeringstillstånd', en: 'Parking permit' },
  },
  staffCaseOfSubmission: { id: '0b7b8f7e-3c1d-4b5e-8f00-2a2a2a2a2a2a' },
  formSubmissionApplicant: { name: 'Anna Andersson' },
};

const draft: AiDraftView = {
  id: 'd0d0d0d0-1111-4222-8333-444444444444',
  kind: 'CASE_SUMMARY',
  caseId: errand.staffCaseOfSubmission!.id,
  unit: 'socialtjanst',
  dataClass: 'sekretess',
  model: { name: 'sundsvall-llm', hostingCountry: 'SE', processor: 'Sundsvalls kommun, egen drift' },
  template: 'case-summary@1',
  aiGenerated: true,
  disclosure: 'AI-genererat utkast: granska och godkänn innan det blir en del av ärendet.',
  aiText: 'Anna Andersson söker parkeringstillstånd (Rubrik). Hon kan gå 50 meter (Tidslinje 1; Meddelande 2). Beslut saknas.',
  placeholderWarnings: [],
  status: 'DRAFT',
  finalText: null,
  reviewedBy: null,
  reviewedAt: null,
  editDistance: null,
  audioSeconds: null,
  failure: null,
  createdAt: '2026-12-07T10:00:00.000Z',
};

const html = (page: { body: unknown }) => parse(renderToStaticMarkup(<>{page.body}</>));

describe('the AI pages of the case-worker workspace', () => {
  it("splits a draft into sentences with the case's lines each rests on, flagging one without", () => {
    expect(sentencesWithReferences(draft.aiText)).toEqual([
      { text: 'Anna Andersson söker parkeringstillstånd.', references: ['Rubrik'] },
      { text: 'Hon kan gå 50 meter.', references: ['Tidslinje 1', 'Meddelande 2'] },
      { text: 'Beslut saknas.', references: [] },
    ]);
    // A call note: headings are not sentences, times in the recording are references.
    expect(sentencesWithReferences('### 0:00\nSökande ringde (0:05). Vi bokar ett möte (1:10).')).toEqual([
      { text: 'Sökande ringde.', references: ['0:05'] },
      { text: 'Vi bokar ett möte.', references: ['1:10'] },
    ]);
  });

  it('shows a draft as AI-generated with its model and hosting, the references per sentence, and the review form', () => {
    const page = html(aiDraftPage('sv', errand, draft, { csrfToken: 'token' }));
    expect(page.querySelector('#ai-disclosure')!.text).toMatch(/AI-genererat utkast/);
    expect(page.querySelector('#ai-text h2')!.text).toBe('AI-genererad text');
    expect(page.querySelectorAll('dd').map((dd) => dd.text)).toEqual(
      expect.arrayContaining(['sundsvall-llm', 'SE', 'sekretess', 'case-summary@1']),
    );
    const rows = page.querySelectorAll('#ai-sentences tbody tr').map((tr) => tr.querySelectorAll('td').map((td) => td.text));
    expect(rows).toEqual([
      ['Anna Andersson söker parkeringstillstånd.', 'Rubrik'],
      ['Hon kan gå 50 meter.', 'Tidslinje 1, Meddelande 2'],
      ['Beslut saknas.', 'Ingen hänvisning – kontrollera mot ärendet'],
    ]);
    expect(page.querySelector('#placeholder-warnings')).toBeNull();
    const form = page.querySelector('form')!;
    expect(form.getAttribute('action')).toBe(`/workspace/submissions/${errand.formSubmission.id}/ai/drafts/${draft.id}/review`);
    expect(page.querySelector('#review-text')!.text).toBe(draft.aiText);
    expect(page.querySelectorAll('button[name=decision]').map((b) => b.getAttribute('value'))).toEqual(['approve', 'reject']);
  });

  it('flags mangled placeholders for the reviewer', () => {
    const page = html(
      aiDraftPage(
        'en',
        errand,
        { ...draft, placeholderWarnings: ['placeholder written as [person 1] instead of [PERSON_1]'] },
        { csrfToken: 't' },
      ),
    );
    const warning = page.querySelector('#placeholder-warnings')!;
    expect(warning.getAttribute('role')).toBe('alert');
    expect(warning.text).toContain('placeholder written as [person 1] instead of [PERSON_1]');
  });

  it('shows an approved draft with its reviewer, edit distance and approved text, and no review form', () => {
    const page = html(
      aiDraftPage(
        'sv',
        errand,
        {
          ...draft,
          status: 'APPROVED',
          finalText: 'Min text.',
          reviewedBy: 'anna-handlaggare',
          reviewedAt: '2026-12-07T11:00:00.000Z',
          editDistance: 7,
        },
        { csrfToken: 't', done: 'approved' },
      ),
    );
    expect(page.querySelector('#ai-review-done')!.text).toBe('Utkastet är godkänt och en del av ärendet.');
    expect(page.querySelector('#ai-reviewed-by')!.text).toBe('anna-handlaggare');
    expect(page.querySelector('#ai-edit-distance')!.text).toBe('7');
    expect(page.querySelector('#ai-final-text')!.text).toBe('Min text.');
    expect(page.querySelector('#review-text')).toBeNull();
  });

  it('says a long recording is still being transcribed, or why it failed, with no text and no review form', () => {
    const pending = html(aiDraftPage('sv', errand, { ...draft, kind: 'CALL_NOTE', status: 'PENDING', aiText: '' }, { csrfToken: 't' }));
    expect(pending.querySelector('#ai-pending')!.text).toMatch(/transkriberas i bakgrunden/);
    expect(pending.querySelector('#ai-status')!.text).toBe('Transkriberas');
    expect(pending.querySelector('#ai-text')).toBeNull();
    expect(pending.querySelector('#review-text')).toBeNull();
    const failed = html(
      aiDraftPage(
        'en',
        errand,
        { ...draft, kind: 'CALL_NOTE', status: 'FAILED', aiText: '', failure: 'The model host timed out' },
        { csrfToken: 't' },
      ),
    );
    expect(failed.querySelector('#ai-failed')!.text).toContain('The model host timed out');
    expect(failed.querySelector('#review-text')).toBeNull();
  });

  it("lists the errand's drafts and offers a summary and a call upload with the size cap, or says there is no case yet", () => {
    const page = html(aiErrandPage('sv', errand, [draft], { csrfToken: 't', maxRecordingBytes: 760 * 1024 }));
    expect(page.querySelector('#ai-summarise')!.text).toBe('Sammanfatta med AI');
    const upload = page.querySelector('form[enctype="multipart/form-data"]')!;
    expect(upload.getAttribute('action')).toBe(`/workspace/submissions/${errand.formSubmission.id}/ai/call`);
    expect(page.querySelector('#recording')!.getAttribute('accept')).toContain('.webm');
    expect(page.querySelector('#recording-hint')!.text).toContain('760 kB');
    const large = html(aiErrandPage('sv', errand, [draft], { csrfToken: 't', maxRecordingBytes: 50 * 1024 * 1024 }));
    expect(large.querySelector('#recording-hint')!.text).toContain('50 MB');
    expect(page.querySelector('#ai-drafts a')!.getAttribute('href')).toBe(
      `/workspace/submissions/${errand.formSubmission.id}/ai/drafts/${draft.id}`,
    );
    const without = html(aiErrandPage('sv', { ...errand, staffCaseOfSubmission: null }, [], { csrfToken: 't', maxRecordingBytes: 1 }));
    expect(without.querySelector('#ai-summarise')).toBeNull();
    expect(without.querySelector('#no-ai-drafts')).not.toBeNull();
  });

  it('refuses a missing, empty, too large or non-audio file before the api sees it', () => {
    const file = (fileName: string, data = Buffer.from('RIFF'), tooLarge = false) => ({ fileName, data, tooLarge });
    expect(recordingProblem('sv', undefined)).toBe('Välj en fil');
    expect(recordingProblem('sv', file('samtal.wav', Buffer.alloc(0)))).toBe('Inspelningen är tom');
    expect(recordingProblem('en', file('samtal.mp3', Buffer.alloc(1), true))).toBe('The recording is larger than 50 MB');
    expect(recordingProblem('sv', file('anteckning.pdf'))).toMatch(/ingen inspelning/);
    for (const name of ['a.wav', 'b.MP3', 'c.m4a', 'd.ogg', 'e.webm']) expect(recordingProblem('sv', file(name))).toBeUndefined();
  });

  it("puts 'Summarise with AI' on the case page once the errand has its Mina sidor case", () => {
    const submission = {
      id: errand.formSubmission.id,
      errandNumber: 'PTS-2026-000042',
      formSlug: 'parkeringstillstand',
      formVersion: '1.0',
      title: errand.formSubmission.title,
      status: 'manual_handling' as const,
      submittedAt: '2026-12-07T09:00:00.000Z',
      unit: 'socialtjanst',
      answers: [],
      attachments: [],
      completionRequest: null,
      decision: null,
    };
    const withCase = html(
      staffCasePage('sv', submission, { csrfToken: 't', errandCase: { id: errand.staffCaseOfSubmission!.id, messages: [] } }),
    );
    expect(withCase.querySelector('#ai-summarise')!.closest('form')!.getAttribute('action')).toBe(
      `/workspace/submissions/${submission.id}/ai/summary`,
    );
    expect(html(staffCasePage('sv', submission, { csrfToken: 't' })).querySelector('#ai-summarise')).toBeNull();
  });
});
