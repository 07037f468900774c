import type { FormDefinition } from '@kommuna/e-forms';
import { ApiCaller, ApiClient, ApiError } from '@kommuna/platform-page-server';
import { Lang } from '../i18n';
import { controlName } from './answers';
import type { FieldProblem } from './form-view';

/** A file posted with a form (multipart). */
export interface PostedFile {
  /** The control's name: `root_<field>__file`. */
  name: string;
  fileName: string;
  data: Buffer;
  /** Over the web's limit: not read to the end, so not uploaded. */
  tooLarge: boolean;
}

export interface KnownFile {
  id: string;
  field: string;
  fileName: string;
}

/** The largest file the web takes: the api takes a request of 1 MiB, the file base64-encoded in it. */
export const MAX_FILE_BYTES = 760 * 1024;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const UPLOAD_MESSAGES: Record<string, Record<Lang, string>> = {
  ATTACHMENT_TOO_LARGE: { sv: 'Filen är för stor', en: 'The file is too large' },
  ATTACHMENT_TYPE_NOT_ALLOWED: { sv: 'Den här typen av fil går inte att bifoga här', en: 'This kind of file cannot be attached here' },
  ATTACHMENT_DISGUISED: { sv: 'Filens namn stämmer inte med dess innehåll', en: "The file's name does not match its content" },
  VALIDATION_FAILED: { sv: 'Filen kunde inte läsas', en: 'The file could not be read' },
};

export const UPLOAD_ATTACHMENT = `mutation($input: UploadFormAttachmentInput!) { uploadFormAttachment(input: $input) { id field fileName } }`;

/**
 * Answers the form's attachment fields: a file posted for a field is uploaded to the draft or the
 * errand (the api checks its type and size) and the field answered with it; else the file the
 * field held before (its id posted back) stays. Returns the files the fields hold and the
 * problems with the files that could not be taken.
 */
export async function answerAttachments(
  api: ApiClient,
  caller: ApiCaller,
  definition: FormDefinition,
  target: { draftId: string } | { submissionId: string },
  posted: { entries: Array<[string, string]>; files: PostedFile[] },
  known: KnownFile[],
  answers: Record<string, unknown>,
  lang: Lang,
): Promise<{ files: Record<string, { id: string; fileName: string }>; problems: FieldProblem[] }> {
  const files: Record<string, { id: string; fileName: string }> = {};
  const problems: FieldProblem[] = [];
  for (const field of definition.steps.flatMap((s) => s.fields).filter((f) => f.kind === 'attachment')) {
    const name = controlName(field.name);
    const file = posted.files.find((f) => f.name === `${name}__file` && f.fileName);
    const kept = posted.entries.find(([n]) => n === name)?.[1];
    if (file) {
      if (file.tooLarge || file.data.length === 0) {
        problems.push({
          path: `/${field.name}`,
          message: UPLOAD_MESSAGES[file.tooLarge ? 'ATTACHMENT_TOO_LARGE' : 'VALIDATION_FAILED'][lang],
        });
        continue;
      }
      try {
        const { uploadFormAttachment } = await api.query<{ uploadFormAttachment: KnownFile }>(caller, UPLOAD_ATTACHMENT, {
          input: { ...target, field: field.name, fileName: file.fileName.slice(0, 200), contentBase64: file.data.toString('base64') },
        });
        files[field.name] = { id: uploadFormAttachment.id, fileName: uploadFormAttachment.fileName };
        answers[field.name] = uploadFormAttachment.id;
      } catch (error) {
        if (!(error instanceof ApiError) || !UPLOAD_MESSAGES[error.code]) throw error;
        problems.push({ path: `/${field.name}`, message: UPLOAD_MESSAGES[error.code][lang] });
      }
    } else if (kept && UUID.test(kept)) {
      answers[field.name] = kept;
      const before = known.find((k) => k.id === kept && k.field === field.name);
      if (before) files[field.name] = { id: before.id, fileName: before.fileName };
    }
  }
  return { files, problems };
}
