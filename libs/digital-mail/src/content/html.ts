import sanitizeHtml from 'sanitize-html';
import { FieldProblem, UnsafeHtmlError, UnsafeLinkError } from '../errors';

/** The HTML a letter may use: structure and emphasis, https links, nothing active. */
export const SAFE_HTML: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'strong',
    'em',
    'b',
    'i',
    'u',
    'h1',
    'h2',
    'h3',
    'ul',
    'ol',
    'li',
    'blockquote',
    'a',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: { a: ['href'] },
  allowedSchemes: ['https'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
};

// Everything kept: the same parser and serializer as SAFE_HTML, so the two outputs differ only
// where SAFE_HTML removed something.
const KEEP_ALL: sanitizeHtml.IOptions = {
  allowedTags: false,
  allowedAttributes: false,
  allowVulnerableTags: true,
  allowedSchemes: ['https', 'mailto', 'http', 'javascript', 'data', 'vbscript', 'file'],
  allowProtocolRelative: true,
};

/**
 * Unsafe HTML is refused, not silently stripped: a letter that quietly loses content is worse
 * than a clear error to the sending system. Returns the normalised safe HTML.
 */
export function assertSafeHtml(html: string): string {
  const safe = sanitizeHtml(html, SAFE_HTML);
  if (safe === sanitizeHtml(html, KEEP_ALL)) return safe;
  throw new UnsafeHtmlError(unsafeParts(html));
}

/** What SAFE_HTML would drop, named for the error (tags and attributes, not content). */
function unsafeParts(html: string): string[] {
  const found = new Set<string>();
  sanitizeHtml(html, {
    ...KEEP_ALL,
    exclusiveFilter: (frame) => {
      const allowed = SAFE_HTML.allowedTags as string[];
      if (!allowed.includes(frame.tag)) found.add(`<${frame.tag}>`);
      for (const [name, value] of Object.entries(frame.attribs)) {
        const ok = frame.tag === 'a' && name === 'href' && /^https:/i.test(value.trim());
        if (!ok) found.add(`${frame.tag}[${name}]`);
      }
      return false;
    },
  });
  return found.size > 0 ? [...found].sort() : ['disallowed markup'];
}

/**
 * Whether a link may reach a resident: an absolute https URL with a host and no credentials. The
 * WHATWG parser decides, as a browser would (it drops tabs and newlines, so `java\tscript:` is
 * `javascript:`); relative links are refused too, since a mailbox resolves them against its own
 * origin. The platform's own document links are https URLs, so they pass.
 */
export function isSafeLink(href: string): boolean {
  try {
    const url = new URL(href.trim());
    return url.protocol === 'https:' && url.hostname.length > 0 && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

/** The href of every link, as a browser reads it (entities decoded). */
export function linksOf(html: string): string[] {
  const hrefs: string[] = [];
  sanitizeHtml(html, {
    ...KEEP_ALL,
    exclusiveFilter: (frame) => {
      if (frame.tag === 'a' && typeof frame.attribs.href === 'string') hrefs.push(frame.attribs.href);
      return false;
    },
  });
  return hrefs;
}

const STARTS_WITH_PLACEHOLDER = /^\s*\{\{\s*[a-zA-Z][a-zA-Z0-9_]{0,63}\s*\}\}/;
const PLACEHOLDERS = /\{\{\s*[a-zA-Z][a-zA-Z0-9_]{0,63}\s*\}\}/g;

/**
 * Refuses (UNSAFE_LINK) an HTML letter with a link that is not an absolute https link. Run on what
 * is delivered, after placeholders are filled: an escaped value is still a `javascript:` URL.
 * With `template`, a link whose start is a placeholder (`href="{{lank}}"`) passes here, because
 * only the filled-in letter can be judged; a fixed start must already be https.
 */
export function assertSafeLinks(html: string, field: string, options: { template?: boolean } = {}): void {
  const problems: FieldProblem[] = [];
  for (const [index, href] of linksOf(html).entries()) {
    const ok = options.template ? STARTS_WITH_PLACEHOLDER.test(href) || isSafeLink(href.replace(PLACEHOLDERS, 'x')) : isSafeLink(href);
    if (!ok) problems.push({ field, message: `link ${index + 1} is not an absolute https link${schemeOf(href)}` });
  }
  if (problems.length > 0) throw new UnsafeLinkError(problems);
}

/** Names the scheme a refused link used (never the rest: it may carry a resident's data). */
function schemeOf(href: string): string {
  try {
    const { protocol } = new URL(href.trim());
    return protocol === 'https:' ? ' (it carries credentials)' : ` (${protocol})`;
  } catch {
    return ' (relative)';
  }
}

/** Plain text of an HTML body, for the paper letter. */
export function htmlToText(html: string): string {
  const withBreaks = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|h1|h2|h3|li|tr|blockquote)>/gi, '\n')
    .replace(/<li>/gi, '• ');
  return sanitizeHtml(withBreaks, { allowedTags: [], allowedAttributes: {} })
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
