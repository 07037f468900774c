import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { appendAuditEntry, auditActor } from '@kommuna/platform-audit';
import { recordEvent } from '@kommuna/platform-events';
import { Database, EntityRowsContext, RawRow, rowsOf, selectColumns } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { AiDraftApprovedData, EVENT_TYPES } from '@kommuna/shared-service-contracts';
import type { CaseMaterial, CaseSource, StaffMember } from './case-source';
import { wordEditDistance } from './edit-distance';
import { AiAudioEntity } from './entities/ai-audio.entity';
import { AiDraftEntity, DraftKind, DraftStatus } from './entities/ai-draft.entity';
import {
  AiNotFoundError,
  AiQuotaExceededError,
  AiUnitRequiredError,
  AiValidationError,
  AudioRejectedError,
  DraftAlreadyReviewedError,
  DraftNotReadyError,
  ModelNotClearedError,
  ModelProviderError,
} from './errors';
import type { ModelRegistry, RegisteredModel } from './model-registry';
import { AiModelEntity, ModelCapability } from './entities/ai-model.entity';
import { ChatAnswer, OpenAiCompatibleClient } from './openai-compatible-client';
import { CALL_NOTE_TEMPLATE, CASE_SUMMARY_TEMPLATE, templateKey } from './prompt-templates';
import { KnownParty, Pseudonymiser } from './pseudonymiser';
import { AiQuotas, ModelDemand } from './quotas';
import { decodeSpeechAudio, SPEECH_SAMPLE_RATE, SpeechAudio, speechWav } from './speech-audio';
import { speechChunks } from './voice-activity';
import { timestamp } from './wav';

/** Shown with every draft: AI-generated text is disclosed as such (EU AI Act art. 50). */
export const AI_DISCLOSURE = {
  sv: 'AI-genererat utkast: granska och godkänn innan det blir en del av ärendet.',
  en: 'AI-generated draft: review and approve before it becomes part of the case.',
};

/** The draft's columns a draft shows (the municipality's is implied, the model's id goes in `model`). */
const DRAFT_FIELDS = [
  'id',
  'kind',
  'caseId',
  'unit',
  'dataClass',
  'modelId',
  'template',
  'requestedBy',
  'aiText',
  'placeholderWarnings',
  'status',
  'finalText',
  'reviewedBy',
  'reviewedAt',
  'editDistance',
  'promptTokens',
  'completionTokens',
  'audioSeconds',
  'failure',
  'createdAt',
] as const;
/** The model's columns a draft names it by. */
const DRAFT_MODEL_FIELDS = ['name', 'hostingCountry', 'processor'] as const;

/** A draft with the model that wrote it. `failure` says why a pending note failed (status failed); null otherwise. */
export type AiDraft = Omit<Pick<AiDraftEntity, (typeof DRAFT_FIELDS)[number]>, 'modelId'> & {
  model: { id: string } & Pick<AiModelEntity, (typeof DRAFT_MODEL_FIELDS)[number]>;
  /** Always true: the text was written by a model (the reviewer's final text says who approved it). */
  aiGenerated: true;
};

/** A long recording's note as the worker takes it from the queue (transcription-jobs.ts). */
export interface QueuedCallNote {
  draftId: string;
  caseId: string;
  unit: string;
  dataClass: string;
  requestedBy: string;
  purpose: string;
  caseType: string;
  parties: KnownParty[];
  transcriberId: string;
  modelId: string;
  audioSeconds: number;
}

/** What the models wrote for a queued note, to record while the worker's claim holds. */
export interface WrittenCallNote {
  text: string;
  warnings: string[];
  promptTokens: number | null;
  completionTokens: number | null;
  providerModel: string;
  durationMs: number;
  transcriber: RegisteredModel;
  writer: RegisteredModel;
  speechSeconds: number;
  chunks: number;
  audioFormat: SpeechAudio['source'];
}

export interface AiDraftsOptions {
  /** Longest stretch of speech sent to the transcription model at once (default 300 s); cut at a pause where one is near. */
  chunkSeconds?: number;
  /** A silence at least this long is not sent to the transcription model (default 2 s). */
  skipSilenceSeconds?: number;
  /** Largest recording accepted (default 50 MB). */
  maxAudioBytes?: number;
  /** Longest recording accepted (default 2 hours). */
  maxAudioSeconds?: number;
  /** A recording longer than this is transcribed by the worker: the request answers at once with a pending draft (default 300 s). */
  backgroundFromSeconds?: number;
  /** The clock quotas count days and months by (tests set it). */
  now?: () => Date;
}

/** A draft's columns and its model's, from `ai_draft d JOIN ai_model m`: rows for draftsOf. */
const draftColumns = (em: EntityRowsContext) =>
  `${selectColumns(em, AiDraftEntity, { alias: 'd', only: DRAFT_FIELDS })}, ${selectColumns(em, AiModelEntity, { alias: 'm', only: DRAFT_MODEL_FIELDS, prefix: 'model_' })}`;

function draftsOf(em: EntityRowsContext, raw: readonly RawRow[]): AiDraft[] {
  const models = rowsOf(em, AiModelEntity, raw, DRAFT_MODEL_FIELDS, { prefix: 'model_' });
  return rowsOf(em, AiDraftEntity, raw, DRAFT_FIELDS).map(({ modelId, ...draft }, i) => ({
    ...draft,
    model: { id: modelId, ...models[i] },
    aiGenerated: true,
  }));
}

/**
 * The municipality's drafts with their models. `where` (a constant, never a value) adds to the
 * tenant predicate, and its parameters start at $2.
 */
async function selectDrafts(em: EntityManager, where: string, params: readonly unknown[]): Promise<AiDraft[]> {
  return draftsOf(
    em,
    await em.query(
      `SELECT ${draftColumns(em)} FROM ai_draft d JOIN ai_model m ON m.tenant_id = d.tenant_id AND m.id = d.model_id
        WHERE d.tenant_id = $1 AND ${where}`,
      [requestContext.tenantId(), ...params],
    ),
  );
}

/** A draft read back in the transaction that wrote it (so it is there). */
async function draftById(em: EntityManager, id: string): Promise<AiDraft> {
  const [draft] = await selectDrafts(em, 'd.id = $2', [id]);
  return draft;
}

const MEDIA_TYPES = { WAV: 'audio/wav', 'Ogg Opus': 'audio/ogg', MP3: 'audio/mpeg', 'WebM Opus': 'audio/webm' } as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_FINAL_TEXT = 50_000;

/**
 * Drafts for cases: a case summary, or a journal note from a call's recording. A model sees only
 * pseudonymised text, and only a model cleared for the case's data class sees it; the draft is
 * marked AI-generated and enters the case only when a case worker of the case's unit approves it.
 * Every call, refusal, failure and review is a line in the municipality's audit trail.
 */
export class AiDrafts {
  private readonly chunkSeconds: number;
  private readonly skipSilenceSeconds: number;
  private readonly maxAudioBytes: number;
  private readonly maxAudioSeconds: number;
  private readonly backgroundFromSeconds: number;
  private readonly quotas: AiQuotas;

  constructor(
    private readonly database: Database,
    private readonly registry: ModelRegistry,
    private readonly cases: CaseSource,
    private readonly client: OpenAiCompatibleClient = new OpenAiCompatibleClient(),
    options: AiDraftsOptions = {},
  ) {
    this.chunkSeconds = options.chunkSeconds ?? 300;
    this.skipSilenceSeconds = options.skipSilenceSeconds ?? 2;
    this.maxAudioBytes = options.maxAudioBytes ?? 50 * 1024 * 1024;
    this.maxAudioSeconds = options.maxAudioSeconds ?? 2 * 3600;
    this.backgroundFromSeconds = options.backgroundFromSeconds ?? 300;
    this.quotas = new AiQuotas(database, options.now);
  }

  /** The largest recording `transcribeCall` takes, for an upload route to stop reading at. */
  get maxRecordingBytes(): number {
    return this.maxAudioBytes;
  }

  /** A draft summary of a case of the staff member's unit. */
  async summariseCase(
    staff: StaffMember,
    caseId: string,
    options: { purpose?: string | null; modelId?: string | null; knownNames?: readonly string[] | null } = {},
  ): Promise<AiDraft> {
    const purpose = this.purposeOf(options.purpose, 'case summary');
    const knownNames = this.namesOf(options.knownNames);
    const material = await this.cases.read(this.withUnit(staff), caseId);
    const dataClass = this.registry.classifications().classOfUnit(material.unit);
    const model = await this.route(staff, material, 'chat', dataClass, purpose, options.modelId);
    await this.withinQuotas(staff, material, dataClass, purpose, [{ model, requests: 1 }]);
    const started = Date.now();
    const pseudonymiser = new Pseudonymiser([...material.parties, { names: knownNames }]);
    const messages = CASE_SUMMARY_TEMPLATE.messages(material).map((m) => ({ ...m, content: pseudonymiser.pseudonymise(m.content).text }));
    const answer = await this.call(staff, material, model, dataClass, purpose, templateKey(CASE_SUMMARY_TEMPLATE), () =>
      this.client.chat(model, messages, { user: this.pseudonymousUser(staff) }),
    );
    return this.saveDraft(staff, {
      kind: 'case_summary',
      material,
      model,
      dataClass,
      purpose,
      template: templateKey(CASE_SUMMARY_TEMPLATE),
      ...draftTextOf(answer, pseudonymiser, started),
    });
  }

  /**
   * A draft journal note from a call's recording (WAV, Ogg Opus, WebM Opus or MP3): decoded to 16 kHz mono,
   * its speech found by voice activity detection and cut at pauses (long silences are not sent),
   * each stretch transcribed in Swedish by a transcription model cleared for the case's class,
   * merged under ### m:ss headings (the time in the recording),
   * then written up (pseudonymised) by a chat model cleared for it. The recording is kept with the
   * draft for the reviewer and deleted when the draft is approved or rejected.
   */
  async transcribeCall(
    staff: StaffMember,
    caseId: string,
    recording: { content: Buffer; mediaType?: string | null },
    options: {
      purpose?: string | null;
      transcriptionModelId?: string | null;
      modelId?: string | null;
      knownNames?: readonly string[] | null;
    } = {},
  ): Promise<AiDraft> {
    const purpose = this.purposeOf(options.purpose, 'call documentation');
    const knownNames = this.namesOf(options.knownNames);
    if (recording.content.length > this.maxAudioBytes)
      throw new AudioRejectedError(`The recording is larger than ${Math.round(this.maxAudioBytes / 1024 / 1024)} MB`);
    const audio = await decodeSpeechAudio(recording.content, { maxSeconds: this.maxAudioSeconds });
    const { chunks, speechSeconds } = this.chunksOf(audio);
    if (chunks.length === 0) throw new AudioRejectedError('The recording has no speech (only silence or faint noise)');
    const material = await this.cases.read(this.withUnit(staff), caseId);
    const dataClass = this.registry.classifications().classOfUnit(material.unit);
    // Both models are chosen before anything is sent: a refusal sends nothing at all.
    const transcriber = await this.route(staff, material, 'transcription', dataClass, purpose, options.transcriptionModelId);
    const writer = await this.route(staff, material, 'chat', dataClass, purpose, options.modelId);
    await this.withinQuotas(staff, material, dataClass, purpose, [
      { model: transcriber, requests: chunks.length, audioSeconds: speechSeconds },
      { model: writer, requests: 1 },
    ]);
    const parties = [...material.parties, { names: knownNames }];
    const mediaType = recording.mediaType || MEDIA_TYPES[audio.source];
    if (audio.durationSeconds > this.backgroundFromSeconds)
      return this.queueCallNote(
        staff,
        { material, dataClass, purpose, transcriber, writer, parties, audio, speechSeconds, chunks: chunks.length },
        {
          content: recording.content,
          mediaType,
        },
      );
    const note = await this.writeCallNote(staff, material, { audio, chunks, transcriber, writer, dataClass, purpose, parties });
    return this.saveDraft(staff, {
      kind: 'call_note',
      material,
      model: writer,
      transcriber,
      dataClass,
      purpose,
      template: templateKey(CALL_NOTE_TEMPLATE),
      ...note,
      audioSeconds: audio.durationSeconds,
      speechSeconds,
      audioFormat: audio.source,
      chunks: chunks.length,
      audio: { content: recording.content, mediaType },
    });
  }

  /**
   * Writes the note of a recording the worker claimed (transcription-jobs.ts): the recording and
   * the case as they were taken at the request, the models routed then, checked again (a model
   * disabled or declassified since is refused). Makes the model calls and nothing else: the worker
   * records the outcome while its claim holds.
   */
  async writeQueuedCallNote(job: QueuedCallNote): Promise<WrittenCallNote> {
    const staff = { subject: job.requestedBy, unit: job.unit };
    const material: CaseMaterial = { caseId: job.caseId, unit: job.unit, caseType: job.caseType, sections: [], parties: job.parties };
    // rowsOf gives the bytes as a Buffer on PGlite (a Uint8Array there) as on PostgreSQL.
    const [row] = await this.database.transaction(async (em) =>
      rowsOf(
        em,
        AiAudioEntity,
        await em.query(`SELECT content FROM ai_audio WHERE tenant_id = $1 AND draft_id = $2`, [requestContext.tenantId(), job.draftId]),
        ['content'],
      ),
    );
    if (!row) throw new AudioRejectedError('The recording is no longer there');
    const audio = await decodeSpeechAudio(row.content, {
      maxSeconds: this.maxAudioSeconds,
    });
    const { chunks, speechSeconds } = this.chunksOf(audio);
    if (chunks.length === 0) throw new AudioRejectedError('The recording has no speech (only silence or faint noise)');
    const transcriber = await this.registry.modelFor('transcription', job.dataClass, job.transcriberId);
    const writer = await this.registry.modelFor('chat', job.dataClass, job.modelId);
    const note = await this.writeCallNote(staff, material, {
      audio,
      chunks,
      transcriber,
      writer,
      dataClass: job.dataClass,
      purpose: job.purpose,
      parties: job.parties,
    });
    return { ...note, transcriber, writer, speechSeconds, chunks: chunks.length, audioFormat: audio.source };
  }

  /**
   * Records a queued note as written, in the worker's transaction (which also ends its job): the
   * pending draft gets its text and becomes a draft for review, with the same audit entry a note
   * written at once gets.
   */
  async recordQueuedCallNote(em: EntityManager, job: QueuedCallNote, note: WrittenCallNote): Promise<void> {
    const tenantId = requestContext.tenantId();
    await this.quotas.count(note.writer, { requests: 1, tokens: (note.promptTokens ?? 0) + (note.completionTokens ?? 0) }, em);
    await em.query(
      `UPDATE ai_draft SET status = 'draft', ai_text = $3, placeholder_warnings = $4, prompt_tokens = $5, completion_tokens = $6
        WHERE tenant_id = $1 AND id = $2 AND status = 'pending'`,
      [tenantId, job.draftId, note.text, JSON.stringify(note.warnings), note.promptTokens, note.completionTokens],
    );
    await auditQueuedCallNote(em, job, 'ai.call_note.drafted', {
      ...modelDetails(note.writer),
      answeredBy: note.providerModel,
      transcription: modelDetails(note.transcriber),
      audioSeconds: job.audioSeconds,
      audioFormat: note.audioFormat,
      speechSeconds: Math.round(note.speechSeconds * 100) / 100,
      chunks: note.chunks,
      promptTokens: note.promptTokens,
      completionTokens: note.completionTokens,
      placeholderWarnings: note.warnings.length,
      durationMs: note.durationMs,
      background: true,
      outcome: 'drafted',
    });
  }

  /**
   * Records a queued note as failed for good (the model host failed through every retry, or the
   * recording or a model is no longer usable): no text is kept, the recording is deleted, and the
   * case worker reads why on the draft.
   */
  async recordQueuedCallNoteFailed(em: EntityManager, job: QueuedCallNote, error: { message: string; attempts: number }): Promise<void> {
    const tenantId = requestContext.tenantId();
    await em.query(`UPDATE ai_draft SET status = 'failed', failure = $3 WHERE tenant_id = $1 AND id = $2 AND status = 'pending'`, [
      tenantId,
      job.draftId,
      error.message.slice(0, 2000),
    ]);
    await em.query(`DELETE FROM ai_audio WHERE tenant_id = $1 AND draft_id = $2`, [tenantId, job.draftId]);
    await auditQueuedCallNote(em, job, 'ai.request.failed', {
      attempts: error.attempts,
      reason: error.message.slice(0, 500),
      background: true,
      audioDeleted: true,
    });
  }

  private chunksOf(audio: SpeechAudio) {
    return speechChunks(audio, { maxChunkSeconds: this.chunkSeconds, skipSilenceSeconds: this.skipSilenceSeconds });
  }

  /** The models' part of a call note: each chunk transcribed (Swedish), merged under ### m:ss, written up pseudonymised. */
  private async writeCallNote(
    staff: StaffMember,
    material: CaseMaterial,
    work: {
      audio: SpeechAudio;
      chunks: ReturnType<typeof speechChunks>['chunks'];
      transcriber: RegisteredModel;
      writer: RegisteredModel;
      dataClass: string;
      purpose: string;
      parties: KnownParty[];
    },
  ) {
    const { audio, chunks, transcriber, writer, dataClass, purpose } = work;
    const started = Date.now();
    const parts: string[] = [];
    let transcribedSeconds = 0;
    for (const chunk of chunks) {
      const text = await this.call(staff, material, transcriber, dataClass, purpose, 'transcription', () =>
        this.client.transcribe(
          transcriber,
          { content: speechWav(audio, chunk.range.start, chunk.range.end), fileName: `chunk-${chunk.index}.wav`, mediaType: 'audio/wav' },
          { language: 'sv' },
        ),
      );
      transcribedSeconds += (chunk.range.end - chunk.range.start) / SPEECH_SAMPLE_RATE;
      parts.push(`### ${timestamp(chunk.startSeconds)}\n${text.trim()}`);
    }
    // The transcriptions' use, counted once they are all in (before the note is written, which may fail).
    await this.quotas.count(transcriber, { requests: chunks.length, audioSeconds: transcribedSeconds });
    const transcript = parts.join('\n\n');
    const pseudonymiser = new Pseudonymiser(work.parties);
    const messages = CALL_NOTE_TEMPLATE.messages({ caseType: material.caseType, transcript }).map((m) => ({
      ...m,
      content: pseudonymiser.pseudonymise(m.content).text,
    }));
    const answer = await this.call(staff, material, writer, dataClass, purpose, templateKey(CALL_NOTE_TEMPLATE), () =>
      this.client.chat(writer, messages, { user: this.pseudonymousUser(staff) }),
    );
    return draftTextOf(answer, pseudonymiser, started);
  }

  /** A long recording: a pending draft with its recording and a job for the worker, in one transaction; answered at once. */
  private async queueCallNote(
    staff: StaffMember,
    work: {
      material: CaseMaterial;
      dataClass: string;
      purpose: string;
      transcriber: RegisteredModel;
      writer: RegisteredModel;
      parties: KnownParty[];
      audio: SpeechAudio;
      speechSeconds: number;
      chunks: number;
    },
    recording: { content: Buffer; mediaType: string },
  ): Promise<AiDraft> {
    const tenantId = requestContext.tenantId();
    const { material, writer, transcriber, audio } = work;
    return this.database.transaction(async (em) => {
      const [{ id }] = await em.query(
        `INSERT INTO ai_draft (tenant_id, kind, case_id, unit, data_class, model_id, template, requested_by, ai_text, status, audio_seconds)
         VALUES ($1, 'call_note', $2, $3, $4, $5, $6, $7, '', 'pending', $8) RETURNING id`,
        [
          tenantId,
          material.caseId,
          material.unit,
          work.dataClass,
          writer.id,
          templateKey(CALL_NOTE_TEMPLATE),
          staff.subject.slice(0, 200),
          audio.durationSeconds.toFixed(2),
        ],
      );
      await em.query(`INSERT INTO ai_audio (tenant_id, draft_id, media_type, content) VALUES ($1, $2, $3, $4)`, [
        tenantId,
        id,
        recording.mediaType.slice(0, 100),
        recording.content,
      ]);
      await em.query(
        `INSERT INTO ai_transcription_job (tenant_id, draft_id, transcriber_id, purpose, case_type, parties) VALUES ($1, $2, $3, $4, $5, $6)`,
        [tenantId, id, transcriber.id, work.purpose, material.caseType.slice(0, 200), JSON.stringify(work.parties)],
      );
      await appendAuditEntry(em, {
        actor: auditActor.staff(staff.subject),
        action: 'ai.call_note.queued',
        targetType: 'ai_draft',
        targetId: id,
        details: {
          caseId: material.caseId,
          unit: material.unit,
          purpose: work.purpose,
          dataClass: work.dataClass,
          template: templateKey(CALL_NOTE_TEMPLATE),
          ...modelDetails(writer),
          transcription: modelDetails(transcriber),
          audioSeconds: audio.durationSeconds,
          audioFormat: audio.source,
          speechSeconds: Math.round(work.speechSeconds * 100) / 100,
          chunks: work.chunks,
          outcome: 'queued',
        },
      });
      return draftById(em, id);
    });
  }

  /** Approve (with the reviewer's edits, if any) or reject a draft of the staff member's unit. */
  async review(staff: StaffMember, draftId: string, decision: { approve: boolean; text?: string | null }): Promise<AiDraft> {
    const reviewer = this.withUnit(staff);
    if (decision.text !== undefined && decision.text !== null) {
      if (!decision.approve)
        throw new AiValidationError('A rejected draft takes no text', [{ field: 'text', message: 'only with approve' }]);
      if (!decision.text.trim() || decision.text.length > MAX_FINAL_TEXT) {
        throw new AiValidationError(`The approved text must be 1 to ${MAX_FINAL_TEXT} characters`, [
          { field: 'text', message: `1 to ${MAX_FINAL_TEXT} characters` },
        ]);
      }
    }
    if (!UUID.test(draftId)) throw new AiNotFoundError('draft');
    const tenantId = requestContext.tenantId();
    return this.database.transaction(async (em) => {
      // FOR UPDATE: two reviewers at once, one wins and the other is told it was reviewed.
      const [current] = await selectDrafts(em, 'd.id = $2 AND d.unit = $3 FOR UPDATE OF d', [draftId, reviewer.unit]);
      if (!current) throw new AiNotFoundError('draft');
      if (current.status === 'pending' || current.status === 'failed') throw new DraftNotReadyError(current.status);
      if (current.status !== 'draft') throw new DraftAlreadyReviewedError(current.status);
      const finalText = decision.approve ? (decision.text ?? current.aiText) : null;
      const editDistance = finalText === null ? null : wordEditDistance(current.aiText, finalText);
      const status: DraftStatus = decision.approve ? 'approved' : 'rejected';
      await em.query(
        `UPDATE ai_draft SET status = $3, final_text = $4, reviewed_by = $5, reviewed_at = now(), edit_distance = $6 WHERE tenant_id = $1 AND id = $2`,
        [tenantId, draftId, status, finalText, reviewer.subject.slice(0, 200), editDistance],
      );
      // A DELETE answers [rows, count] through TypeORM's postgres driver.
      const [, deleted]: [unknown, number] = await em.query(`DELETE FROM ai_audio WHERE tenant_id = $1 AND draft_id = $2`, [
        tenantId,
        draftId,
      ]);
      await appendAuditEntry(em, {
        actor: auditActor.staff(reviewer.subject),
        action: decision.approve ? 'ai.draft.approved' : 'ai.draft.rejected',
        targetType: 'ai_draft',
        targetId: draftId,
        details: {
          caseId: current.caseId,
          kind: current.kind,
          unit: current.unit,
          model: current.model.name,
          edited: editDistance !== null && editDistance > 0,
          editDistance,
          audioDeleted: deleted > 0,
        },
      });
      const draft = await draftById(em, draftId);
      if (decision.approve) {
        // What the catalogue meters the AI platform's benefit by: approved work, in the same transaction.
        await recordEvent<AiDraftApprovedData>(em, {
          type: EVENT_TYPES.aiDraftApproved,
          source: '/ai',
          subject: draftId,
          data: { draftId, kind: current.kind, unit: current.unit, edited: (editDistance ?? 0) > 0, approvedAt: new Date().toISOString() },
        });
      }
      return draft;
    });
  }

  /** The drafts of a case in the staff member's unit, newest first; `status` 'approved' gives the case's AI-assisted notes. */
  async forCase(staff: StaffMember, caseId: string, status?: DraftStatus | null): Promise<AiDraft[]> {
    const { unit } = this.withUnit(staff);
    if (!UUID.test(caseId)) return [];
    return this.database.transaction((em) =>
      selectDrafts(em, 'd.case_id = $2 AND d.unit = $3 AND ($4::text IS NULL OR d.status = $4) ORDER BY d.created_at DESC, d.id', [
        caseId,
        unit,
        status ?? null,
      ]),
    );
  }

  /** Whether a draft still holds its recording (for the reviewer; gone once reviewed). */
  async hasRecording(staff: StaffMember, draftId: string): Promise<boolean> {
    const { unit } = this.withUnit(staff);
    if (!UUID.test(draftId)) return false;
    const rows = await this.database.transaction((em) =>
      em.query(
        `SELECT 1 FROM ai_audio a JOIN ai_draft d ON d.tenant_id = a.tenant_id AND d.id = a.draft_id WHERE a.tenant_id = $1 AND a.draft_id = $2 AND d.unit = $3`,
        [requestContext.tenantId(), draftId, unit],
      ),
    );
    return rows.length > 0;
  }

  /** The model for this class, or the refusal, which is audited before it is thrown. */
  private async route(
    staff: StaffMember,
    material: CaseMaterial,
    capability: ModelCapability,
    dataClass: string,
    purpose: string,
    modelId?: string | null,
  ): Promise<RegisteredModel> {
    try {
      return await this.registry.modelFor(capability, dataClass, modelId);
    } catch (error) {
      if (!(error instanceof ModelNotClearedError) && !(error instanceof AiNotFoundError)) throw error;
      await this.auditRequest(staff, material, 'ai.request.refused', {
        purpose,
        capability,
        dataClass,
        unit: material.unit,
        modelId: modelId ?? null,
        reason: error.code,
      });
      throw error;
    }
  }

  /** Refuses (audited, nothing sent) what would go over one of the municipality's quotas. */
  private async withinQuotas(
    staff: StaffMember,
    material: CaseMaterial,
    dataClass: string,
    purpose: string,
    demands: readonly ModelDemand[],
  ): Promise<void> {
    try {
      await this.quotas.check(this.registry.classifications(), demands);
    } catch (error) {
      if (!(error instanceof AiQuotaExceededError)) throw error;
      await this.auditRequest(staff, material, 'ai.request.refused', {
        purpose,
        dataClass,
        unit: material.unit,
        models: demands.map((d) => d.model.name),
        reason: error.code,
        quota: error.details,
        message: error.message,
      });
      throw error;
    }
  }

  /** One call to a model; a failure (after the client's retries) is audited and no draft is made. */
  private async call<T>(
    staff: StaffMember,
    material: CaseMaterial,
    model: RegisteredModel,
    dataClass: string,
    purpose: string,
    template: string,
    work: () => Promise<T>,
  ): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof ModelProviderError)) throw error;
      await this.auditRequest(staff, material, 'ai.request.failed', {
        purpose,
        dataClass,
        template,
        ...modelDetails(model),
        attempts: error.attempts,
        reason: error.message,
      });
      throw error;
    }
  }

  /** A request for a case that was refused or failed: its line in the audit trail, written before the error is thrown. */
  private async auditRequest(
    staff: StaffMember,
    material: CaseMaterial,
    action: 'ai.request.refused' | 'ai.request.failed',
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.database.transaction((em) =>
      appendAuditEntry(em, {
        actor: auditActor.staff(staff.subject),
        action,
        targetType: 'minasidor_case',
        targetId: material.caseId,
        details: { caseId: material.caseId, ...details },
      }),
    );
  }

  private async saveDraft(
    staff: StaffMember,
    draft: {
      kind: DraftKind;
      material: CaseMaterial;
      model: RegisteredModel;
      transcriber?: RegisteredModel;
      dataClass: string;
      purpose: string;
      template: string;
      text: string;
      warnings: string[];
      promptTokens: number | null;
      completionTokens: number | null;
      providerModel: string;
      audioSeconds?: number;
      speechSeconds?: number;
      audioFormat?: string;
      chunks?: number;
      audio?: { content: Buffer; mediaType: string };
      durationMs: number;
    },
  ): Promise<AiDraft> {
    const tenantId = requestContext.tenantId();
    return this.database.transaction(async (em) => {
      // The chat model's use, counted with the draft it wrote (one transaction, not two).
      await this.quotas.count(draft.model, { requests: 1, tokens: (draft.promptTokens ?? 0) + (draft.completionTokens ?? 0) }, em);
      const [{ id }] = await em.query(
        `INSERT INTO ai_draft (tenant_id, kind, case_id, unit, data_class, model_id, template, requested_by, ai_text, placeholder_warnings, prompt_tokens, completion_tokens, audio_seconds)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
        [
          tenantId,
          draft.kind,
          draft.material.caseId,
          draft.material.unit,
          draft.dataClass,
          draft.model.id,
          draft.template,
          staff.subject.slice(0, 200),
          draft.text,
          JSON.stringify(draft.warnings),
          draft.promptTokens,
          draft.completionTokens,
          draft.audioSeconds === undefined ? null : draft.audioSeconds.toFixed(2),
        ],
      );
      if (draft.audio) {
        await em.query(`INSERT INTO ai_audio (tenant_id, draft_id, media_type, content) VALUES ($1, $2, $3, $4)`, [
          tenantId,
          id,
          draft.audio.mediaType.slice(0, 100),
          draft.audio.content,
        ]);
      }
      // The record of the use (EU AI Act art. 12 and 26(6)): who, which case and why, which model
      // where, the template, the tokens and audio seconds. Never the prompt or the answer.
      await appendAuditEntry(em, {
        actor: auditActor.staff(staff.subject),
        action: draft.kind === 'case_summary' ? 'ai.case_summary.drafted' : 'ai.call_note.drafted',
        targetType: 'ai_draft',
        targetId: id,
        details: {
          caseId: draft.material.caseId,
          unit: draft.material.unit,
          purpose: draft.purpose,
          dataClass: draft.dataClass,
          template: draft.template,
          ...modelDetails(draft.model),
          answeredBy: draft.providerModel,
          ...(draft.transcriber
            ? {
                transcription: modelDetails(draft.transcriber),
                audioSeconds: draft.audioSeconds,
                audioFormat: draft.audioFormat,
                speechSeconds: draft.speechSeconds === undefined ? undefined : Math.round(draft.speechSeconds * 100) / 100,
                chunks: draft.chunks,
              }
            : {}),
          promptTokens: draft.promptTokens,
          completionTokens: draft.completionTokens,
          placeholderWarnings: draft.warnings.length,
          durationMs: draft.durationMs,
          outcome: 'drafted',
        },
      });
      return draftById(em, id);
    });
  }

  private withUnit(staff: StaffMember): StaffMember & { unit: string } {
    if (!staff.unit) throw new AiUnitRequiredError();
    return { ...staff, unit: staff.unit };
  }

  private purposeOf(purpose: string | null | undefined, fallback: string): string {
    const text = (purpose ?? fallback).trim();
    if (!text || text.length > 200)
      throw new AiValidationError('The purpose must be 1 to 200 characters', [{ field: 'purpose', message: '1 to 200 characters' }]);
    return text;
  }

  /** Names the case worker knows belong to the case's parties (the party register holds none). */
  private namesOf(names: readonly string[] | null | undefined): string[] {
    const list = (names ?? []).map((n) => n.trim()).filter(Boolean);
    if (list.length > 50 || list.some((n) => n.length > 200)) {
      throw new AiValidationError('Give at most 50 names of at most 200 characters each', [
        { field: 'knownNames', message: 'at most 50, each at most 200 characters' },
      ]);
    }
    return list;
  }

  /** The OpenAI `user` field: stable per staff member, but not their token subject. */
  private pseudonymousUser(staff: StaffMember): string {
    return `staff-${createHash('sha256').update(staff.subject).digest('hex').slice(0, 16)}`;
  }
}

/** A chat model's answer with the parties' names put back, and what it took, as a draft keeps them. */
function draftTextOf(answer: ChatAnswer, pseudonymiser: Pseudonymiser, started: number) {
  const restored = pseudonymiser.restore(answer.text);
  return {
    text: restored.text,
    warnings: restored.warnings,
    promptTokens: answer.promptTokens,
    completionTokens: answer.completionTokens,
    providerModel: answer.providerModel,
    durationMs: Date.now() - started,
  };
}

/** The worker's outcome for a queued note, audited as the staff member who asked for it. */
async function auditQueuedCallNote(
  em: EntityManager,
  job: QueuedCallNote,
  action: 'ai.call_note.drafted' | 'ai.request.failed',
  details: Record<string, unknown>,
): Promise<void> {
  await appendAuditEntry(em, {
    actor: auditActor.staff(job.requestedBy),
    action,
    targetType: 'ai_draft',
    targetId: job.draftId,
    details: {
      caseId: job.caseId,
      unit: job.unit,
      purpose: job.purpose,
      dataClass: job.dataClass,
      template: templateKey(CALL_NOTE_TEMPLATE),
      ...details,
    },
  });
}

function modelDetails(model: RegisteredModel): Record<string, unknown> {
  return {
    model: model.name,
    modelId: model.id,
    providerModel: model.providerModel,
    processor: model.processor,
    hostingCountry: model.hostingCountry,
    baseUrl: model.baseUrl,
  };
}
