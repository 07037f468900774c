import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { Lang, t } from '../i18n';
import type { WebTenant } from '../tenants';

export interface PageContext {
  lang: Lang;
  /** The current path with query, for the language switch to come back to. */
  path: string;
  tenant?: WebTenant;
  user?: { name: string; roles?: string[] };
  csrfToken?: string;
  /** The stylesheet's hashed path. */
  stylesheet: string;
  /** The municipality's colour (a stylesheet after the web's own) and logo, from tenant.yaml. */
  theme?: { stylesheet?: string; logo?: string };
}

export interface Page {
  title: string;
  body: ReactNode;
  /** A script of this page (served from /assets/), loaded deferred: the page works without it. */
  script?: string;
}

/** The frame of every page: skip link, the municipality's name, navigation, language, account. */
function Layout({ ctx, page }: { ctx: PageContext; page: Page }) {
  const other: Lang = ctx.lang === 'sv' ? 'en' : 'sv';
  const name = ctx.tenant ? ctx.tenant.names[ctx.lang] : 'Kommuna';
  return (
    <html lang={ctx.lang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${page.title} – ${name}`}</title>
        <link rel="stylesheet" href={ctx.stylesheet} />
        {ctx.theme?.stylesheet ? <link rel="stylesheet" href={ctx.theme.stylesheet} /> : null}
        {page.script ? <script src={page.script} defer /> : null}
      </head>
      <body>
        <a className="skip" href="#main">
          {t(ctx.lang, 'skip')}
        </a>
        <header className="site">
          <div className="bar">
            <p className="brand">
              <a href="/">
                {/* The name beside it says what the logo would: the image is decoration. */}
                {ctx.theme?.logo ? <img className="logo" src={ctx.theme.logo} alt="" width={40} height={40} /> : null}
                {name}
              </a>
            </p>
            <nav aria-label={t(ctx.lang, 'nav')}>
              <ul>
                {ctx.tenant ? (
                  <>
                    <li>
                      <a href="/e-services">{t(ctx.lang, 'eServices')}</a>
                    </li>
                    <li>
                      <a href="/my-pages">{t(ctx.lang, 'myPages')}</a>
                    </li>
                    {ctx.user?.roles?.includes('case_worker') ? (
                      <li>
                        <a href="/workspace">{t(ctx.lang, 'workspace')}</a>
                      </li>
                    ) : null}
                  </>
                ) : null}
                <li>
                  <a href={`/lang/${other}?returnTo=${encodeURIComponent(ctx.path)}`} lang={other} hrefLang={other}>
                    {t(ctx.lang, 'switchTo')}
                  </a>
                </li>
              </ul>
            </nav>
            {ctx.user && ctx.csrfToken ? (
              <form className="account" method="post" action="/auth/logout">
                <input type="hidden" name="csrf" value={ctx.csrfToken} />
                <span>
                  {t(ctx.lang, 'loggedInAs')} <strong>{ctx.user.name}</strong>
                </span>{' '}
                <button type="submit">{t(ctx.lang, 'logout')}</button>
              </form>
            ) : ctx.tenant ? (
              <p className="account">
                <a href={`/auth/login?returnTo=${encodeURIComponent(ctx.path)}`}>{t(ctx.lang, 'login')}</a>
              </p>
            ) : null}
          </div>
        </header>
        <main id="main" tabIndex={-1}>
          {page.body}
        </main>
        <footer className="site">
          {ctx.tenant?.contact ? (
            <p>
              {t(ctx.lang, 'contact')}: {ctx.tenant.contact.name}
              {ctx.tenant.contact.phone ? `, ${ctx.tenant.contact.phone}` : ''}
              {ctx.tenant.contact.email ? (
                <>
                  , <a href={`mailto:${ctx.tenant.contact.email}`}>{ctx.tenant.contact.email}</a>
                </>
              ) : null}
            </p>
          ) : null}
          <p>Kommuna · EUPL-1.2</p>
        </footer>
      </body>
    </html>
  );
}

/** The whole document as HTML, rendered on the server. */
export function renderPage(ctx: PageContext, page: Page): string {
  return `<!doctype html>${renderToStaticMarkup(<Layout ctx={ctx} page={page} />)}`;
}

/** A page that only says something: not found, not allowed, logged out, an error. */
export function messagePage(title: string, text?: string, link?: { href: string; label: string }): Page {
  return {
    title,
    body: (
      <>
        <h1>{title}</h1>
        {text ? <p>{text}</p> : null}
        {link ? (
          <p>
            <a href={link.href}>{link.label}</a>
          </p>
        ) : null}
      </>
    ),
  };
}

const LEVELS: Record<string, Record<Lang, string>> = {
  loa2: { sv: 'tillitsnivå 2', en: 'assurance level 2' },
  loa3: { sv: 'tillitsnivå 3 (till exempel BankID eller Freja eID+)', en: 'assurance level 3 (such as BankID or Freja eID+)' },
  loa4: { sv: 'tillitsnivå 4', en: 'assurance level 4' },
};

/**
 * The resident logged in with an e-legitimation below what this municipality requires
 * (INSUFFICIENT_ASSURANCE): which level is needed, which they used, and a login again.
 */
export function assurancePage(lang: Lang, details: unknown, returnTo: string, csrfToken?: string): Page {
  const found = (typeof details === 'object' && details !== null ? details : {}) as { required?: unknown; actual?: unknown };
  const required = typeof found.required === 'string' && LEVELS[found.required] ? LEVELS[found.required][lang] : undefined;
  const actual = typeof found.actual === 'string' && LEVELS[found.actual] ? LEVELS[found.actual][lang] : undefined;
  return {
    title: t(lang, 'assuranceTitle'),
    body: (
      <>
        <h1>{t(lang, 'assuranceTitle')}</h1>
        <p>
          {t(lang, 'assuranceNeeds')} {required ?? t(lang, 'assuranceHigher')}.{' '}
          {actual ? `${t(lang, 'assuranceYouUsed')} ${actual}.` : t(lang, 'assuranceUnknown')}
        </p>
        <p>{t(lang, 'assuranceHow')}</p>
        <form method="post" action="/auth/login-again">
          {csrfToken ? <input type="hidden" name="csrf" value={csrfToken} /> : null}
          <input type="hidden" name="returnTo" value={returnTo} />
          <button type="submit">{t(lang, 'loginAgain')}</button>
        </form>
      </>
    ),
  };
}
