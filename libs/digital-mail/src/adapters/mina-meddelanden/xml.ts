import { DOMImplementation, DOMParser, XMLSerializer } from '@xmldom/xmldom';

/** An XML document that does not follow the contract (missing element, wrong value, not XML). */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
}

export type XmlContent = Element | string | number | boolean | null | undefined | XmlContent[];

/** A new document whose root element is `name` in namespace `ns` (no prefix unless `name` has one). */
export function newDocument(ns: string, name: string): Document {
  return new DOMImplementation().createDocument(ns, name, null);
}

/**
 * An element in `ns` with the given children (elements, or text for scalars; null and undefined
 * are left out, so optional elements are written only when there is a value).
 */
export function element(doc: Document, ns: string, name: string, ...content: XmlContent[]): Element {
  const el = doc.createElementNS(ns, name);
  append(doc, el, content);
  return el;
}

function append(doc: Document, parent: Element, content: XmlContent[]): void {
  for (const item of content) {
    if (item === null || item === undefined) continue;
    if (Array.isArray(item)) append(doc, parent, item);
    else if (typeof item === 'object') parent.appendChild(item);
    else parent.appendChild(doc.createTextNode(String(item)));
  }
}

/** An optional element: written only when the value is there. */
export function optional(doc: Document, ns: string, name: string, value: string | null | undefined): Element | null {
  return value === null || value === undefined || value === '' ? null : element(doc, ns, name, value);
}

export function serialize(node: Node): string {
  return new XMLSerializer().serializeToString(node);
}

/**
 * Parses an answer or request. A document type declaration is refused outright: no party needs
 * one, and entities are how XML bombs and external-entity reads arrive.
 */
export function parseXml(text: string): Document {
  if (/<!DOCTYPE/i.test(text)) throw new ContractViolation('XML with a document type declaration is not accepted');
  const problems: string[] = [];
  const doc = new DOMParser({
    errorHandler: {
      warning: () => undefined,
      error: (message: string) => problems.push(message),
      fatalError: (message: string) => problems.push(message),
    },
  }).parseFromString(text, 'text/xml');
  if (problems.length > 0 || !doc?.documentElement) throw new ContractViolation(`Not well-formed XML: ${problems[0] ?? 'no root element'}`);
  return doc;
}

export function isElement(node: Node | null | undefined): node is Element {
  return !!node && node.nodeType === 1;
}

/** The child elements of `parent` named `name` in `ns`. */
export function childrenNamed(parent: Element, ns: string, name: string): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (isElement(node) && node.namespaceURI === ns && node.localName === name) found.push(node);
  }
  return found;
}

export function childElements(parent: Element): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) if (isElement(node)) found.push(node);
  return found;
}

export function optionalChild(parent: Element, ns: string, name: string): Element | null {
  const found = childrenNamed(parent, ns, name);
  if (found.length > 1) throw new ContractViolation(`${parent.localName} has more than one ${name}`);
  return found[0] ?? null;
}

export function requiredChild(parent: Element, ns: string, name: string): Element {
  const found = optionalChild(parent, ns, name);
  if (!found) throw new ContractViolation(`${parent.localName} has no ${name} ({${ns}})`);
  return found;
}

export function textOf(el: Element): string {
  return (el.textContent ?? '').trim();
}

export function requiredText(parent: Element, ns: string, name: string): string {
  return textOf(requiredChild(parent, ns, name));
}

export function optionalText(parent: Element, ns: string, name: string): string | null {
  const el = optionalChild(parent, ns, name);
  return el ? textOf(el) : null;
}

export function booleanOf(el: Element): boolean {
  const value = textOf(el);
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ContractViolation(`${el.localName} is not a boolean: "${value.slice(0, 20)}"`);
}

export function requiredBoolean(parent: Element, ns: string, name: string): boolean {
  return booleanOf(requiredChild(parent, ns, name));
}
