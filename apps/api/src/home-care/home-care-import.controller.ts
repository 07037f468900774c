import { Readable, Transform, TransformCallback } from 'node:stream';
import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Allow, CurrentPrincipal, Principal, Public } from '@kommuna/platform-auth';
import {
  HomeCare,
  HomeCareImportError,
  HomeCareRequestError,
  IMPORT_FORMATS,
  IMPORT_KINDS,
  ImportFormat,
  ImportKind,
  ImportProblem,
  ImportResult,
  VENDOR_EXPORT_ADAPTERS,
} from '@kommuna/home-care';
import { KommunaError } from '@kommuna/shared-service-contracts';
import { BODY_LIMITS } from '../http/edge-protection';
import { actorOf } from './home-care.resolver';
import { HOME_CARE_IMPORT_OPENAPI } from './home-care-import.openapi';

/** The content types of an upload: the body is the file itself. */
export const HOME_CARE_IMPORT_CONTENT_TYPES = ['text/csv', 'application/x-ndjson', 'application/jsonl'];
/** An upload's size limit: a million visit rows of the open format are about 110 MB. */
export const HOME_CARE_IMPORT_LIMIT = BODY_LIMITS.homeCareImport;

const UPLOAD_STREAM = Symbol('homeCareUpload');
type UploadRequest = FastifyRequest & { [UPLOAD_STREAM]?: Readable };

/**
 * Uploads are not parsed: the body stays the request stream, read by the import as it arrives
 * (Fastify's parsers would buffer it whole). The body is left undefined, so hooks that walk a
 * parsed body see nothing.
 */
export function registerHomeCareImportContentTypes(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(HOME_CARE_IMPORT_CONTENT_TYPES, (request, payload, done) => {
    (request as UploadRequest)[UPLOAD_STREAM] = payload;
    done(null, undefined);
  });
}

/** A file refused whole (the library's named lines): 422, as the request itself was well formed. */
export class HomeCareFileRefusedError extends KommunaError {
  readonly code = 'VALIDATION_FAILED';
  readonly status = 422;
  constructor(
    message: string,
    override readonly details: { problems: ImportProblem[]; total: number },
  ) {
    super(message);
  }
}

/** An upload over the limit: refused while reading, before it is all received; nothing is stored. */
export class HomeCareUploadTooLargeError extends KommunaError {
  readonly code = 'PAYLOAD_TOO_LARGE';
  readonly status = 413;
  constructor() {
    super(`The file is larger than ${HOME_CARE_IMPORT_LIMIT / 1024 / 1024} MB: it was not read further, nothing was imported`);
  }
}

/** Passes bytes through up to the limit, then fails the stream (and with it the import, which rolls back). */
function limited(source: Readable): Readable {
  let length = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      length += chunk.length;
      if (length > HOME_CARE_IMPORT_LIMIT) return callback(new HomeCareUploadTooLargeError());
      callback(null, chunk);
    },
  });
  source.on('error', (error) => counter.destroy(error));
  return source.pipe(counter);
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], name: string): T {
  if (value === undefined || !(allowed as readonly string[]).includes(value))
    throw new HomeCareRequestError(`${name} must be one of ${allowed.join(', ')}`, [
      { field: name, message: `one of ${allowed.join(', ')}` },
    ]);
  return value as T;
}

/**
 * REST upload of a home-care file (docs/home-care.md#uploading-over-rest): the body is the file,
 * streamed into the import as it arrives, so a million-row file never sits in the api's memory.
 * The same callers and checks as GraphQL's importHomeCareFile (the role rule here, the library's
 * gate by unit, RLS by municipality); a refused file is 422 with its problems, each naming its line.
 */
@Controller('home-care/imports')
export class HomeCareImportController {
  constructor(private readonly homeCare: HomeCare) {}

  @Public()
  @Get('openapi.json')
  openapi(): unknown {
    return HOME_CARE_IMPORT_OPENAPI;
  }

  @Allow('service_account', 'case_worker')
  @Post(':kind')
  @HttpCode(200)
  async upload(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Param('kind') kindParam: string,
    @Query('format') formatParam: string | undefined,
    @Query('adapter') adapterId: string | undefined,
    @Query('fileName') fileNameParam: string | undefined,
    @Query('month') month: string | undefined,
  ): Promise<ImportResult> {
    const stream = (request as UploadRequest)[UPLOAD_STREAM];
    try {
      const kind = oneOf<ImportKind>(kindParam, IMPORT_KINDS, 'kind');
      const format = adapterId === undefined ? oneOf<ImportFormat>(formatParam ?? 'csv', IMPORT_FORMATS, 'format') : 'csv';
      const adapter = adapterId === undefined ? undefined : VENDOR_EXPORT_ADAPTERS.get(adapterId);
      if (adapterId !== undefined && adapter?.kind !== kind) {
        const fitting = [...VENDOR_EXPORT_ADAPTERS.values()].filter((a) => a.kind === kind).map((a) => a.id);
        throw new HomeCareRequestError(`adapter must be one for ${kind}: ${fitting.join(', ') || 'none'}`, [
          { field: 'adapter', message: `one of ${fitting.join(', ') || 'none'}` },
        ]);
      }
      const fileName = fileNameParam ?? `${kind}.${format}`;
      if (fileName.length === 0 || fileName.length > 200)
        throw new HomeCareRequestError('fileName must be 1 to 200 characters', [{ field: 'fileName', message: '1 to 200 characters' }]);
      if (!stream)
        throw new HomeCareRequestError(`Send the file as the body with Content-Type ${HOME_CARE_IMPORT_CONTENT_TYPES.join(', ')}`, [
          { field: 'content-type', message: HOME_CARE_IMPORT_CONTENT_TYPES.join(', ') },
        ]);
      const declared = Number(request.headers['content-length']);
      if (Number.isSafeInteger(declared) && declared > HOME_CARE_IMPORT_LIMIT) throw new HomeCareUploadTooLargeError();
      const content = limited(stream);
      if (month !== undefined && !/^[0-9]{4}-(0[1-9]|1[0-2])$/.test(month))
        throw new HomeCareRequestError('month must be a month as YYYY-MM', [{ field: 'month', message: 'YYYY-MM, e.g. 2025-03' }]);
      return await this.homeCare.importFile(actorOf(principal), { kind, format, fileName, content, adapter, month });
    } catch (error) {
      // Whatever refused the upload, the rest of the body is not read: drain it so the answer reaches the client.
      if (stream && !stream.readableEnded && !(error instanceof HomeCareUploadTooLargeError)) stream.resume();
      if (error instanceof HomeCareImportError) throw new HomeCareFileRefusedError(error.message, error.details);
      throw error;
    }
  }
}
