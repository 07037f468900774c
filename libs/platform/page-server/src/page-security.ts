import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

export interface PageSecurityOptions {
  /** The realm the logout form's redirect goes on to (browsers check form-action on it). */
  realmUrl: string;
  /** Whether the app is reached over https: only then HSTS. */
  secure: boolean;
  /** Whether the pages load scripts (the app's own, from 'self'); without, no script at all. */
  scripts: boolean;
}

/**
 * The security headers of server-rendered pages (@fastify/helmet): a CSP that allows only the
 * app's own stylesheet, images and (when `scripts`) scripts, forms posted here or to the realm, no
 * framing, no base URI; referrer only to the same origin; HSTS over https. Pages are never cached
 * (they show a person's data); what is under /assets/ may be.
 */
export function registerPageSecurity(app: FastifyInstance, options: PageSecurityOptions): void {
  void app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        ...(options.scripts ? { scriptSrc: ["'self'"] } : {}),
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'", new URL(options.realmUrl).origin],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    hsts: options.secure ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!request.url.startsWith('/assets/')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}
