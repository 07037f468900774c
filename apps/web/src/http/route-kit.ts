import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Lang } from '../i18n';
import type { Page, PageContext } from '../pages/layout';
import type { PostedFile } from '../forms/uploads';
import type { WebTenant } from '../tenants';
import type { ApiCaller, ApiClient } from '@kommuna/platform-page-server';
import type { Session } from './sessions';

/** A posted form's fields in order, a name that repeats (checkboxes) once per value. */
export type PostedForm = Array<[string, string]>;

export type SessionHandler = (request: FastifyRequest, reply: FastifyReply, tenant: WebTenant, session: Session) => Promise<unknown>;

/**
 * What the web's route modules share with the server that builds them: the api, the page frame,
 * and the guards every municipal page goes through (host → municipality, session, CSRF).
 */
export interface RouteKit {
  api: ApiClient;
  /** The api's origin: the platform's own links (decision documents) are paths on it. */
  apiOrigin: string;
  langOf(request: FastifyRequest): Lang;
  context(request: FastifyRequest, tenant?: WebTenant, session?: Session): PageContext;
  send(reply: FastifyReply, status: number, ctx: PageContext, page: Page): FastifyReply;
  /** A page for a logged-in user at this municipality; anyone else goes through the login first. */
  resident(work: SessionHandler): (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  /** A post of a logged-in user: the session's CSRF token and a same-origin Origin are checked first (403 else). */
  residentPost(work: SessionHandler): (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  /** The first value posted under `name`. */
  postedValue(request: FastifyRequest, name: string): string | undefined;
  postedEntries(request: FastifyRequest): PostedForm;
  /** The files a multipart form posted. */
  postedFiles(request: FastifyRequest): PostedFile[];
  caller(tenant: WebTenant, session: Session): ApiCaller;
  /**
   * A file from the api's own path (a decision document; with pdfOnly nothing else is passed on, or
   * a resident's attachment), fetched with the user's token and passed on as a download.
   */
  proxyFile(reply: FastifyReply, tenant: WebTenant, session: Session, apiPath: string, options?: { pdfOnly?: boolean }): Promise<unknown>;
}

/** Only paths on this site: "/x", never "//evil" or "https://evil" (no open redirect). */
export const localPath = (value: unknown, fallback = '/'): string =>
  typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) && value.length < 500 ? value : fallback;
