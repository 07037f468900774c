import { Lang, t } from './i18n';

/** Escapes text for HTML content and attribute values. */
export const esc = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A piece of HTML that is already safe (built from escaped parts). */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Tagged template that escapes every interpolated value unless it is Html (or an array of Html). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1];
  });
  return new Html(out);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return esc(value);
}

export interface PageContext {
  lang: Lang;
  /** The current path with query, for the language switch to come back to. */
  path: string;
  user?: { name: string; roles: string[] };
  csrfToken?: string;
  /** The api's figures are demo figures: every page says so at the top. */
  demo?: boolean;
}

/** The page frame: skip link, header with navigation and language switch, main, footer. */
export function layout(ctx: PageContext, title: string, body: Html): string {
  const other: Lang = ctx.lang === 'sv' ? 'en' : 'sv';
  const switchHref = `/lang/${other}?returnTo=${encodeURIComponent(ctx.path)}`;
  return `<!doctype html>${
    html`<html lang="${ctx.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} – Kommuna</title>
<link rel="stylesheet" href="/assets/portal.css">
</head>
<body>
<a class="skip" href="#main">${t(ctx.lang, 'skip')}</a>
<header class="site">
  <div class="bar">
    <p class="brand"><a href="/catalogue">Kommuna</a> <span>${t(ctx.lang, 'appName').replace('Kommuna – ', '')}</span></p>
    <nav aria-label="${t(ctx.lang, 'nav')}">
      <ul>
        <li><a href="/catalogue">${t(ctx.lang, 'catalogue')}</a></li>
        <li><a href="/proposals">${t(ctx.lang, 'proposals')}</a></li>
        <li><a href="${switchHref}" lang="${other}" hreflang="${other}">${t(ctx.lang, 'switchTo')}</a></li>
      </ul>
    </nav>
    ${
      ctx.user && ctx.csrfToken
        ? html`<form class="logout" method="post" action="/auth/logout"><input type="hidden" name="csrf" value="${ctx.csrfToken}"><span>${t(ctx.lang, 'loggedInAs')} <strong>${ctx.user.name}</strong></span> <button type="submit">${t(ctx.lang, 'logout')}</button></form>`
        : ''
    }
  </div>
</header>
<main id="main" tabindex="-1">
${ctx.demo ? html`<p class="demo-banner" role="note"><strong>DEMO</strong> ${t(ctx.lang, 'demoBanner')}</p>` : ''}
${body}
</main>
<footer class="site"><p>Kommuna · EUPL-1.2 · ${ctx.lang === 'sv' ? 'Siffror över flera kommuner visas bara som summor.' : 'Figures across municipalities are shown as totals only.'}</p></footer>
</body>
</html>`.value
  }`;
}

/** A table that scrolls sideways on a narrow screen, reachable by keyboard. */
export function tableWrap(label: string, table: Html): Html {
  return html`<div class="table-wrap" role="region" aria-label="${label}" tabindex="0">${table}</div>`;
}
