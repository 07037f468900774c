import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** One live answer of a REST route, as a test received it. */
export interface LiveAnswer {
  method: string;
  url: string;
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

type Json = Record<string, any>;

/**
 * Checks live answers against an OpenAPI 3.1 document, as a client generated from it would read
 * them: the status must be declared for the route, the body must validate (ajv, JSON Schema
 * 2020-12, formats checked) against the declared schema, every required header must be there and
 * match its schema, and an answer declared without content must have none. Returns the problems,
 * none when the answer is as documented.
 */
export function openApiAnswerChecker(document: Json): (answer: LiveAnswer) => string[] {
  // The document's schemas as $defs of one schema, so their $refs resolve without the rest of the document.
  const defs = JSON.parse(JSON.stringify(document.components.schemas).replaceAll('#/components/schemas/', 'openapi#/$defs/'));
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi', $defs: defs });
  const resolve = (node: Json): Json => {
    if (typeof node?.$ref !== 'string') return node;
    const pointer = node.$ref.replace(/^#\//, '').split('/');
    return resolve(pointer.reduce((at: Json, key: string) => at[key], document));
  };
  const schemaOf = (schema: Json) => JSON.parse(JSON.stringify(schema).replaceAll('#/components/schemas/', 'openapi#/$defs/'));
  const routes = Object.entries(document.paths as Json).map(([template, item]) => ({
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    item: item as Json,
  }));

  return (answer) => {
    const path = answer.url.split('?')[0];
    const route = routes.find((r) => r.pattern.test(path));
    const operation = route?.item[answer.method.toLowerCase()];
    if (!operation) return [`${answer.method} ${path} is not in the document`];
    const declared = operation.responses[String(answer.status)];
    if (!declared)
      return [
        `${answer.method} ${path} answered ${answer.status}, which the document does not declare (${Object.keys(operation.responses).join(', ')})`,
      ];
    const response = resolve(declared);
    const problems: string[] = [];
    for (const [name, header] of Object.entries((response.headers ?? {}) as Json)) {
      const spec = resolve(header);
      const value = answer.headers[name.toLowerCase()];
      if (value === undefined) {
        if (spec.required) problems.push(`${answer.status}: header ${name} is missing`);
        continue;
      }
      const typed = spec.schema?.type === 'integer' && /^\d+$/.test(String(value)) ? Number(value) : value;
      if (spec.schema && !ajv.validate(schemaOf(spec.schema), typed))
        problems.push(`${answer.status}: header ${name}: ${ajv.errorsText()}`);
    }
    const content = response.content?.['application/json'];
    if (!content) {
      if (answer.body !== '') problems.push(`${answer.status}: a body where the document declares none`);
      return problems;
    }
    if (!String(answer.headers['content-type'] ?? '').startsWith('application/json'))
      problems.push(`${answer.status}: content-type ${String(answer.headers['content-type'])}`);
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      return [...problems, `${answer.status}: a body that is not JSON`];
    }
    if (!ajv.validate(schemaOf(content.schema), body))
      problems.push(`${answer.status}: ${ajv.errorsText(ajv.errors, { separator: '; ' })}: ${answer.body.slice(0, 300)}`);
    return problems;
  };
}

/** What a test may send a documented route; `body` is sent as it is when a string, as JSON otherwise. */
export interface DocumentedRequest {
  token?: string;
  tenant?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface DocumentedRoutes {
  /** The OpenAPI document the api serves. */
  document: Json;
  /**
   * Calls a route through the api's HTTP stack and expects the answer to be as the document
   * says (openApiAnswerChecker: no problems). A body goes as application/json unless `headers`
   * name another type.
   */
  ask(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, request?: DocumentedRequest): Promise<LiveAnswer & { json(): any }>;
}

/** The routes the document the api serves at `documentUrl` describes, each answer checked against it. */
export async function documentedRoutes(app: NestFastifyApplication, documentUrl: string): Promise<DocumentedRoutes> {
  const fastify = app.getHttpAdapter().getInstance();
  const document = (await fastify.inject({ method: 'GET', url: documentUrl })).json() as Json;
  const check = openApiAnswerChecker(document);
  return {
    document,
    async ask(method, url, request = {}) {
      const response = await fastify.inject({
        method,
        url,
        headers: {
          ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(request.tenant ? { 'x-kommuna-tenant': request.tenant } : {}),
          ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
          ...request.headers,
        },
        payload: request.body === undefined ? undefined : typeof request.body === 'string' ? request.body : JSON.stringify(request.body),
      });
      const answer: LiveAnswer = { method, url, status: response.statusCode, headers: response.headers, body: response.body };
      expect({ url, status: answer.status, problems: check(answer) }).toEqual({ url, status: answer.status, problems: [] });
      return { ...answer, json: () => JSON.parse(answer.body) };
    },
  };
}
