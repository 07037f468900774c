import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';

/** One thing wrong with a configuration file, named the way a person fixes it: file, field, reason. */
export interface ConfigProblem {
  file: string;
  /** The dotted path of the field, `line N` for a YAML syntax error, or `(root)`. */
  field: string;
  message: string;
}

export type ParsedConfig<T> = { ok: true; value: T } | { ok: false; problems: ConfigProblem[] };

/**
 * Parses a YAML configuration file's text and validates it against a zod schema, returning the
 * value or every problem found (syntax errors with their line, schema errors with their field).
 */
export function parseYamlConfig<S extends z.ZodType>(schema: S, file: string, text: string): ParsedConfig<z.output<S>> {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, lineCounter });
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => ({
        file,
        field: `line ${lineCounter.linePos(error.pos[0]).line}`,
        message: error.message.split('\n')[0],
      })),
    };
  }
  const result = schema.safeParse(document.toJS());
  if (!result.success) {
    return {
      ok: false,
      problems: result.error.issues.map((issue) => ({
        file,
        field: issue.path.length > 0 ? issue.path.join('.') : '(root)',
        message: issue.message,
      })),
    };
  }
  return { ok: true, value: result.data };
}
