import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { AI_SERVICE, encodeWav, ModelSimulator, startModelSimulator } from '@kommuna/ai';
import { testPersonnummer } from '@kommuna/platform-testing';
import { REPO_ROOT, startTestApi, TestApi } from '../testing/test-api';

// The AI platform through the api as `npm start` builds it, against the model simulator: the
// registry by tenant admins, summaries of Mina sidor cases by case workers of the case's unit.
describe('AI platform api', () => {
  let api: TestApi;
  let simulator: ModelSimulator;
  beforeAll(async () => {
    [api, simulator] = await Promise.all([startTestApi(), startModelSimulator()]);
  });
  afterAll(async () => {
    await simulator?.close();
    await api?.close();
  });

  const auth = (token: string, tenant: string) => ({ authorization: `Bearer ${token}`, 'x-kommuna-tenant': tenant });
  const staff = (slug: string, unit: string, roles = ['case_worker'], name = `${slug}-${unit}-1`) =>
    api.realm.token({ sub: name, realm_access: { roles }, organization: [slug], unit });
  const admin = (slug: string) =>
    api.realm.token({ sub: `${slug}-admin`, realm_access: { roles: ['tenant_admin'] }, organization: [slug] });
  const system = (slug: string) =>
    api.realm.token({
      sub: `service-account-${slug}-system`,
      realm_access: { roles: ['service_account'] },
      organization: [slug],
      azp: `${slug}-system`,
    });

  const REGISTER = `mutation($input: AiModelInput!) { registerAiModel(input: $input) { id name clearedFor hostingCountry enabled } }`;
  const SUMMARY = `mutation($caseId: ID!, $names: [String!]) { draftCaseSummary(caseId: $caseId, purpose: "handläggning", knownNames: $names) {
    id status aiGenerated disclosure aiText dataClass model { name hostingCountry } template placeholderWarnings promptTokens } }`;
  const REVIEW = `mutation($id: ID!, $approve: Boolean!, $text: String) { reviewAiDraft(id: $id, approve: $approve, text: $text) { id status finalText reviewedBy editDistance } }`;

  const register = async (slug: string, input: Record<string, unknown>) => {
    const { body } = await api.graphql(REGISTER, auth(admin(slug), slug), {
      input: {
        capability: 'CHAT',
        baseUrl: simulator.url,
        providerModel: 'llama-3.3-70b',
        processor: 'Kommunens egen drift',
        hostingCountry: 'SE',
        ...input,
      },
    });
    expect(body.errors).toBeUndefined();
    return body.data.registerAiModel as { id: string; name: string };
  };

  let sequence = 0;
  const newCase = async (slug: string, unit: string, index: number) => {
    sequence++;
    const input = {
      source: 'procapita',
      externalCaseId: `ai-e2e-${sequence}`,
      errandNumber: `AI-${sequence}`,
      caseType: 'ekonomiskt-bistand',
      title: { sv: `Ansökan om bistånd för ${testPersonnummer(index)}`, en: `Application ${sequence}` },
      unit,
      subject: { personnummer: testPersonnummer(index) },
      statusOccurredAt: '2025-02-01T10:00:00Z',
    };
    const upsert = await api.graphql(
      `mutation($input: CaseUpsertInput!) { upsertCase(input: $input) { caseId } }`,
      auth(system(slug), slug),
      { input },
    );
    expect(upsert.body.errors).toBeUndefined();
    const message = await api.graphql(
      `mutation($input: CaseMessageInput!) { postCaseMessage(input: $input) { caseId } }`,
      auth(system(slug), slug),
      {
        input: {
          source: 'procapita',
          externalCaseId: input.externalCaseId,
          externalMessageId: `m-${sequence}`,
          body: 'Hej Erik Eriksson! Vi har tagit emot din ansökan och behöver ditt kontoutdrag.',
        },
      },
    );
    expect(message.body.errors).toBeUndefined();
    return upsert.body.data.upsertCase.caseId as string;
  };

  it('lets tenant admins (only) keep the registry, each municipality its own', async () => {
    const refused = await api.graphql(REGISTER, auth(staff('timra', 'socialtjanst'), 'timra'), {
      input: {
        name: 'x',
        capability: 'CHAT',
        baseUrl: simulator.url,
        providerModel: 'm',
        processor: 'p',
        hostingCountry: 'SE',
        clearedFor: 'intern',
      },
    });
    expect(refused.body.errors[0].extensions.code).toBe('FORBIDDEN');
    await register('timra', { name: 'timra-intern', clearedFor: 'intern' });
    const own = await api.graphql(`{ aiModels { name clearedFor } aiDataClassifications }`, auth(admin('timra'), 'timra'));
    expect(own.body.data).toEqual({
      aiModels: [{ name: 'timra-intern', clearedFor: 'intern' }],
      aiDataClassifications: ['oppen', 'intern', 'konfidentiell', 'sekretess'],
    });
    const other = await api.graphql(`{ aiModels { name } }`, auth(admin('sundsvall'), 'sundsvall'));
    expect(other.body.data.aiModels).toEqual([]);
    const bad = await api.graphql(REGISTER, auth(admin('timra'), 'timra'), {
      input: {
        name: 'us-model',
        capability: 'CHAT',
        baseUrl: simulator.url,
        providerModel: 'm',
        processor: 'p',
        hostingCountry: 'US',
        clearedFor: 'sekretess',
      },
    });
    expect(bad.body.errors[0].extensions.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a case whose data class no model is cleared for, sends nothing and logs the refusal', async () => {
    const caseId = await newCase('timra', 'socialtjanst', 301);
    const before = simulator.received.length;
    const { body } = await api.graphql(SUMMARY, auth(staff('timra', 'socialtjanst'), 'timra'), { caseId });
    expect(body.errors[0].extensions.code).toBe('AI_MODEL_NOT_CLEARED');
    expect(body.errors[0].message).toMatch(/class sekretess/);
    expect(simulator.received.length).toBe(before);
    const audit = await api.graphql(`{ auditLog(first: 5) { action targetId details } }`, auth(admin('timra'), 'timra'));
    expect(audit.body.data.auditLog.find((e: { action: string }) => e.action === 'ai.request.refused')).toMatchObject({
      targetId: caseId,
      details: { dataClass: 'sekretess', capability: 'chat', reason: 'AI_MODEL_NOT_CLEARED' },
    });
  });

  it('summarises a case of my unit, pseudonymised, as an AI draft that only my approval makes part of the case', async () => {
    await register('timra', { name: 'timra-sekretess', clearedFor: 'sekretess' });
    const caseId = await newCase('timra', 'socialtjanst', 302);
    const worker = auth(staff('timra', 'socialtjanst'), 'timra');
    const before = simulator.received.length;
    const { body } = await api.graphql(SUMMARY, worker, { caseId, names: ['Erik Eriksson', 'Erik'] });
    expect(body.errors).toBeUndefined();
    const draft = body.data.draftCaseSummary;
    expect(draft).toMatchObject({
      status: 'DRAFT',
      aiGenerated: true,
      dataClass: 'sekretess',
      model: { name: 'timra-sekretess', hostingCountry: 'SE' },
      template: 'case-summary@1',
      placeholderWarnings: [],
    });
    expect(draft.disclosure).toMatch(/AI-genererat/);
    // What the model host received: placeholders, never the personnummer or the names.
    const sent = JSON.stringify(simulator.received.slice(before));
    expect(sent).toContain('[PNR_1]');
    expect(sent).toContain('[PERSON_1]');
    expect(sent).not.toContain(testPersonnummer(302));
    expect(sent).not.toContain(testPersonnummer(302).slice(2));
    expect(sent).not.toMatch(/Erik/);
    // Restored in the draft.
    expect(draft.aiText).toContain(testPersonnummer(302));
    expect(draft.aiText).toContain('Erik Eriksson');

    // Another unit of the same municipality, and another municipality, reach neither case nor draft.
    const school = await api.graphql(SUMMARY, auth(staff('timra', 'skola'), 'timra'), { caseId });
    expect(school.body.errors[0].extensions.code).toBe('NOT_FOUND');
    const schoolReview = await api.graphql(REVIEW, auth(staff('timra', 'skola'), 'timra'), { id: draft.id, approve: true });
    expect(schoolReview.body.errors[0].extensions.code).toBe('NOT_FOUND');
    const sundsvall = await api.graphql(REVIEW, auth(staff('sundsvall', 'socialtjanst'), 'sundsvall'), { id: draft.id, approve: true });
    expect(sundsvall.body.errors[0].extensions.code).toBe('NOT_FOUND');

    const APPROVED = `query($caseId: ID!) { aiDrafts(caseId: $caseId, status: APPROVED) { id finalText } }`;
    expect((await api.graphql(APPROVED, worker, { caseId })).body.data.aiDrafts).toEqual([]);
    const reviewer = auth(staff('timra', 'socialtjanst', ['case_worker'], 'timra-socialtjanst-2'), 'timra');
    const approved = await api.graphql(REVIEW, reviewer, { id: draft.id, approve: true, text: `${draft.aiText} Granskad av handläggare.` });
    expect(approved.body.data.reviewAiDraft).toMatchObject({ status: 'APPROVED', reviewedBy: 'timra-socialtjanst-2', editDistance: 3 });
    expect((await api.graphql(APPROVED, worker, { caseId })).body.data.aiDrafts).toEqual([
      { id: draft.id, finalText: `${draft.aiText} Granskad av handläggare.` },
    ]);
    const again = await api.graphql(REVIEW, reviewer, { id: draft.id, approve: false });
    expect(again.body.errors[0].extensions.code).toBe('CONFLICT');

    const audit = await api.graphql(`{ auditLog(first: 20) { action actor targetId details } }`, auth(admin('timra'), 'timra'));
    const entries = audit.body.data.auditLog as Array<{
      action: string;
      actor: string;
      targetId: string;
      details: Record<string, unknown>;
    }>;
    expect(entries.find((e) => e.action === 'ai.case_summary.drafted')).toMatchObject({
      actor: 'staff:timra-socialtjanst-1',
      targetId: draft.id,
      details: {
        caseId,
        purpose: 'handläggning',
        dataClass: 'sekretess',
        model: 'timra-sekretess',
        hostingCountry: 'SE',
        template: 'case-summary@1',
        promptTokens: draft.promptTokens,
      },
    });
    expect(entries.find((e) => e.action === 'ai.draft.approved')).toMatchObject({
      actor: 'staff:timra-socialtjanst-2',
      targetId: draft.id,
      details: { editDistance: 3 },
    });
    expect(JSON.stringify(entries)).not.toContain(testPersonnummer(302));
  });

  describe('call recordings uploaded as files', () => {
    const upload = (caseId: string, headers: Record<string, string>, payload: Buffer | Readable, query = '') =>
      api.app
        .getHttpAdapter()
        .getInstance()
        .inject({ method: 'POST', url: `/ai/cases/${caseId}/call-notes${query}`, headers, payload });
    const recording = readFileSync(path.join(REPO_ROOT, 'libs/ai/src/testing/audio/tone-pause-tone.ogg'));
    let caseId: string;
    beforeAll(async () => {
      await register('ange', {
        name: 'ange-whisper',
        capability: 'TRANSCRIPTION',
        providerModel: 'KBLab/kb-whisper-large',
        clearedFor: 'sekretess',
      });
      await register('ange', { name: 'ange-sekretess', clearedFor: 'sekretess' });
      caseId = await newCase('ange', 'socialtjanst', 303);
    });

    it('takes an Ogg Opus recording as the body and answers the draft note', async () => {
      const before = simulator.received.length;
      const response = await upload(
        caseId,
        { ...auth(staff('ange', 'socialtjanst'), 'ange'), 'content-type': 'audio/ogg' },
        recording,
        '?purpose=samtal&knownName=Erik%20Eriksson',
      );
      expect(response.statusCode).toBe(201);
      const draft = response.json();
      expect(draft).toMatchObject({
        kind: 'call_note',
        status: 'draft',
        aiGenerated: true,
        template: 'call-note@1',
        model: { name: 'ange-sekretess' },
      });
      expect(draft.disclosure).toMatch(/AI-genererat/);
      expect(draft.audioSeconds).toBeGreaterThan(2.9);
      const transcriptions = simulator.received.slice(before).filter((r) => r.path === '/v1/audio/transcriptions');
      expect(transcriptions.map((r) => [r.model, r.language])).toEqual([['KBLab/kb-whisper-large', 'sv']]);
      const audit = await api.graphql(`{ auditLog(first: 5) { action details } }`, auth(admin('ange'), 'ange'));
      expect(audit.body.data.auditLog.find((e: { action: string }) => e.action === 'ai.call_note.drafted')?.details).toMatchObject({
        caseId,
        purpose: 'samtal',
        audioFormat: 'Ogg Opus',
        chunks: 1,
      });
    });

    it('answers a recording over 5 minutes at once with a pending draft, which the worker fills', async () => {
      // 301 s of a tone, 16 kHz mono: over the api's 300 s for transcribing in the request.
      const rate = 16000;
      const samples = Buffer.alloc(301 * rate * 2);
      for (let i = 0; i < 301 * rate; i++) samples.writeInt16LE(Math.round(6000 * Math.sin((2 * Math.PI * 250 * i) / rate)), i * 2);
      const long = encodeWav({ format: 1, channels: 1, sampleRate: rate, bitsPerSample: 16, blockAlign: 2 }, samples);
      const before = simulator.received.length;
      const worker = auth(staff('ange', 'socialtjanst'), 'ange');
      const response = await upload(caseId, { ...worker, 'content-type': 'audio/wav' }, long);
      expect(response.statusCode).toBe(201);
      const pending = response.json();
      expect(pending).toMatchObject({ status: 'pending', aiText: '', kind: 'call_note', audioSeconds: 301 });
      expect(simulator.received.length).toBe(before);
      const DRAFTS = `query($caseId: ID!) { aiDrafts(caseId: $caseId) { id status aiText failure } }`;
      const listed = await api.graphql(DRAFTS, worker, { caseId });
      expect(listed.body.data.aiDrafts.find((d: { id: string }) => d.id === pending.id)).toMatchObject({
        status: 'PENDING',
        failure: null,
      });
      // The worker's round (apps/worker; on the embedded database the api's own background tasks).
      const round = await api.runtime.services.of(AI_SERVICE).ai.transcriptionJobs().runOnce();
      expect(round).toEqual({ written: 1, retried: 0, failed: 0 });
      expect(simulator.received.slice(before).filter((r) => r.path === '/v1/audio/transcriptions')).toHaveLength(2);
      const filled = await api.graphql(DRAFTS, worker, { caseId });
      const draft = filled.body.data.aiDrafts.find((d: { id: string }) => d.id === pending.id);
      expect(draft.status).toBe('DRAFT');
      expect(draft.aiText.length).toBeGreaterThan(0);
      // Five minutes of audio decoded, searched for speech and chunked twice (request and worker): slow on a loaded machine.
    }, 120_000);

    it('refuses a declared size over 50 MiB with 413 before reading it', async () => {
      const response = await upload(
        caseId,
        { ...auth(staff('ange', 'socialtjanst'), 'ange'), 'content-type': 'audio/wav', 'content-length': String(51 * 1024 * 1024) },
        recording,
      );
      expect(response.statusCode).toBe(413);
      expect(response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    });

    it('stops reading a streamed (chunked) body at 50 MiB and answers 413', async () => {
      let pulled = 0;
      const piece = Buffer.alloc(1024 * 1024, 1);
      const body = new Readable({
        read() {
          pulled++;
          this.push(pulled <= 80 ? piece : null);
        },
      });
      const response = await upload(caseId, { ...auth(staff('ange', 'socialtjanst'), 'ange'), 'content-type': 'audio/wav' }, body);
      expect(response.statusCode).toBe(413);
      expect(response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: expect.stringMatching(/50 MB/) });
      expect(pulled).toBeLessThan(60);
    });

    it('refuses what is not a recording, another content type, and a case worker of another unit', async () => {
      const worker = auth(staff('ange', 'socialtjanst'), 'ange');
      const text = await upload(caseId, { ...worker, 'content-type': 'audio/wav' }, Buffer.from('not a recording at all, just text'));
      expect(text.statusCode).toBe(400);
      expect(text.json()).toMatchObject({ code: 'AUDIO_REJECTED' });
      const json = await upload(caseId, { ...worker, 'content-type': 'application/json' }, Buffer.from('{}'));
      expect(json.statusCode).toBe(400);
      expect(json.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
      const school = await upload(caseId, { ...auth(staff('ange', 'skola'), 'ange'), 'content-type': 'audio/ogg' }, recording);
      expect(school.statusCode).toBe(404);
      const anonymous = await upload(caseId, { 'x-kommuna-tenant': 'ange', 'content-type': 'audio/ogg' }, recording);
      expect(anonymous.statusCode).toBe(401);
    });
  });

  describe("approvals metered into the catalogue's benefit follow-up", () => {
    const steering = () => api.realm.token({ sub: 'styrgrupp', realm_access: { roles: ['steering_group'] } });
    const BENEFITS = `{ catalogueBenefits(service: "ai") { hypothesis { id unit } totalUsage totalEstimatedLowSek totalEstimatedHighSek } }`;
    const benefits = async () => {
      await api.dispatchEvents();
      const { body } = await api.graphql(BENEFITS, auth(steering(), 'harnosand'));
      expect(body.errors).toBeUndefined();
      return Object.fromEntries(
        (
          body.data.catalogueBenefits as Array<{
            hypothesis: { id: string };
            totalUsage: number;
            totalEstimatedLowSek: number;
            totalEstimatedHighSek: number;
          }>
        ).map((b) => [b.hypothesis.id, [b.totalUsage, Math.round(b.totalEstimatedLowSek), Math.round(b.totalEstimatedHighSek)]]),
      );
    };

    it('counts approved call notes and summaries, shown once a municipality has five of a kind in the month (small cells suppressed)', async () => {
      await register('harnosand', { name: 'harnosand-whisper', capability: 'TRANSCRIPTION', clearedFor: 'sekretess' });
      await register('harnosand', { name: 'harnosand-chat', clearedFor: 'sekretess' });
      const caseId = await newCase('harnosand', 'socialtjanst', 304);
      const worker = auth(staff('harnosand', 'socialtjanst'), 'harnosand');
      const recording = readFileSync(path.join(REPO_ROOT, 'libs/ai/src/testing/audio/tone-pause-tone.ogg'));
      const approveOne = async () => {
        const summary = await api.graphql(SUMMARY, worker, { caseId });
        expect(summary.body.errors).toBeUndefined();
        expect(
          (await api.graphql(REVIEW, worker, { id: summary.body.data.draftCaseSummary.id, approve: true })).body.errors,
        ).toBeUndefined();
        const note = await api.app
          .getHttpAdapter()
          .getInstance()
          .inject({
            method: 'POST',
            url: `/ai/cases/${caseId}/call-notes`,
            headers: { ...worker, 'content-type': 'audio/ogg' },
            payload: recording,
          });
        expect(note.statusCode).toBe(201);
        expect((await api.graphql(REVIEW, worker, { id: note.json().id, approve: true })).body.errors).toBeUndefined();
      };
      for (let i = 0; i < 4; i++) await approveOne();
      // Four of a kind in one municipality's month could point at the residents behind them: not shown.
      expect(await benefits()).toEqual({ 'call-documentation-time': [0, 0, 0], 'case-summary-time': [0, 0, 0] });
      // A rejected draft saved no time: not counted.
      const rejected = await api.graphql(SUMMARY, worker, { caseId });
      await api.graphql(REVIEW, worker, { id: rejected.body.data.draftCaseSummary.id, approve: false });
      expect(await benefits()).toEqual({ 'call-documentation-time': [0, 0, 0], 'case-summary-time': [0, 0, 0] });
      await approveOne();
      // Five of each: 20-25 minutes per call note and 2 hours per summary at 520 kr an hour (libs/ai/service.yaml).
      expect(await benefits()).toEqual({
        'call-documentation-time': [5, Math.round((5 * 20 * 520) / 60), Math.round((5 * 25 * 520) / 60)],
        'case-summary-time': [5, 5 * 2 * 520, 5 * 2 * 520],
      });
    }, 120_000);
  });
});
