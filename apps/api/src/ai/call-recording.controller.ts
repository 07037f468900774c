import type { Readable } from 'node:stream';
import { Controller, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AI_DISCLOSURE, AiDrafts, AiValidationError } from '@kommuna/ai';
import { Allow, CurrentPrincipal, Principal } from '@kommuna/platform-auth';
import { KommunaError } from '@kommuna/shared-service-contracts';

/** Where the upload route keeps the request's unread body (the content-type parser leaves it unread). */
const RECORDING_STREAM = Symbol('recordingStream');
type RecordingRequest = FastifyRequest & { [RECORDING_STREAM]?: Readable };

/** Content types of a recording upload: the body is the file itself. */
// M4A is taken too, so its uploader hears the decoder's reason (AAC is not decodable yet) rather than a content-type refusal.
export const RECORDING_CONTENT_TYPES = [
  'audio/wav',
  'audio/x-wav',
  'audio/wave',
  'audio/ogg',
  'audio/opus',
  'audio/mpeg',
  'audio/mp3',
  'audio/webm',
  'audio/mp4',
  'audio/x-m4a',
];

/**
 * Recording uploads are not parsed: the body stays a stream for the route to read up to its limit
 * (Fastify's parsers would buffer it whole first). The body is left undefined, so hooks that walk
 * a parsed body see nothing.
 */
export function registerRecordingContentTypes(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(RECORDING_CONTENT_TYPES, (request, payload, done) => {
    (request as RecordingRequest)[RECORDING_STREAM] = payload;
    done(null, undefined);
  });
}

/** A recording over the limit: refused while reading, before it is all received. */
export class RecordingTooLargeError extends KommunaError {
  readonly code = 'PAYLOAD_TOO_LARGE';
  readonly status = 413;
  constructor(limit: number) {
    super(`The recording is larger than ${Math.round(limit / 1024 / 1024)} MB: it was not read further`);
  }
}

/**
 * Reads a request body of at most `limit` bytes into one buffer. With a Content-Length the buffer
 * is allocated once and filled as the pieces arrive (the file is never held twice); without one
 * (chunked), the pieces are joined once at the end. Over the limit, reading stops and the request
 * is refused.
 */
export function readLimited(stream: Readable, limit: number, declaredLength?: number): Promise<Buffer> {
  if (declaredLength !== undefined && declaredLength > limit) return Promise.reject(new RecordingTooLargeError(limit));
  const target = declaredLength !== undefined ? Buffer.allocUnsafe(declaredLength) : undefined;
  const pieces: Buffer[] = [];
  let length = 0;
  return new Promise<Buffer>((resolve, reject) => {
    // Refusing stops reading but leaves the socket alone, so the 413 still reaches the client.
    const refuse = (error: Error) => {
      stream.off('data', take);
      stream.pause();
      reject(error);
    };
    const take = (piece: Buffer) => {
      if (length + piece.length > limit) return refuse(new RecordingTooLargeError(limit));
      if (target && length + piece.length > target.length)
        return refuse(
          new AiValidationError('The body is longer than its Content-Length', [{ field: 'body', message: 'longer than declared' }]),
        );
      if (target) piece.copy(target, length);
      else pieces.push(piece);
      length += piece.length;
    };
    stream.on('data', take);
    let ended = false;
    stream.once('error', reject);
    stream.once('end', () => {
      ended = true;
      resolve(target ? target.subarray(0, length) : Buffer.concat(pieces, length));
    });
    // A client that goes away mid-upload: let go of what was read instead of waiting for an end.
    stream.once('close', () => {
      if (!ended) reject(new AiValidationError('The upload was broken off', [{ field: 'body', message: 'incomplete' }]));
    });
  });
}

/**
 * Call recordings uploaded as files (WAV, Ogg Opus, WebM Opus, MP3; up to the drafts' limit, 50 MB by
 * default): the body is the recording, the answer the draft note. The GraphQL mutation
 * draftCallNote takes base64 and so only recordings under the api's 1 MiB body limit.
 */
@Controller('ai/cases')
export class CallRecordingController {
  constructor(private readonly drafts: AiDrafts) {}

  @Allow('case_worker')
  @Post(':caseId/call-notes')
  @HttpCode(201)
  async upload(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Param('caseId') caseId: string,
    @Query('purpose') purpose?: string,
    @Query('transcriptionModelId') transcriptionModelId?: string,
    @Query('modelId') modelId?: string,
    @Query('knownName') knownName?: string | string[],
  ): Promise<Record<string, unknown>> {
    const stream = (request as RecordingRequest)[RECORDING_STREAM];
    if (!stream) {
      throw new AiValidationError(`Send the recording as the body with Content-Type ${RECORDING_CONTENT_TYPES.join(', ')}`, [
        { field: 'content-type', message: 'an audio type' },
      ]);
    }
    const declared = request.headers['content-length'] === undefined ? undefined : Number(request.headers['content-length']);
    const content = await readLimited(stream, this.drafts.maxRecordingBytes, Number.isSafeInteger(declared) ? declared : undefined);
    const draft = await this.drafts.transcribeCall(
      { subject: principal.subject, unit: principal.unit },
      caseId,
      // The stored media type comes from what the file turns out to be, not from the header.
      { content },
      {
        purpose,
        transcriptionModelId,
        modelId,
        knownNames: knownName === undefined ? undefined : Array.isArray(knownName) ? knownName : [knownName],
      },
    );
    return { ...draft, disclosure: AI_DISCLOSURE.sv };
  }
}
