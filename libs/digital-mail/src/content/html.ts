import sanitizeHtml from 'sanitize-html';
import { UnsafeHtmlError } from '../errors';

/** The HTML a letter may use: structure and emphasis, links to https/mailto, nothing active. */
export const SAFE_HTML: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'strong', 'em', 'b', 'i', 'u', 'h1', 'h2', 'h3', 'ul', 'ol', 'li', 'blockquote', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
  allowedAttributes: { a: ['href'] },
  allowedSchemes: ['https', 'mailto'],
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
        const ok = frame.tag === 'a' && name === 'href' && /^(https:|mailto:)/i.test(value.trim());
        if (!ok) found.add(`${frame.tag}[${name}]`);
      }
      return false;
    },
  });
  return found.size > 0 ? [...found].sort() : ['disallowed markup'];
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
