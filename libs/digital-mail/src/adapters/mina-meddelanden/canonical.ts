import { ExclusiveCanonicalization } from 'xml-crypto';
import { ContractViolation } from './xml';

/**
 * XML written directly in its exclusive canonical form (exc-C14N without comments), so what is
 * sent is exactly what is digested and signed: no DOM, no re-parse, and a large base64 body is
 * one string copied, not a text node walked. Only what our documents use: every element
 * unprefixed in a namespace (declared where it differs from the parent's), unqualified
 * attributes, text. Start and end tags always (C14N writes no empty-element tags), attributes
 * sorted by name, text and attribute values escaped as C14N escapes them.
 */
export type CanonicalContent = CanonicalElement | string | number | boolean | null | undefined | CanonicalContent[];

export class CanonicalElement {
  constructor(
    readonly ns: string,
    readonly name: string,
    private readonly attributes: Record<string, string>,
    private readonly content: CanonicalContent[],
  ) {
    if (!ns) throw new Error(`${name}: canonical elements are written in a namespace`);
  }

  /** The element as written under a parent whose default namespace is `parentNs` ('' at the top). */
  canonical(parentNs = ''): string {
    let out = `<${this.name}`;
    if (this.ns !== parentNs) out += ` xmlns="${this.ns}"`;
    for (const name of Object.keys(this.attributes).sort()) out += ` ${name}="${attributeText(this.attributes[name])}"`;
    out += '>';
    out += contentText(this.content, this.ns);
    return `${out}</${this.name}>`;
  }
}

/** An element with text or element content; null and undefined leave nothing. */
export function canonicalElement(ns: string, name: string, ...content: CanonicalContent[]): CanonicalElement {
  return new CanonicalElement(ns, name, {}, content);
}

export function canonicalElementWithAttributes(
  ns: string,
  name: string,
  attributes: Record<string, string>,
  ...content: CanonicalContent[]
): CanonicalElement {
  return new CanonicalElement(ns, name, attributes, content);
}

function contentText(content: CanonicalContent[], ns: string): string {
  let out = '';
  for (const item of content) {
    if (item === null || item === undefined) continue;
    if (Array.isArray(item)) out += contentText(item, ns);
    else if (item instanceof CanonicalElement) out += item.canonical(ns);
    else out += text(String(item));
  }
  return out;
}

// XML 1.0's Char production: a control character or a lone surrogate cannot be written at all.
const NOT_XML =
  // eslint-disable-next-line no-control-regex -- these control characters are what the pattern finds
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checked(value: string): string {
  if (NOT_XML.test(value)) throw new ContractViolation('The text holds a character XML cannot carry (a control character)');
  return value;
}

/** Text as C14N writes it: &, <, > and carriage return escaped. */
function text(value: string): string {
  return /[&<>\r]/.test(checked(value))
    ? value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;')
    : value;
}

/** An attribute value as C14N writes it: &, <, ", tab, line feed and carriage return escaped. */
function attributeText(value: string): string {
  return /[&<"\t\n\r]/.test(checked(value))
    ? value
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/"/g, '&quot;')
        .replace(/\t/g, '&#x9;')
        .replace(/\n/g, '&#xA;')
        .replace(/\r/g, '&#xD;')
    : value;
}

/**
 * A parsed element's exclusive canonical form (xml-crypto's exc-C14N, which shares no code with
 * the writer above), as if its parent's default namespace were `parentNs`: '' for an element
 * canonicalised as its own document.
 */
export function canonicalOf(element: Element, parentNs = '', inclusivePrefixes: string[] = []): string {
  return new ExclusiveCanonicalization().process(element, { defaultNs: parentNs, inclusiveNamespacesPrefixList: inclusivePrefixes });
}
