import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The app's own cookies (registered with @fastify/cookie): for the whole site, httpOnly,
 * SameSite=Lax, Secure when the app is reached over https.
 */
export function pageCookies(secure: boolean) {
  const options = { path: '/', httpOnly: true, sameSite: 'lax', secure } as const;
  return {
    setCookie: (reply: FastifyReply, name: string, value: string, maxAgeSeconds?: number) =>
      reply.setCookie(name, value, { ...options, maxAge: maxAgeSeconds }),
    clearCookie: (reply: FastifyReply, name: string) => reply.clearCookie(name, options),
    /** The request's cookies (a malformed one reads as absent or as sent, never as a crash). */
    cookiesOf: (request: FastifyRequest): Record<string, string | undefined> => request.cookies,
  };
}
